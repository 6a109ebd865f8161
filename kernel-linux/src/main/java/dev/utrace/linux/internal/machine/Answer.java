package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.linux.internal.trace.Resume;
import dev.utrace.spi.StepMode;

/**
 * How a task's hooks let a stopped tracee go on: the restart request, the signal handed to
 * the kernel (at a signal-delivery stop only), and the siginfo to give it, when it is not the one
 * the kernel already has.
 *
 * @param how    the restart
 * @param signal the signal, or 0
 * @param info   the siginfo to set (PTRACE_SETSIGINFO) first, or null
 * @param raw    the raw siginfo of the stop, to keep what {@link SignalInfo} does not decode; null for none
 */
record Answer(Resume how, int signal, SignalInfo info, byte[] raw) {
    /** Run on as the task's step mode says, stopping at syscalls. */
    static Answer run(LinuxTask t) {
        return t.stepMode == StepMode.NONE ? SYSCALL : SINGLESTEP;
    }

    private static final Answer SYSCALL = new Answer(Resume.SYSCALL, 0, null, null);
    private static final Answer SINGLESTEP = new Answer(Resume.SINGLESTEP, 0, null, null);

    /** Stay in the group stop, told when it ends. */
    static final Answer LISTEN = new Answer(Resume.LISTEN, 0, null, null);
}
