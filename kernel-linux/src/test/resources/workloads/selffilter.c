/* selffilter FILE: installs a seccomp filter of its own that traces openat (SECCOMP_RET_TRACE), as
 * the tracer's filter does, then opens FILE with no tracer attached and prints "open -1 ENOSYS"
 * (errno's name) or "open ok"; then "getpid ok" (a syscall the filter allows). What a program
 * under the tracer's filter would meet if the tracer let it go. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof f / sizeof f[0], f};
    if (argc < 2 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
        printf("no filter\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) printf("open -1 %s\n", errno == ENOSYS ? "ENOSYS" : "other");
    else printf("open ok\n");
    printf("getpid %s\n", syscall(SYS_getpid) > 0 ? "ok" : "failed");
    return 0;
}
