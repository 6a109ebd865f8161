/* storm N BATCH PROGRAM: starts N short processes, BATCH at a time: each is fork() then execv of
 * PROGRAM (no arguments); waits for each batch before the next. Exits 1 if any child failed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: storm N BATCH PROGRAM\n");
        return 2;
    }
    int n = atoi(argv[1]), batch = atoi(argv[2]);
    char *child_argv[] = {argv[3], 0};
    int failed = 0;
    for (int done = 0; done < n;) {
        int k = n - done < batch ? n - done : batch;
        for (int i = 0; i < k; i++) {
            pid_t p = fork();
            if (p == 0) {
                execv(argv[3], child_argv);
                _exit(127);
            }
            if (p < 0) {
                perror("fork");
                return 1;
            }
        }
        for (int i = 0; i < k; i++) {
            int st;
            if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) failed++;
        }
        done += k;
    }
    if (failed) fprintf(stderr, "storm: %d children failed\n", failed);
    return failed ? 1 : 0;
}
