/* minitrace [--info] PROGRAM ARGS...: the floor a ptrace tracer cannot beat. Runs PROGRAM traced
 * from its first instruction (fork, PTRACE_TRACEME, SIGSTOP, execvp), stops at every syscall entry
 * and exit (PTRACE_SYSCALL, PTRACE_O_TRACESYSGOOD), follows forks, vforks and clones, and does
 * nothing at a stop but count it and restart. Delivers other signals; suppresses a new tracee's
 * first SIGSTOP. With --info it also asks the kernel which syscall each syscall stop is
 * (PTRACE_GET_SYSCALL_INFO, as strace does and as any tracer must that says which syscall it saw)
 * and counts the entries and exits the answers name: the floor of a tracer that reports anything.
 * Prints "minitrace: stops N syscall-stops M" (with --info: " info-entries E info-exits X") on
 * stderr and exits with the program's status. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    int info = argc > 1 && strcmp(argv[1], "--info") == 0;
    if (info) {
        argc--;
        argv++;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: minitrace [--info] PROGRAM ARGS...\n");
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
    long stops = 0, syscall_stops = 0, info_entries = 0, info_exits = 0;
    struct __ptrace_syscall_info si;
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
            if (info && ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *) sizeof si, &si) > 0) {
                if (si.op == PTRACE_SYSCALL_INFO_ENTRY) info_entries++;
                else if (si.op == PTRACE_SYSCALL_INFO_EXIT) info_exits++;
            }
        } else if ((st >> 16) != 0) {
            /* a PTRACE_EVENT stop: fork, vfork, clone, exec */
        } else if (first_stop(tid) && sig == SIGSTOP) {
            /* an auto-attached child's first stop */
        } else {
            deliver = sig;
        }
        ptrace(PTRACE_SYSCALL, tid, 0, deliver);
    }
    fprintf(stderr, "minitrace: stops %ld syscall-stops %ld", stops, syscall_stops);
    if (info) fprintf(stderr, " info-entries %ld info-exits %ld", info_entries, info_exits);
    fprintf(stderr, "\n");
    return result;
}
