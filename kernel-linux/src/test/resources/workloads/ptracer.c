/*
 * ptracer: a plain ptrace(2) tracer on the real kernel, driven one command a line on stdin, one
 * answer a line on stdout: the kernel side of the three-way ptrace conformance test (the same
 * scenario runs against our PtraceSession on the simulated machine and on the Linux machine).
 *
 * Two processes, so that the tracer, like a PtraceSession, is the parent of none of its
 * tracees: this one (the "launcher": it starts the programs, is their real parent and reaps
 * them, and is a child subreaper, so every process of a scenario stays below it) and its child,
 * the tracer, which makes every ptrace and waitpid call. Commands for the tracer are passed on
 * to it over a socket pair. Every process below dies with the launcher (PR_SET_PDEATHSIG), and
 * "quit" kills and reaps all of them.
 *
 * Launcher commands:
 *   spawn 0|1 PATH [ARGS...]   start PATH running (0) or held in a group stop before its
 *                              first instruction (1), as the machines' spawn does  -> pid N
 *   exitstatus PID             the real parent's wait status, once PID ended (20 s) -> status 0xS
 *   reaped PID                 whether the real parent could reap it now           -> no | status 0xS
 *   state TID                  the /proc state letter                              -> state X
 *   signal PID SIG             kill(2) from outside                                -> ok | err E
 *   other attach|seize PID     PTRACE_ATTACH/SEIZE from a second process           -> ok | err E
 *   tracer-exit                the tracer exits (exit_ptrace)                      -> ok
 *   quit                       kill and reap everything, exit
 * Tracer commands (answers: ok, a value, or err ERRNO):
 *   attach P | seize P OPTS | interrupt P | listen P | detach P SIG | cont P SIG | syscall P SIG
 *   step P SIG | kill P | getregs P | setreg P INDEX VALUE | peek P ADDR | poke P ADDR VALUE
 *   peekuser P OFF | pokeuser P OFF VALUE | getsiginfo P (-> signo code) | setoptions P OPTS
 *   geteventmsg P | wait P 0|1 (WNOHANG; -> pid N status 0xS | none | timeout)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXARGS 32
#define LINE 4096

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long) (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void answer(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void answer(FILE *out, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
    fflush(out);
}

static int split(char *line, char **argv) {
    int n = 0;
    for (char *tok = strtok(line, " \t\n"); tok && n < MAXARGS; tok = strtok(NULL, " \t\n")) argv[n++] = tok;
    argv[n] = NULL;
    return n;
}

static long num(const char *s) {
    return s ? strtol(s, NULL, 0) : 0;
}

static unsigned long unum(const char *s) {
    return s ? strtoul(s, NULL, 0) : 0;
}

/* ---- the tracer ---- */

static void ok_or_err(FILE *out, long r) {
    if (r == -1) answer(out, "err %s", strerrorname_np(errno));
    else answer(out, "ok");
}

