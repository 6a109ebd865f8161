/* watch: announces &s through a marker getppid(&s) syscall, then writes s.w five times and reads
 * it once; prints the sum. A tracer can watch s.w with a debug register. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct {
    char b;
    short h;
    int w;
    long q;
} s __attribute__((aligned(16)));

int main(void) {
    syscall(SYS_getppid, &s, sizeof s);
    volatile int *w = &s.w;
    for (int i = 1; i <= 5; i++) *w = i;
    int sum = *w;
    printf("sum %d\n", sum);
    return 0;
}
