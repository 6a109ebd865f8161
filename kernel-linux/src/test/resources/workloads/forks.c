/* forks: a fork child and a vfork child, each exec'ing this program again (as "child" and
 * "vchild", exiting 5 and 6); the parent reaps both, prints their statuses, and exits 7. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return 5;
    if (argc > 1 && strcmp(argv[1], "vchild") == 0) return 6;
    pid_t a = fork();
    if (a == 0) {
        execl("/proc/self/exe", argv[0], "child", (char *) 0);
        _exit(100);
    }
    pid_t b = vfork();
    if (b == 0) {
        execl("/proc/self/exe", argv[0], "vchild", (char *) 0);
        _exit(101);
    }
    int sa, sb;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    printf("fork %d exited %d, vfork %d exited %d\n", a, WEXITSTATUS(sa), b, WEXITSTATUS(sb));
    fflush(stdout);
    return 7;
}
