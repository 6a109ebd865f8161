package dev.utrace.sim.internal;

/** Linux errno values the machine returns (negated, in rax), and the kernel-internal restart codes. */
final class Errno {
    static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, ENOEXEC = 8, ECHILD = 10, EAGAIN = 11,
            EFAULT = 14, EINVAL = 22, ENOSYS = 38;
    /** Restart the syscall unless a handler without SA_RESTART ran; then EINTR. */
    static final int ERESTARTSYS = 512;
    /** Always restart. */
    static final int ERESTARTNOINTR = 513;
    /** Restart unless a handler ran; then EINTR. */
    static final int ERESTARTNOHAND = 514;

    private Errno() {
    }

    /** Whether {@code rax} holds one of the restart codes, which never reach user mode. */
    static boolean isRestart(long rax) {
        return rax == -ERESTARTSYS || rax == -ERESTARTNOINTR || rax == -ERESTARTNOHAND;
    }
}
