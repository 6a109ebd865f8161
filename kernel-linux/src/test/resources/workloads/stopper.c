/* stopper: a second thread spins on getppid while the main thread stops its own group with
 * SIGSTOP again and again (each SIGCONT lets it go round once more); runs until killed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *spin(void *arg) {
    for (;;) syscall(SYS_getppid);
    return arg;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, 0, spin, 0) != 0) return 1;
    for (;;) {
        raise(SIGSTOP);
        sched_yield();
    }
}
