/*
 * Kernel oracle: PTRACE_ATTACH to a process in a group stop (kill -STOP, then attach).
 * Prints one normalised line per step; PtraceKernelOracleTest runs the same steps on the
 * simulated machine and compares the lines. /proc state letters: T stopped, t tracing stop,
 * S sleeping, R running.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char state(pid_t pid) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return '?';
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    char *p = ok ? strrchr(line, ')') : NULL;
    return p ? p[2] : '?';
}

/* Waits (up to 2 s) until the task leaves the tracing stop, as the resumed tracee settles in pause(). */
static char settled(pid_t pid) {
    for (int i = 0; i < 200; i++) {
        char s = state(pid);
        if (s == 'S') return s;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return state(pid);
}

static void wait_stop(pid_t pid) {
    int st;
    if (waitpid(pid, &st, __WALL) != pid) { perror("waitpid"); return; }
    printf("wait 0x%x %c\n", st, state(pid));
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive this program, even if it is killed */
        for (;;) pause();
    }
    int st;
    kill(child, SIGSTOP);
    waitpid(child, &st, WUNTRACED);
    printf("group-stopped %c\n", state(child));
    if (ptrace(PTRACE_ATTACH, child, 0, 0) != 0) { perror("PTRACE_ATTACH"); kill(child, SIGKILL); return 1; }
    printf("attach\n");
    wait_stop(child);
    ptrace(PTRACE_CONT, child, 0, 0);
    printf("cont 0\n");
    wait_stop(child);
    ptrace(PTRACE_CONT, child, 0, 0);
    printf("cont 0\n");
    char s = settled(child);
    printf("running %c, nothing to wait for: %s\n", s, waitpid(child, &st, __WALL | WNOHANG) == 0 ? "yes" : "no");
    kill(child, SIGKILL);
    waitpid(child, &st, __WALL);
    return 0;
}