static void tracer_command(int argc, char **argv, FILE *out) {
    const char *c = argv[0];
    pid_t p = argc > 1 ? (pid_t) num(argv[1]) : 0;
    errno = 0;
    if (!strcmp(c, "attach")) ok_or_err(out, ptrace(PTRACE_ATTACH, p, 0, 0));
    else if (!strcmp(c, "seize")) ok_or_err(out, ptrace(PTRACE_SEIZE, p, 0, num(argv[2])));
    else if (!strcmp(c, "interrupt")) ok_or_err(out, ptrace(PTRACE_INTERRUPT, p, 0, 0));
    else if (!strcmp(c, "listen")) ok_or_err(out, ptrace(PTRACE_LISTEN, p, 0, 0));
    else if (!strcmp(c, "detach")) ok_or_err(out, ptrace(PTRACE_DETACH, p, 0, num(argv[2])));
    else if (!strcmp(c, "cont")) ok_or_err(out, ptrace(PTRACE_CONT, p, 0, num(argv[2])));
    else if (!strcmp(c, "syscall")) ok_or_err(out, ptrace(PTRACE_SYSCALL, p, 0, num(argv[2])));
    else if (!strcmp(c, "step")) ok_or_err(out, ptrace(PTRACE_SINGLESTEP, p, 0, num(argv[2])));
    else if (!strcmp(c, "kill")) ok_or_err(out, kill(p, SIGKILL));
    else if (!strcmp(c, "setoptions")) ok_or_err(out, ptrace(PTRACE_SETOPTIONS, p, 0, num(argv[2])));
    else if (!strcmp(c, "getregs")) {
        struct user_regs_struct r;
        if (ptrace(PTRACE_GETREGS, p, 0, &r) == -1) {
            answer(out, "err %s", strerrorname_np(errno));
            return;
        }
        unsigned long *w = (unsigned long *) &r;
        char buf[LINE];
        int len = snprintf(buf, sizeof buf, "regs");
        for (size_t i = 0; i < sizeof r / sizeof *w; i++) len += snprintf(buf + len, sizeof buf - len, " 0x%lx", w[i]);
        answer(out, "%s", buf);
    } else if (!strcmp(c, "setreg")) {
        struct user_regs_struct r;
        if (ptrace(PTRACE_GETREGS, p, 0, &r) == -1) {
            answer(out, "err %s", strerrorname_np(errno));
            return;
        }
        ((unsigned long *) &r)[num(argv[2])] = unum(argv[3]);
        ok_or_err(out, ptrace(PTRACE_SETREGS, p, 0, &r));
    } else if (!strcmp(c, "peek") || !strcmp(c, "peekuser")) {
        long v = ptrace(!strcmp(c, "peek") ? PTRACE_PEEKDATA : PTRACE_PEEKUSER, p, (void *) unum(argv[2]), 0);
        if (v == -1 && errno) answer(out, "err %s", strerrorname_np(errno));
        else answer(out, "value 0x%lx", (unsigned long) v);
    } else if (!strcmp(c, "poke")) ok_or_err(out, ptrace(PTRACE_POKEDATA, p, (void *) unum(argv[2]), (void *) unum(argv[3])));
    else if (!strcmp(c, "pokeuser")) ok_or_err(out, ptrace(PTRACE_POKEUSER, p, (void *) unum(argv[2]), (void *) unum(argv[3])));
    else if (!strcmp(c, "getsiginfo")) {
        siginfo_t si;
        if (ptrace(PTRACE_GETSIGINFO, p, 0, &si) == -1) answer(out, "err %s", strerrorname_np(errno));
        else answer(out, "siginfo %d %d", si.si_signo, si.si_code);
    } else if (!strcmp(c, "geteventmsg")) {
        unsigned long m = 0;
        if (ptrace(PTRACE_GETEVENTMSG, p, 0, &m) == -1) answer(out, "err %s", strerrorname_np(errno));
        else answer(out, "value 0x%lx", m);
    } else if (!strcmp(c, "wait")) {
        int nohang = (int) num(argv[2]);
        for (int waited = 0;; waited++) {
            int st = 0;
            pid_t r = waitpid(p, &st, __WALL | WNOHANG);
            if (r > 0) {
                answer(out, "pid %d status 0x%x", r, st);
                return;
            }
            if (r == -1 && errno != EINTR) {
                answer(out, "err %s", strerrorname_np(errno));
                return;
            }
            if (nohang) {
                answer(out, "none");
                return;
            }
            if (waited >= 20000) {
                answer(out, "timeout");
                return;
            }
            sleep_ms(1);
        }
    } else {
        answer(out, "err EINVAL unknown command %s", c);
    }
}

static void tracer_main(int sock) {
    FILE *in = fdopen(sock, "r");
    FILE *out = fdopen(dup(sock), "w");
    char line[LINE];
    char *argv[MAXARGS + 1];
    while (fgets(line, sizeof line, in)) {
        int argc = split(line, argv);
        if (argc == 0) continue;
        if (!strcmp(argv[0], "exit")) {
            answer(out, "ok");
            _exit(0); /* exit_ptrace: the kernel detaches (or, with EXITKILL, kills) every tracee */
        }
        tracer_command(argc, argv, out);
    }
    _exit(0);
}

/* ---- the launcher ---- */

static pid_t tracer = -1;
static FILE *to_tracer, *from_tracer;

static void start_tracer(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
        perror("socketpair");
        exit(1);
    }
    tracer = fork();
    if (tracer == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(sv[0]);
        tracer_main(sv[1]);
    }
    close(sv[1]);
    to_tracer = fdopen(sv[0], "w");
    from_tracer = fdopen(dup(sv[0]), "r");
}

/* Starts argv running, or held in a group stop before its first instruction: traced across its
 * execve (PTRACE_TRACEME), sent SIGSTOP at the exec trap and let go, so it dequeues the SIGSTOP
 * before it runs a single instruction of the program. Returns once the program is exec'd. */
static pid_t spawn(int stopped, char **argv) {
    int exec_pipe[2];
    if (pipe2(exec_pipe, O_CLOEXEC) == -1) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(exec_pipe[0]);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (stopped) ptrace(PTRACE_TRACEME, 0, 0, 0);
        execv(argv[0], argv);
        int e = errno;
        if (write(exec_pipe[1], &e, sizeof e) < 0) _exit(126);
        _exit(127);
    }
    close(exec_pipe[1]);
    int e = 0;
    ssize_t n = read(exec_pipe[0], &e, sizeof e);
    close(exec_pipe[0]);
    if (n > 0) {
        waitpid(pid, NULL, 0);
        errno = e;
        return -1;
    }
    if (stopped) {
        int st;
        waitpid(pid, &st, 0); /* the exec trap */
        kill(pid, SIGSTOP);
        ptrace(PTRACE_DETACH, pid, 0, 0);
        waitpid(pid, &st, WUNTRACED); /* in its group stop */
    }
    return pid;
}

static int state(pid_t pid) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return '-';
    char *ok = fgets(line, sizeof line, f);
    fclose(f);
    char *p = ok ? strrchr(line, ')') : NULL;
    return p ? p[2] : '?';
}

