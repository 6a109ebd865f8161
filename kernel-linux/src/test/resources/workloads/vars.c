/* vars: variables of 1, 2, 4 and 8 bytes (b, h, w, q: one aligned struct). Announces &v through a
 * marker getppid(&v) (rdi), then the main thread writes each variable three times (0x11.. times
 * 1, 2, 3, filling its width); then two threads, one after the other, each write all four once
 * (thread T writes b 0x40+T, h 0x1000+T, w 0x4000+T, q 0x2000+T). Counts the SIGTRAPs it gets
 * (a handler) and prints the final values and that count. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile struct {
    unsigned char b;
    unsigned short h;
    unsigned int w;
    unsigned long q;
} v __attribute__((aligned(16)));

static volatile sig_atomic_t traps;

static void on_trap(int sig) {
    (void) sig;
    traps++;
}

static void *writer(void *arg) {
    long t = (long) arg;
    v.b = 0x40 + t;
    v.h = 0x1000 + t;
    v.w = 0x4000 + t;
    v.q = 0x2000 + t;
    return 0;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_trap;
    sigaction(SIGTRAP, &sa, 0);
    syscall(SYS_getppid, &v);
    for (unsigned long i = 1; i <= 3; i++) {
        v.b = 0x11 * i;
        v.h = 0x1111 * i;
        v.w = 0x11111111UL * i;
        v.q = 0x1111111111111111UL * i;
    }
    for (long t = 1; t <= 2; t++) {
        pthread_t th;
        pthread_create(&th, 0, writer, (void *) t);
        pthread_join(th, 0);
    }
    printf("b 0x%x h 0x%x w 0x%x q 0x%lx traps %d\n", v.b, v.h, v.w, v.q, (int) traps);
    return 0;
}
