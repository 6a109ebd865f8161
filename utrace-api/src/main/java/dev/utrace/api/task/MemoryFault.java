package dev.utrace.api.task;

/** An access to memory the task has not mapped (the machine's SIGSEGV/EFAULT). */
public final class MemoryFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long address;

    public MemoryFault(long address, String message) {
        super(message);
        this.address = address;
    }

    /** The faulting address. */
    public long address() {
        return address;
    }
}
