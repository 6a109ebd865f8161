/* getppid N: N getppid syscalls, nothing else in the loop (2 ptrace stops each when traced). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
    return 0;
}
