/* idle: waits for signals forever (pause in a loop), as the simulated machine's idle. */
#include <unistd.h>

int main(void) {
    for (;;) pause();
}
