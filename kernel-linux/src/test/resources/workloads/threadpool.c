/* threadpool N: starts N worker threads (default 4); each sleeps 20 ms and exits; the main thread
 * exits 0 once all are done, as the simulated machine's threadpool. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void) arg;
    usleep(20000);
    return 0;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 4;
    pthread_t t[64];
    for (int i = 0; i < n && i < 64; i++) pthread_create(&t[i], 0, worker, 0);
    for (int i = 0; i < n && i < 64; i++) pthread_join(t[i], 0);
    return 0;
}
