/* gated LINES THREADS MS: prints "shared ADDRESS" (a variable every thread writes, for watchpoints),
 * then "line I" for I = 1..LINES, one every MS milliseconds, then goes on silently until SIGUSR2
 * opens the gate. Meanwhile THREADS-1 helper threads, and the main thread, each make a getppid
 * syscall and write the shared variable every MS milliseconds. Counts the SIGRTMIN+1 signals it
 * receives (each is queued, none merges). Ends with "signals N" and "end", exit 0: whatever the
 * timing, the output depends only on LINES and the number of SIGRTMIN+1 sent, so a run under
 * tracers can be compared with an untraced one. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t received, gate;
static volatile long shared __attribute__((aligned(8)));
static volatile int done;
static long ms;

static void on_rt(int sig) {
    (void) sig;
    received++;
}

static void on_usr2(int sig) {
    (void) sig;
    gate = 1;
}

static void tick(void) {
    syscall(SYS_getppid);
    shared = shared + 1;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0) { }
}

static void *helper(void *arg) {
    (void) arg;
    while (!done) tick();
    return 0;
}

int main(int argc, char **argv) {
    int lines = argc > 1 ? atoi(argv[1]) : 20;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    ms = argc > 3 ? atol(argv[3]) : 5;
    setvbuf(stdout, 0, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_rt;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGRTMIN + 1, &sa, 0);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, 0);
    pthread_t t[16];
    for (int i = 1; i < threads && i < 16; i++) pthread_create(&t[i], 0, helper, 0);
    printf("shared %p\n", (void *) &shared);
    for (int i = 1; i <= lines; i++) {
        printf("line %d\n", i);
        tick();
    }
    while (!gate) tick();
    done = 1;
    for (int i = 1; i < threads && i < 16; i++) pthread_join(t[i], 0);
    printf("signals %d\nend\n", (int) received);
    return 0;
}
