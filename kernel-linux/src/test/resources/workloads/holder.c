/* holder: blocks in pause() until a signal ends it (for kill-while-held, close, and refusals). */
#include <unistd.h>

int main(void) {
    for (;;) pause();
}
