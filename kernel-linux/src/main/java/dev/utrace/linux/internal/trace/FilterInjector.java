package dev.utrace.linux.internal.trace;

import dev.utrace.api.SyscallSet;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.UserRegs;
import dev.utrace.linux.internal.sys.UserRegs.Reg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Installs a seccomp filter ({@link SeccompProgram}) in a spawned program's wrapper shell just
 * before the shell execs the program, without native code (design doc, section 5.3): a filter
 * acts only on the thread that installs it, and Java cannot run code in the child, but it can
 * make the child run syscalls. At the shell's {@code execve} entry stop the tracer turns that
 * entry into another syscall (orig_rax and the argument registers), follows it to its exit stop,
 * reads the result, and puts the shell back onto its {@code syscall} instruction (rip - 2, rax =
 * the execve number), so it enters execve again; there the next call is made the same way, and
 * at the end execve gets its own registers back and runs. The calls: {@code mmap} of a page for
 * the program, {@code seccomp(SECCOMP_SET_MODE_FILTER)}, and, if that answers EACCES (the tracer
 * lacks CAP_SYS_ADMIN), {@code prctl(PR_SET_NO_NEW_PRIVS)} and seccomp again. The filter survives
 * the exec and is inherited by every thread and child; the page goes with the shell's memory.
 * Tracer thread only.
 */
final class FilterInjector {
    private static final int SYS_MMAP = 9, SYS_PRCTL = 157, SYS_SECCOMP = 317;
    private static final long PROT_READ_WRITE = 3, MAP_PRIVATE_ANONYMOUS = 0x22, PR_SET_NO_NEW_PRIVS = 38;
    private static final long SECCOMP_SET_MODE_FILTER = 1;
    private static final long PAGE = 4096;

    private enum Call { MMAP, SECCOMP, NO_NEW_PRIVS, SECCOMP_AGAIN }

    final SyscallSet filter;
    private final long[] saved = new long[Reg.values().length];
    /** The call in flight, or the last one made. */
    private Call current;
    /** The call to make at the next execve entry; null: execve's own registers then. */
    private Call next;
    private boolean started;
    private boolean inCall;
    private boolean finished;
    private long page;
    /** Whether the filter is in force in the shell. */
    boolean installed;
    /** Why it could not be installed, or null. */
    String failure;

    FilterInjector(SyscallSet filter) {
        this.filter = filter;
    }

    boolean started() {
        return started;
    }

    /** Whether an injected call is between its entry and its exit stop. */
    boolean inCall() {
        return inCall;
    }

    /** Whether execve has its own registers back: from now on the shell's stops are its own. */
    boolean finished() {
        return finished;
    }

    /** At the shell's execve entry stop (its vectors already pointed where they must be): the first call. */
    void begin(Tracee t, UserRegs regs) {
        started = true;
        t.getRegs(regs);
        for (Reg r : Reg.values()) saved[r.ordinal()] = regs.get(r);
        long size = (SeccompProgram.length(filter) * 8L + 16 + PAGE - 1) / PAGE * PAGE;
        inject(t, regs, Call.MMAP, 0, size, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0);
    }

    /** An entry stop while injecting: execve entered again. Makes the next call, or gives execve its registers back. */
    void reentered(Tracee t, UserRegs regs) {
        Call c = next;
        next = null;
        if (c == null) {
            restore(regs);
            t.setRegs(regs);
            finished = true;
            return;
        }
        switch (c) {
            case SECCOMP, SECCOMP_AGAIN -> inject(t, regs, c, SECCOMP_SET_MODE_FILTER, 0, page, 0, 0, 0);
            case NO_NEW_PRIVS -> inject(t, regs, c, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
            case MMAP -> throw new IllegalStateException("mmap is only the first call");
        }
    }

    /** The exit stop of the call in flight: its result decides the next; then back onto the syscall instruction. */
    void exited(Tracee t, UserRegs regs, long rval, boolean isError) {
        inCall = false;
        int errno = isError ? (int) -rval : 0;
        switch (current) {
            case MMAP -> {
                if (isError) {
                    failure = "mmap of a page for it failed: " + Errno.describe(errno);
                } else {
                    page = rval;
                    failure = write(t);
                    if (failure == null) next = Call.SECCOMP;
                }
            }
            case SECCOMP, SECCOMP_AGAIN -> {
                if (!isError) {
                    installed = true;
                } else if (errno == Errno.EACCES && current == Call.SECCOMP) {
                    next = Call.NO_NEW_PRIVS; // no CAP_SYS_ADMIN: the kernel then asks for no_new_privs
                } else {
                    failure = "seccomp(SECCOMP_SET_MODE_FILTER) failed: " + Errno.describe(errno);
                }
            }
            case NO_NEW_PRIVS -> {
                if (isError) failure = "prctl(PR_SET_NO_NEW_PRIVS) failed: " + Errno.describe(errno);
                else next = Call.SECCOMP_AGAIN;
            }
        }
        restore(regs);
        regs.set(Reg.RIP, saved[Reg.RIP.ordinal()] - 2); // back onto the 2-byte syscall instruction
        regs.set(Reg.RAX, saved[Reg.ORIG_RAX.ordinal()]); // which enters execve again
        t.setRegs(regs);
    }

    private void inject(Tracee t, UserRegs regs, Call c, long... args) {
        restore(regs);
        regs.set(Reg.ORIG_RAX, switch (c) {
            case MMAP -> SYS_MMAP;
            case SECCOMP, SECCOMP_AGAIN -> SYS_SECCOMP;
            case NO_NEW_PRIVS -> SYS_PRCTL;
        });
        for (int i = 0; i < 6; i++) regs.setSyscallArg(i, args[i]);
        t.setRegs(regs);
        current = c;
        inCall = true;
    }

    private void restore(UserRegs regs) {
        for (Reg r : Reg.values()) regs.set(r, saved[r.ordinal()]);
    }

    /** The program into the page; null, or why it could not be written. */
    private String write(Tracee t) {
        byte[] bytes = SeccompProgram.bytes(filter, page);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes.length);
            buf.copyFrom(MemorySegment.ofArray(bytes));
            long n = t.writeMemory(page, buf);
            return n == bytes.length ? null : "only " + n + " of its " + bytes.length + " bytes could be written";
        } catch (LinuxException e) {
            return "writing it into the new process failed: " + e.getMessage();
        }
    }
}
