/* threads T M: T threads started at once, each making M getppid syscalls, then joined. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread;

static void *work(void *arg) {
    (void) arg;
    for (long i = 0; i < per_thread; i++) syscall(SYS_getppid);
    return 0;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4;
    per_thread = argc > 2 ? atol(argv[2]) : 50000;
    if (n < 1 || n > 64) {
        fprintf(stderr, "threads: 1 to 64 threads\n");
        return 2;
    }
    pthread_t t[64];
    for (int i = 0; i < n; i++) {
        if (pthread_create(&t[i], 0, work, 0) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < n; i++) pthread_join(t[i], 0);
    return 0;
}
