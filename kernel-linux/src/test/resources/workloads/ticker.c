/* ticker [MS]: prints the address of its counter ("&ticks = ADDRESS"), then forever: adds one to
 * the counter, prints "tick N", sleeps MS milliseconds (default 500). The README's showcase: a
 * tracer logs its syscalls, a watchpoint sees each write of ticks, a debugger stops it. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile long ticks;

int main(int argc, char **argv) {
    long ms = argc > 1 ? atol(argv[1]) : 500;
    setvbuf(stdout, 0, _IONBF, 0);
    printf("&ticks = %p\n", (void *) &ticks);
    for (;;) {
        ticks = ticks + 1;
        printf("tick %ld\n", ticks);
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
        nanosleep(&ts, 0);
    }
}
