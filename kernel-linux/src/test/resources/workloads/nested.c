/* nested: thread A waits on a pipe, then creates thread B (which makes one gettid) and joins it.
 * The leader starts A, wakes it through the pipe, makes a marker getppid(0x5151), joins A, prints
 * "nested" and exits 0. A tracer that holds the leader at the marker while A runs untraced by
 * syscall stops gets A's CLONE event and B's first stop both pending at once. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int p[2];

static void *b_work(void *arg) {
    (void) arg;
    syscall(SYS_gettid);
    return 0;
}

static void *a_work(void *arg) {
    (void) arg;
    char c;
    pthread_t b;
    if (read(p[0], &c, 1) != 1) return 0;
    pthread_create(&b, 0, b_work, 0);
    pthread_join(b, 0);
    return 0;
}

int main(void) {
    pthread_t a;
    if (pipe(p) != 0) return 1;
    pthread_create(&a, 0, a_work, 0);
    if (write(p[1], "x", 1) != 1) return 1;
    syscall(SYS_getppid, 0x5151);
    pthread_join(a, 0);
    printf("nested\n");
    return 0;
}
