/* regs: announces a buffer and a read-only string through a marker getppid(buf, sizeof buf, ro)
 * syscall, then prints them and what the marker returned. A tracer may change all three. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char ro[] = "constant";

int main(void) {
    char buf[16] = "original";
    long r = syscall(SYS_getppid, buf, sizeof buf, ro);
    printf("buf=%s ro=%s ret=%ld\n", buf, ro, r);
    return 0;
}
