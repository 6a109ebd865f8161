/* sleeper MS: sleeps MS milliseconds (nanosleep, restarted with the time left after a stop), then exits 0,
 * as the simulated machine's sleeper. */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
    long ms = argc > 1 ? atol(argv[1]) : 0;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, 0);
    return 0;
}
