/* signals handler: SIGUSR1 with an SA_SIGINFO handler, sent to itself; prints what the handler
 *   saw ("handled 1 code C value V", or "handled 0" if it never ran) and exits 0.
 * signals stop: prints "before", stops itself with SIGSTOP, prints "after" once continued, exits 4.
 * signals tofile FILE: as handler, but writes what it saw to FILE (for a test that no longer traces it). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled, code;
static volatile int value;

static void on_usr1(int sig, siginfo_t *info, void *uc) {
    (void) sig;
    (void) uc;
    handled++;
    code = info->si_code;
    value = info->si_value.sival_int;
}

int main(int argc, char **argv) {
    setvbuf(stdout, 0, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "stop") == 0) {
        printf("before\n");
        raise(SIGSTOP);
        printf("after\n");
        return 4;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, 0);
    kill(getpid(), SIGUSR1);
    if (argc > 2 && strcmp(argv[1], "tofile") == 0) {
        FILE *f = fopen(argv[2], "w");
        if (!f) return 2;
        fprintf(f, "handled %d\n", (int) handled);
        return fclose(f) == 0 ? 0 : 3;
    }
    printf("handled %d code %d value %d\n", (int) handled, (int) code, value);
    return 0;
}
