package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A tracee's memory: {@code process_vm_readv}/{@code process_vm_writev} (one system call for any
 * length), falling back to {@code /proc/TID/mem}, which also writes pages the tracee cannot write
 * itself (its code, read-only data: the kernel copies them on write, as for a breakpoint) and
 * works where the vm calls are not allowed. One instance per thread: it keeps its scratch
 * {@code iovec}s and call state.
 */
public final class ProcessMemory {

    private static final long IOVEC_SIZE = 16;

    private final MemorySegment callState;
    private final MemorySegment local;
    private final MemorySegment remote;

    private static final class Handle {
        static final MethodHandle READV = Libc.function("process_vm_readv");
        static final MethodHandle WRITEV = Libc.function("process_vm_writev");
    }

    /** Scratch memory comes from {@code arena}, which must outlive this object and be usable by its thread. */
    public ProcessMemory(Arena arena) {
        this.callState = Libc.newCallState(arena);
        this.local = arena.allocate(IOVEC_SIZE, 8);
        this.remote = arena.allocate(IOVEC_SIZE, 8);
    }

    /**
     * Reads {@code buffer.byteSize()} bytes at {@code address} of the address space of thread
     * {@code tid}, or as many as are mapped from {@code address} on.
     *
     * @return the number of bytes read, at least 1
     * @throws LinuxException if not one byte could be read (EFAULT or EIO: not mapped; ESRCH: gone)
     */
    public long read(int tid, long address, MemorySegment buffer) {
        return read(tid, address, buffer, buffer.byteSize());
    }

    /**
     * Reads {@code length} bytes at {@code address} of thread {@code tid} into the start of
     * {@code buffer}, or as many as are mapped from {@code address} on; makes no segment when the
     * system call reads them all (a reused buffer then costs no allocation).
     *
     * @return the number of bytes read, at least 1
     * @throws LinuxException if not one byte could be read (EFAULT or EIO: not mapped; ESRCH: gone)
     */
    public long read(int tid, long address, MemorySegment buffer, long length) {
        long n = vm(Handle.READV, tid, address, buffer, length);
        if (n == length) return n;
        int vmErrno = n < 0 ? Libc.errno(callState) : 0;
        if (vmErrno == Errno.ESRCH) throw failure("reading", length, tid, address, vmErrno);
        long done = Math.max(n, 0);
        long more = procMem(false, tid, address + done, buffer.asSlice(done, length - done));
        if (done + Math.max(more, 0) > 0) return done + Math.max(more, 0);
        throw failure("reading", length, tid, address, more < 0 ? Libc.errno(callState) : vmErrno);
    }

    /**
     * Writes {@code data} at {@code address} of thread {@code tid}'s address space; pages the
     * tracee may not write (code, read-only data) are written through {@code /proc/TID/mem}.
     *
     * @return the number of bytes written, at least 1 (fewer than asked if a page is not mapped)
     * @throws LinuxException if not one byte could be written
     */
    public long write(int tid, long address, MemorySegment data) {
        long n = vm(Handle.WRITEV, tid, address, data, data.byteSize());
        if (n == data.byteSize()) return n;
        int vmErrno = n < 0 ? Libc.errno(callState) : 0;
        if (vmErrno == Errno.ESRCH) throw failure("writing", data.byteSize(), tid, address, vmErrno);
        long done = Math.max(n, 0);
        long more = procMem(true, tid, address + done, data.asSlice(done));
        if (done + Math.max(more, 0) > 0) return done + Math.max(more, 0);
        throw failure("writing", data.byteSize(), tid, address, more < 0 ? Libc.errno(callState) : vmErrno);
    }

    /** Reads through {@code /proc/TID/mem} only (the fallback path, on its own). */
    public long readProcMem(int tid, long address, MemorySegment buffer) {
        long n = procMem(false, tid, address, buffer);
        if (n > 0) return n;
        throw failure("reading /proc/" + tid + "/mem:", buffer.byteSize(), tid, address, n < 0 ? Libc.errno(callState) : Errno.EIO);
    }

    /** Writes through {@code /proc/TID/mem} only. */
    public long writeProcMem(int tid, long address, MemorySegment data) {
        long n = procMem(true, tid, address, data);
        if (n > 0) return n;
        throw failure("writing /proc/" + tid + "/mem:", data.byteSize(), tid, address, n < 0 ? Libc.errno(callState) : Errno.EIO);
    }

    private long vm(MethodHandle call, int tid, long address, MemorySegment buffer, long length) {
        java.util.Objects.checkFromIndexSize(0, length, buffer.byteSize());
        local.set(ADDRESS, 0, buffer);
        local.set(JAVA_LONG, 8, length);
        remote.set(JAVA_LONG, 0, address);
        remote.set(JAVA_LONG, 8, length);
        try {
            return (long) call.invokeExact(callState, (long) tid, Libc.address(local), 1L, Libc.address(remote), 1L, 0L);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    /** Positioned I/O on /proc/TID/mem: the count, 0 at an unmapped address, or -1 with errno. */
    private long procMem(boolean write, int tid, long address, MemorySegment buffer) {
        if (buffer.byteSize() == 0) return 0;
        try (Arena arena = Arena.ofConfined()) {
            int fd = Fd.open(callState, arena.allocateFrom("/proc/" + tid + "/mem"), (write ? Fd.O_RDWR : Fd.O_RDONLY) | Fd.O_CLOEXEC);
            if (fd < 0) return -1;
            try {
                long done = 0;
                while (done < buffer.byteSize()) {
                    MemorySegment rest = buffer.asSlice(done);
                    long n = write ? Fd.pwrite(callState, fd, rest, rest.byteSize(), address + done)
                                   : Fd.pread(callState, fd, rest, rest.byteSize(), address + done);
                    if (n <= 0) return done > 0 ? done : n;
                    done += n;
                }
                return done;
            } finally {
                Fd.close(fd);
            }
        }
    }

    private static LinuxException failure(String what, long size, int tid, long address, int errno) {
        String advice = switch (errno) {
            case Errno.ESRCH -> "thread " + tid + " is gone";
            case Errno.EFAULT, Errno.EIO -> "the address is not mapped in the tracee (see /proc/" + tid + "/maps)";
            case Errno.EPERM, Errno.EACCES -> "this JVM may not access that process's memory (it must trace it, or be root)";
            default -> null;
        };
        return new LinuxException(what + " " + size + " bytes at 0x" + Long.toHexString(address) + " of thread " + tid,
                errno, advice);
    }
}
