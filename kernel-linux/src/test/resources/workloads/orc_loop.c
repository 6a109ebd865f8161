/* orc_loop FILE N: open, read (256 bytes), close of FILE, N times (the benchmark's orc workload,
 * for the allocation test: the passive tracer copies each open's path and each read's buffer). */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    long n = atol(argv[2]);
    char buf[256];
    for (long i = 0; i < n; i++) {
        int fd = open(argv[1], O_RDONLY);
        if (fd < 0) return 3;
        if (read(fd, buf, sizeof buf) < 0) return 4;
        close(fd);
    }
    return 0;
}
