/* filtered FILE LOOPS GETPPIDS [SLEEP_MS] [THREADS]: LOOPS times: GETPPIDS getppid syscalls, then
 * open, read and close FILE, and print "loop I: " and what it read (or "open failed: " and why);
 * sleeps SLEEP_MS milliseconds between loops. THREADS-1 helper threads make the same syscalls
 * meanwhile without printing. Then prints "end" and exits 0. For the syscall filter's tests: a
 * filter on openat sees LOOPS opens of FILE (per thread) among many getppids; run untraced, under a
 * filter and after a detach, its output must be the same. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static const char *file;
static int loops, getppids, sleep_ms;

static int one_loop(int i, int print) {
    for (int k = 0; k < getppids; k++) syscall(SYS_getppid);
    char buf[128];
    int fd = open(file, O_RDONLY);
    if (fd < 0) {
        if (print) printf("loop %d: open failed: %s\n", i, strerror(errno));
        return 1;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n < 0 ? 0 : n] = 0;
    if (print) printf("loop %d: %s", i, buf);
    if (sleep_ms > 0) {
        struct timespec ts = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) { }
    }
    return 0;
}

static void *helper(void *arg) {
    (void) arg;
    for (int i = 1; i <= loops; i++) one_loop(i, 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    file = argv[1];
    loops = atoi(argv[2]);
    getppids = atoi(argv[3]);
    sleep_ms = argc > 4 ? atoi(argv[4]) : 0;
    int threads = argc > 5 ? atoi(argv[5]) : 1;
    setvbuf(stdout, 0, _IONBF, 0);
    pthread_t t[16];
    for (int i = 1; i < threads && i < 16; i++) pthread_create(&t[i], 0, helper, 0);
    for (int i = 1; i <= loops; i++) one_loop(i, 1);
    for (int i = 1; i < threads && i < 16; i++) pthread_join(t[i], 0);
    printf("end\n");
    return 0;
}
