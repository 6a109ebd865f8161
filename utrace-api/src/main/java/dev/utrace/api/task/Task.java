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
 * machine must implement it before it resolves again.
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
     * Writes {@code length} (1, 2, 4 or 8) bytes at {@code address}, little-endian.
     *
     * @throws MemoryFault if the address is not mapped
     * @throws IllegalStateException outside a safe point
     */
    void writeMemory(long address, int length, long value);
}
