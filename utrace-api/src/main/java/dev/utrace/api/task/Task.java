package dev.utrace.api.task;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A thread as tracing engines see it. Identity is the object: a task keeps its engines
 * when its tid changes in a multithreaded exec (R-EVT-ORD-6).
 *
 * <p><b>Machine state.</b> Registers and memory may be read and written only at a safe
 * point: inside one of this task's own callbacks (except death and reap), or while an
 * engine holds the task stopped and brackets the access with
 * {@code Utrace.prepareExamine}/{@code finishExamine} (R-EXAM-3). Outside those the
 * machine throws {@link IllegalStateException}, because the values would not be stable.
 *
 * <p><b>Versioning.</b> Machines implement this interface (through the SPI's
 * {@code TracedTask}), so it is a consumer type: a method added here is a major change, and every
 * machine must implement it before it resolves again, unless it comes with a default built on
 * the others (as the bulk {@link #readMemory(long, byte[], int, int)}): that is a minor one.
 */
@ConsumerType
public interface Task {
    /** The thread id (pid in the kernel's sense). */
    int tid();

    /** The thread group id (the process id). */
    int tgid();

    /** The current life state; a snapshot that may change at once. */
    TaskState state();

    /** The name of the program the task runs. */
    String comm();

    /** Whether this is a kernel thread; engines cannot attach to one. */
    boolean isKernelThread();

    /**
     * Reads a register.
     *
     * @throws IllegalStateException outside a safe point (see the class comment)
     */
    long register(Reg reg);

    /**
     * Writes a register. Of the debug registers only DR6 (the status) is writable here: DR0-DR3
     * and DR7 are shared by several owners and are programmed through the machine's
     * {@code dev.utrace.api.hw.DebugSlots} service.
     *
     * @throws IllegalStateException outside a safe point
     * @throws IllegalArgumentException for DR0-DR3 or DR7, saying to use {@code DebugSlots}
     */
    void setRegister(Reg reg, long value);

    /**
     * Reads {@code length} (1, 2, 4 or 8) bytes at {@code address}, little-endian.
     *
     * @throws MemoryFault if the address is not mapped
     * @throws IllegalStateException outside a safe point
     */
    long readMemory(long address, int length);

    /**
     * Reads up to {@code length} bytes at {@code address} into {@code into[offset ..]}, as one
     * access where the machine can (on Linux one {@code process_vm_readv}): a path, a string or a
     * buffer in one call instead of one {@link #readMemory(long, int)} per word.
     *
     * <p><b>Partial reads.</b> The bytes are read in address order up to the first one that is
     * not mapped. If that is not the first byte, the read is partial: the mapped bytes before it
     * are in {@code into} and their count is returned (fewer than {@code length}); the bytes of
     * {@code into} after them are left as they were. So a string that ends just before an
     * unmapped page can be read by asking for more than it may hold. Only when the first byte
     * is not mapped does the call throw {@link MemoryFault} (its {@link MemoryFault#address()}
     * is {@code address}). A {@code length} of 0 reads nothing and returns 0 (outside a safe
     * point it is refused all the same).
     *
     * <p>Like every access to machine state, only at a safe point (see the class comment). The
     * bytes are the task's memory at the time of the call; the task does not run meanwhile.
     *
     * <p>The default reads through {@link #readMemory(long, int)} in aligned 8-byte words (a word
     * never spans two pages, so a partial read stops at the page that is not mapped); machines
     * override it with a single access.
     *
     * @return the number of bytes read: {@code length}, or fewer at an unmapped address (at least
     *         1 if {@code length > 0})
     * @throws MemoryFault if the byte at {@code address} is not mapped
     * @throws IllegalStateException outside a safe point, whatever the length
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit in {@code into}
     *         (nothing is read)
     * @throws NullPointerException if {@code into} is null
     */
    default int readMemory(long address, byte[] into, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            register(Reg.RIP); // reads nothing, but is still an access: refused outside a safe point
            return 0;
        }
        int done = 0;
        long word = address & ~7L;
        int skip = (int) (address - word);
        while (done < length) {
            long w;
            try {
                w = readMemory(word, 8);
            } catch (MemoryFault e) {
                if (done == 0) {
                    throw new MemoryFault(address, "address 0x" + Long.toHexString(address) + " of task " + tid()
                            + " is not mapped");
                }
                return done;
            }
            for (int k = skip; k < 8 && done < length; k++) into[offset + done++] = (byte) (w >>> (8 * k));
            word += 8;
            skip = 0;
        }
        return done;
    }

    /**
     * Writes {@code length} (1, 2, 4 or 8) bytes at {@code address}, little-endian.
     *
     * @throws MemoryFault if the address is not mapped
     * @throws IllegalStateException outside a safe point
     */
    void writeMemory(long address, int length, long value);
}