#define MAXKIDS 256
static struct {
    pid_t pid;
    int status;
    int reaped;
} kids[MAXKIDS];
static int nkids;

/* Reaps whatever ended among the launcher's children (the programs, orphans it adopted as subreaper). */
static void reap(void) {
    for (;;) {
        int st;
        pid_t r = waitpid(-1, &st, WNOHANG);
        if (r <= 0) return;
        for (int i = 0; i < nkids; i++) {
            if (kids[i].pid == r && !kids[i].reaped) {
                kids[i].reaped = 1;
                kids[i].status = st;
            }
        }
    }
}

static int kid(pid_t pid) {
    for (int i = 0; i < nkids; i++) {
        if (kids[i].pid == pid) return i;
    }
    return -1;
}

/* A second tracer: a child of its own tries to attach; an attach that worked ends with it. */
static void other(FILE *out, const char *how, pid_t pid) {
    int p[2];
    if (pipe(p) == -1) {
        answer(out, "err %s", strerrorname_np(errno));
        return;
    }
    pid_t c = fork();
    if (c == 0) {
        long r = !strcmp(how, "seize") ? ptrace(PTRACE_SEIZE, pid, 0, 0) : ptrace(PTRACE_ATTACH, pid, 0, 0);
        int e = r == -1 ? errno : 0;
        if (write(p[1], &e, sizeof e) < 0) _exit(1);
        _exit(0);
    }
    close(p[1]);
    int e = -1;
    if (read(p[0], &e, sizeof e) != sizeof e) e = EIO;
    close(p[0]);
    waitpid(c, NULL, __WALL);
    if (e) answer(out, "err %s", strerrorname_np(e));
    else answer(out, "ok");
}

static void quit(void) {
    /* Everything left is below this subreaper: kill it all, then reap until no child is left. */
    char cmd[64];
    snprintf(cmd, sizeof cmd, "/proc/%d/task/%d/children", getpid(), getpid());
    for (int round = 0; round < 100; round++) {
        FILE *f = fopen(cmd, "r");
        int any = 0;
        if (f) {
            int pid;
            while (fscanf(f, "%d", &pid) == 1) {
                kill(pid, SIGKILL);
                any = 1;
            }
            fclose(f);
        }
        while (waitpid(-1, NULL, __WALL | WNOHANG) > 0) any = 1;
        if (!any) break;
        sleep_ms(10);
    }
    exit(0);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    start_tracer();
    char line[LINE], copy[LINE];
    char *argv[MAXARGS + 1];
    while (fgets(line, sizeof line, stdin)) {
        memcpy(copy, line, sizeof line);
        int argc = split(line, argv);
        if (argc == 0) continue;
        const char *c = argv[0];
        reap();
        if (!strcmp(c, "quit")) {
            quit();
        } else if (!strcmp(c, "spawn")) {
            pid_t pid = spawn((int) num(argv[1]), argv + 2);
            if (pid == -1) {
                answer(stdout, "err %s", strerrorname_np(errno));
            } else {
                if (nkids < MAXKIDS) kids[nkids++].pid = pid;
                answer(stdout, "pid %d", pid);
            }
        } else if (!strcmp(c, "exitstatus") || !strcmp(c, "reaped")) {
            int i = kid((pid_t) num(argv[1]));
            if (i < 0) {
                answer(stdout, "err ECHILD");
                continue;
            }
            for (int waited = 0; !kids[i].reaped && !strcmp(c, "exitstatus") && waited < 20000; waited++) {
                sleep_ms(1);
                reap();
            }
            if (kids[i].reaped) answer(stdout, "status 0x%x", kids[i].status);
            else answer(stdout, !strcmp(c, "reaped") ? "no" : "timeout");
        } else if (!strcmp(c, "state")) {
            answer(stdout, "state %c", state((pid_t) num(argv[1])));
        } else if (!strcmp(c, "signal")) {
            ok_or_err(stdout, kill((pid_t) num(argv[1]), (int) num(argv[2])));
        } else if (!strcmp(c, "other")) {
            other(stdout, argv[1], (pid_t) num(argv[2]));
        } else if (!strcmp(c, "tracer-exit")) {
            if (tracer > 0) {
                fputs("exit\n", to_tracer);
                fflush(to_tracer);
                char reply[LINE];
                if (!fgets(reply, sizeof reply, from_tracer)) reply[0] = 0;
                waitpid(tracer, NULL, 0);
                tracer = -1;
            }
            answer(stdout, "ok");
        } else if (tracer <= 0) {
            answer(stdout, "err ESRCH the tracer has exited");
        } else {
            fputs(copy, to_tracer);
            fflush(to_tracer);
            char reply[LINE];
            if (!fgets(reply, sizeof reply, from_tracer)) {
                answer(stdout, "err EPIPE the tracer died");
                continue;
            }
            fputs(reply, stdout);
            fflush(stdout);
        }
    }
    quit();
}
