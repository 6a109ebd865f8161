/* mtexec: the leader starts a sleeper thread and an exec'ing thread, then waits forever; the
 * exec'ing thread runs this program again as "after TID"; the new image prints its pid and the
 * tid it had, and exits 0. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *self;

static void *sleeper(void *arg) {
    (void) arg;
    for (;;) pause();
}

static void *execer(void *arg) {
    (void) arg;
    char tid[32];
    snprintf(tid, sizeof tid, "%ld", (long) syscall(SYS_gettid));
    execl("/proc/self/exe", self, "after", tid, (char *) 0);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "after") == 0) {
        printf("after exec: pid %d, formerly thread %s\n", getpid(), argv[2]);
        return 0;
    }
    self = argv[0];
    pthread_t a, b;
    pthread_create(&a, 0, sleeper, 0);
    usleep(20000);
    pthread_create(&b, 0, execer, 0);
    for (;;) pause();
}
