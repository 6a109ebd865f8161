/* memwriter N: maps a page at 0x10000000, then N times (default 5) stores a counter at 0x10000008
 * and reads 0x10000010, making a marker getppid after the first store; as the conformance
 * scenarios' simulated memwriter. Once the marker is over the counter counts. */
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 5;
    volatile long *page = mmap((void *) 0x10000000, 4096, PROT_READ | PROT_WRITE,
                               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (page == MAP_FAILED) return 1;
    long sum = 0;
    for (long i = 1; i <= n; i++) {
        page[1] = i;
        if (i == 1) {
            long r;
            __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
        }
        sum += page[2];
    }
    return (int) (sum & 1);
}
