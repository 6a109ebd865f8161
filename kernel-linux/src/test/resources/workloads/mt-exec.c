/* mt-exec: starts 3 threads that sleep forever, then a fourth thread execs true (built beside it),
 * as the conformance scenarios' simulated mt-exec (an exec by a non-leader thread: de_thread). */
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static char target[PATH_MAX + 8];

static void *sleeper(void *arg) {
    (void) arg;
    for (;;) pause();
    return 0;
}

static void *execer(void *arg) {
    (void) arg;
    execl(target, "true", (char *) 0);
    return 0;
}

int main(void) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0) return 1;
    self[n] = 0;
    snprintf(target, sizeof target, "%s/true", dirname(self));
    pthread_t t;
    for (int i = 0; i < 3; i++) pthread_create(&t, 0, sleeper, 0);
    pthread_create(&t, 0, execer, 0);
    for (;;) pause();
}
