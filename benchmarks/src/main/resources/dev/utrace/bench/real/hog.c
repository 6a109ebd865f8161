/* hog: a busy loop that never ends by itself, for bin/bench-real --hog CPU (run pinned with
 * taskset): load on one CPU, to see how the tracers degrade when a CPU they use is contended.
 * Dies with its parent (PR_SET_PDEATHSIG), so a benchmark killed midway leaves no hog behind. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void) {
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        perror("prctl(PR_SET_PDEATHSIG)");
        return 1;
    }
    if (getppid() != parent) return 0; /* the parent died before the prctl */
    for (;;) __builtin_ia32_pause();
}
