/* forker N: forks N children (default 3); the child made when i children were left exits with
 * status i; the parent reaps them all and exits 0, as the simulated machine's forker. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 3;
    for (int i = n; i > 0; i--) {
        if (fork() == 0) _exit(i);
    }
    for (int i = 0; i < n; i++) wait(0);
    return 0;
}
