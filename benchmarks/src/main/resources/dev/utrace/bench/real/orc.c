/* orc N FILE: N times open FILE, read up to 256 bytes, close (3 syscalls each). Exits 1 if an
 * open or read fails, so a tracer that breaks the program cannot pass for a fast one. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: orc N FILE\n");
        return 2;
    }
    long n = atol(argv[1]);
    char buf[256];
    for (long i = 0; i < n; i++) {
        int fd = open(argv[2], O_RDONLY);
        if (fd < 0 || read(fd, buf, sizeof buf) <= 0) {
            perror(argv[2]);
            return 1;
        }
        close(fd);
    }
    return 0;
}
