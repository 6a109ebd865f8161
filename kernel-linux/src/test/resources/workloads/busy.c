/* busy LINES [THREADS]: prints "line I" LINES times, one every millisecond, while THREADS-1 helper
 * threads spin on getppid; counts the SIGRTMIN+1 signals it receives (each is queued, none merges)
 * and writes a watched variable every line. Ends with "signals N" and "end", exit 0. Before the
 * first line it prints "watched ADDRESS" (the address of the variable, for a watchpoint). */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t received;
static volatile long watched __attribute__((aligned(8)));
static volatile int done;

static void on_rt(int sig) {
    (void) sig;
    received++;
}

static void *spin(void *arg) {
    (void) arg;
    while (!done) syscall(SYS_getppid);
    return 0;
}

int main(int argc, char **argv) {
    int lines = argc > 1 ? atoi(argv[1]) : 100;
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    setvbuf(stdout, 0, _IONBF, 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_rt;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGRTMIN + 1, &sa, 0);
    pthread_t t[16];
    for (int i = 1; i < threads && i < 16; i++) pthread_create(&t[i], 0, spin, 0);
    printf("watched %p\n", (void *) &watched);
    for (int i = 1; i <= lines; i++) {
        watched = i;
        printf("line %d\n", i);
        struct timespec ts = {0, 1000000};
        while (nanosleep(&ts, &ts) != 0) { }
    }
    done = 1;
    for (int i = 1; i < threads && i < 16; i++) pthread_join(t[i], 0);
    printf("signals %d\nend\n", (int) received);
    return 0;
}
