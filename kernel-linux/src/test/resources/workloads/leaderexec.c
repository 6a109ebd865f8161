/* leaderexec: the leader starts a thread and ends with pthread_exit; the thread joins the leader
 * (so it has ended) and execs this program again (argv[0], an absolute path) as "after", taking
 * the leader's pid; the new image writes "after exec" and exits 0. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static pthread_t leader;
static char *self;

static void *execer(void *arg) {
    (void) arg;
    pthread_join(leader, 0);
    execl(self, self, "after", (char *) 0); /* not /proc/self/exe: the leader has ended, /proc/self with it */
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "after") == 0) {
        write(1, "after exec\n", 11);
        return 0;
    }
    self = argv[0];
    leader = pthread_self();
    pthread_t t;
    pthread_create(&t, 0, execer, 0);
    pthread_exit(0);
}
