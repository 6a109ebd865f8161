/* A small program with a fixed syscall stream, compared with strace's view of it. */
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char buf[64];
    syscall(SYS_getpid);
    int fd = open(argv[1], O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    write(1, buf, n);
    open("/nonexistent/utrace", O_RDONLY);
    close(12345);
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, 0);
    void *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, 8192);
    struct utsname u;
    uname(&u);
    kill(getpid(), 0);
    syscall(SYS_getppid);
    return 3;
}
