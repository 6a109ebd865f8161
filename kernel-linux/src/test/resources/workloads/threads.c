/* threads ROUNDS PER_ROUND: creates PER_ROUND threads at once, joins them, ROUNDS times. Each thread
 * makes one gettid syscall. Exits 0 and prints the number of threads created. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *work(void *arg) {
    (void) arg;
    syscall(SYS_gettid);
    return 0;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1;
    int per = argc > 2 ? atoi(argv[2]) : 3;
    pthread_t t[64];
    int made = 0;
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < per; i++) if (pthread_create(&t[i], 0, work, 0) == 0) made++;
        for (int i = 0; i < per; i++) pthread_join(t[i], 0);
    }
    printf("threads %d\n", made);
    return 0;
}
