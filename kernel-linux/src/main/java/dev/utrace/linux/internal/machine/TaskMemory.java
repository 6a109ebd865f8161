package dev.utrace.linux.internal.machine;

import dev.utrace.api.task.MemoryFault;
import dev.utrace.linux.internal.sys.Errno;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.ProcessMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One task's reads of its tracee's memory through one native buffer, made at the first read and
 * reused by every later one: a read is one {@code process_vm_readv} (or the {@code /proc/TID/mem}
 * fallback of {@link ProcessMemory}) and a copy, with nothing allocated. Several threads may read
 * (the task's callbacks, an engine that holds it stopped): one at a time, under this object's
 * monitor. The buffer lives as long as the task's object ({@link Arena#ofAuto()}).
 */
final class TaskMemory {
    /** Bytes per system call; a longer read takes several. A page: most strings and buffers fit in one. */
    static final int CHUNK = 4096;

    private MemorySegment buffer;
    private ByteBuffer view;
    private ProcessMemory memory;

    /**
     * Reads {@code length} bytes (1, 2, 4 or 8) at {@code address} of thread {@code tid}, little-endian.
     *
     * @throws MemoryFault if not all of them are mapped
     * @throws LinuxException if not one could be read
     */
    synchronized long word(int tid, long address, int length) {
        MemorySegment b = buffer();
        long n = memory.read(tid, address, b, length);
        if (n < length) throw new MemoryFault(address + n, "address 0x" + Long.toHexString(address + n) + " of task " + tid + " is not mapped");
        long v = b.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
        return length == 8 ? v : v & ((1L << (8 * length)) - 1);
    }

    /**
     * Reads up to {@code length} bytes at {@code address} of thread {@code tid} into {@code into}:
     * all of them, or those before the first address that is not mapped.
     *
     * @return the number read, at least 1 when {@code length > 0}
     * @throws LinuxException if the first byte could not be read, or the thread is gone
     */
    synchronized int read(int tid, long address, byte[] into, int offset, int length) {
        MemorySegment b = buffer();
        int done = 0;
        while (done < length) {
            int ask = Math.min(CHUNK, length - done);
            int n;
            try {
                n = (int) memory.read(tid, address + done, b, ask);
            } catch (LinuxException e) {
                if (done == 0 || e.errno() == Errno.ESRCH) throw e;
                return done; // this chunk begins at an unmapped page: the read is partial
            }
            view.get(0, into, offset + done, n);
            done += n;
            if (n < ask) return done;
        }
        return done;
    }

    private MemorySegment buffer() {
        if (buffer == null) {
            Arena arena = Arena.ofAuto();
            buffer = arena.allocate(CHUNK, 8);
            view = buffer.asByteBuffer();
            memory = new ProcessMemory(arena);
        }
        return buffer;
    }
}
