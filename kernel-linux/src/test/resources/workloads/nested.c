/* nested: thread A says it runs (pipe q), spins until a tracer sets `go`, then creates thread B
 * (which makes one gettid) and joins it. The leader starts A, waits until it runs, makes a marker
 * getppid(0x5151, &go), joins A, prints "nested" and exits 0. A tracer that sets `go` at the
 * marker and then holds the leader there, while A runs without syscall stops, gets A's CLONE
 * event and B's first stop both pending at once. */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int q[2];
static volatile long go;

static void *b_work(void *arg) {
    (void) arg;
    syscall(SYS_gettid);
    return 0;
}

static void *a_work(void *arg) {
    (void) arg;
    pthread_t b;
    if (write(q[1], "r", 1) != 1) return 0;
    while (!go) { }
    pthread_create(&b, 0, b_work, 0);
    pthread_join(b, 0);
    return 0;
}

int main(void) {
    pthread_t a;
    char c;
    if (pipe(q) != 0) return 1;
    pthread_create(&a, 0, a_work, 0);
    if (read(q[0], &c, 1) != 1) return 1;
    syscall(SYS_getppid, 0x5151, &go);
    pthread_join(a, 0);
    printf("nested\n");
    return 0;
}
