/* minitrace PROGRAM ARGS...: the floor a ptrace tracer cannot beat. Runs PROGRAM traced from its
 * first instruction (fork, PTRACE_TRACEME, SIGSTOP, execvp), stops at every syscall entry and exit
 * (PTRACE_SYSCALL, PTRACE_O_TRACESYSGOOD), follows forks, vforks and clones, and does nothing at a
 * stop but count it and restart. Delivers other signals; suppresses a new tracee's first SIGSTOP.
 * Prints "minitrace: stops N syscall-stops M" on stderr and exits with the program's status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TID (1 << 22)
static unsigned char seen[MAX_TID / 8];

static int first_stop(pid_t tid) {
    if (tid < 0 || tid >= MAX_TID) return 0;
    unsigned char bit = (unsigned char) (1u << (tid & 7));
    if (seen[tid >> 3] & bit) return 0;
    seen[tid >> 3] |= bit;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: minitrace PROGRAM ARGS...\n");
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execvp(argv[1], argv + 1);
        perror(argv[1]);
        _exit(127);
    }
    int st;
    if (waitpid(child, &st, 0) < 0 || !WIFSTOPPED(st)) {
        fprintf(stderr, "minitrace: the child did not stop\n");
        return 1;
    }
    first_stop(child);
    long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE
            | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, child, 0, opts) < 0) {
        perror("PTRACE_SETOPTIONS");
        return 1;
    }
    ptrace(PTRACE_SYSCALL, child, 0, 0);
    long stops = 0, syscall_stops = 0;
    int result = 1;
    for (;;) {
        pid_t tid = waitpid(-1, &st, __WALL);
        if (tid < 0) {
            if (errno == EINTR) continue;
            break; /* ECHILD: no tracee left */
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (tid == child) result = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            continue;
        }
        stops++;
        int sig = WSTOPSIG(st);
        int deliver = 0;
        if (sig == (SIGTRAP | 0x80)) {
            syscall_stops++;
        } else if ((st >> 16) != 0) {
            /* a PTRACE_EVENT stop: fork, vfork, clone, exec */
        } else if (first_stop(tid) && sig == SIGSTOP) {
            /* an auto-attached child's first stop */
        } else {
            deliver = sig;
        }
        ptrace(PTRACE_SYSCALL, tid, 0, deliver);
    }
    fprintf(stderr, "minitrace: stops %ld syscall-stops %ld\n", stops, syscall_stops);
    return result;
}
