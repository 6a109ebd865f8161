/* sigs: signals with handlers, each delivered at a point that does not depend on timing (at the
 * return of the syscall that sent it, or inside a sigsuspend that unblocks it), an ignored one,
 * a child killed by a signal, and syscalls that fail. Prints what it saw and exits 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_info(int sig, siginfo_t *info, void *uc) {
    (void) sig;
    (void) info;
    (void) uc;
    handled++;
}

static void on_plain(int sig) {
    (void) sig;
    handled++;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_info;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_plain;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, 0);
    sigaction(SIGALRM, &sa, 0);
    signal(SIGHUP, SIG_IGN);

    kill(getpid(), SIGUSR1);                                     /* handled as kill returns */
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2); /* the same, sent to the thread */
    kill(getpid(), SIGHUP);                                      /* ignored: a tracer still sees it */

    sigset_t alarm, none;
    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &alarm, 0);
    raise(SIGALRM);     /* pending while blocked */
    sigsuspend(&none);  /* unblocked inside the wait: interrupted, handled, then EINTR */

    open("/nonexistent/utrace-oracle", O_RDONLY); /* ENOENT */
    close(-1);                                    /* EBADF */
    char c;
    read(-1, &c, 1);                              /* EBADF */

    pid_t child = fork();
    if (child == 0) {
        raise(SIGTERM); /* default action: the child is killed */
        _exit(9);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("handled %d, child %s %d\n", (int) handled, WIFSIGNALED(status) ? "killed by" : "exited",
           WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    return 0;
}
