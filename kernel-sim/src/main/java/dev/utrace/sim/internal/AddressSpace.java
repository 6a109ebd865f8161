package dev.utrace.sim.internal;

import dev.utrace.api.task.MemoryFault;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A thread group's memory: a sorted set of page-aligned regions, and pages materialised only on
 * their first write (reads of an untouched page see the region's initial image, or zeros). So
 * an idle task costs a few small objects, not pages.
 *
 * <p><b>Locking.</b> {@link #lock} guards changes to {@link #regions}, {@link #nextStack} and
 * {@link #nextMmap}. Readers use the volatile {@link #regions} snapshot without the lock, and
 * {@link #pages} is a concurrent map: threads of one group read and write memory concurrently,
 * as on real hardware (bytes do not tear; wider accesses may interleave).
 *
 * <p><b>Text.</b> The program's text segment ({@link TextCode}) is read-only to the program: its
 * stores ({@link #store}) fault there, as do the kernel's writes on its behalf. A tracer's
 * {@link #write} may change it, as ptrace's POKETEXT does on Linux; that sets
 * {@link #textChanged}, from which on the CPU decodes the text's bytes instead of running the
 * loaded instructions directly.
 */
final class AddressSpace {
    static final int PAGE = 4096;
    /** The top of the first thread stack; each further stack sits {@link #STACK_STRIDE} lower. */
    static final long STACK_TOP = 0x7ffd_0000_0000L;
    static final long STACK_SIZE = 64 * 1024;
    static final long STACK_STRIDE = 128 * 1024;
    /** Where mmap places mappings that name no address. */
    static final long MMAP_BASE = 0x7f00_0000_0000L;

    /** A mapping: [start, end), with an optional initial image that pages are copied from. */
    record Region(long start, long end, byte[] image, String name) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private volatile Region[] regions;
    private final Map<Long, byte[]> pages;
    private long nextStack;
    private long nextMmap = MMAP_BASE;
    /** The text segment, [textStart, textEnd) in whole pages; empty without a program. */
    private long textStart, textEnd;
    /** Set once a tracer wrote into the text or it was unmapped; never cleared (exec makes a new space). */
    private volatile boolean textChanged;

    AddressSpace() {
        this(new Region[0], new ConcurrentHashMap<>(), 0, MMAP_BASE);
    }

    private AddressSpace(Region[] regions, Map<Long, byte[]> pages, long nextStack, long nextMmap) {
        this.regions = regions;
        this.pages = pages;
        this.nextStack = nextStack;
        this.nextMmap = nextMmap;
    }

    /** A new program's memory: its text at {@link Program#CODE_BASE}, its data at {@link Program#DATA_BASE}. */
    static AddressSpace forProgram(Program prog) {
        AddressSpace mm = new AddressSpace();
        byte[] text = prog.text();
        if (text.length > 0) {
            // The parser's limits keep the text below the data; a failure here is a bug, not bad input.
            if (!mm.map(Program.CODE_BASE, text.length, text, "text")) throw new IllegalStateException("text not mapped");
            mm.textStart = Program.CODE_BASE;
            mm.textEnd = (Program.CODE_BASE + text.length + PAGE - 1) & -PAGE;
        }
        if (prog.data().length > 0 && !mm.map(Program.DATA_BASE, prog.data().length, prog.data(), "data")) {
            throw new IllegalStateException("the data of " + prog.name() + " overlaps its text");
        }
        return mm;
    }

    /** Whether {@code address} is in the text segment. */
    boolean isText(long address) {
        return address >= textStart && address < textEnd;
    }

    private boolean touchesText(long address, int length) {
        return address < textEnd && address + length > textStart;
    }

    /** Whether the text may differ from the loaded program: a tracer wrote into it, or it was unmapped. */
    boolean textChanged() {
        return textChanged;
    }

    /** A private copy for fork: same mappings, every materialised page duplicated. */
    AddressSpace copy() {
        lock.lock();
        try {
            Map<Long, byte[]> copied = new ConcurrentHashMap<>();
            pages.forEach((k, v) -> copied.put(k, v.clone()));
            AddressSpace child = new AddressSpace(regions, copied, nextStack, nextMmap);
            child.textStart = textStart;
            child.textEnd = textEnd;
            child.textChanged = textChanged; // a breakpoint is inherited by a forked child, as on Linux
            return child;
        } finally {
            lock.unlock();
        }
    }

    /** Maps [start, start+length) rounded out to pages; false if it overlaps a mapping. */
    boolean map(long start, long length, byte[] image, String name) {
        long s = start & -PAGE;
        long e = (start + length + PAGE - 1) & -PAGE;
        lock.lock();
        try {
            for (Region r : regions) {
                if (r.start < e && s < r.end) return false;
            }
            Region[] next = Arrays.copyOf(regions, regions.length + 1);
            next[regions.length] = new Region(s, e, image, name);
            Arrays.sort(next, (a, b) -> Long.compare(a.start, b.start));
            regions = next;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Maps {@code length} bytes at a free address of the mmap area; returns the address. */
    long mapAnywhere(long length) {
        lock.lock();
        try {
            long at;
            do {
                at = nextMmap;
                nextMmap += ((length + PAGE - 1) & -PAGE) + PAGE;
            } while (!map(at, length, null, "mmap"));
            return at;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the mapping that starts at {@code start} and has exactly that length; false if none does. */
    boolean unmap(long start, long length) {
        long e = (start + length + PAGE - 1) & -PAGE;
        lock.lock();
        try {
            for (int i = 0; i < regions.length; i++) {
                Region r = regions[i];
                if (r.start == start && r.end == e) {
                    Region[] next = new Region[regions.length - 1];
                    System.arraycopy(regions, 0, next, 0, i);
                    System.arraycopy(regions, i + 1, next, i, regions.length - i - 1);
                    regions = next;
                    for (long p = r.start; p < r.end; p += PAGE) pages.remove(p / PAGE);
                    if (r.start < textEnd && textStart < r.end) textChanged = true;
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Maps a new thread stack; returns its top (the initial rsp). */
    long newStack() {
        lock.lock();
        try {
            long top;
            do {
                top = STACK_TOP - nextStack++ * STACK_STRIDE;
            } while (!map(top - STACK_SIZE, STACK_SIZE, null, "stack"));
            return top;
        } finally {
            lock.unlock();
        }
    }

    /** Unmaps the stack whose top is {@code top} (a thread exited). */
    void releaseStack(long top) {
        unmap(top - STACK_SIZE, STACK_SIZE);
    }

    /** Reads {@code length} (1, 2, 4, 8) bytes little-endian. */
    long read(long address, int length) {
        if (onePage(address, length)) {
            // The common case (every aligned access): one region and one page lookup, not one per byte.
            Region r = region(address);
            byte[] p = pages.get(address / PAGE);
            long v = 0;
            if (p != null) {
                int off = (int) (address & (PAGE - 1));
                for (int i = 0; i < length; i++) v |= (p[off + i] & 0xffL) << (8 * i);
            } else {
                for (int i = 0; i < length; i++) v |= (unmaterialised(r, address + i) & 0xffL) << (8 * i);
            }
            return v;
        }
        long v = 0;
        for (int i = 0; i < length; i++) v |= (readByte(address + i) & 0xffL) << (8 * i);
        return v;
    }

    /**
     * Reads up to {@code length} bytes at {@code address} into {@code into[offset ..]}, a page at
     * a time: all of them, or those before the first page that is not mapped.
     *
     * @return the number read ({@code length}, or fewer at an unmapped page)
     * @throws MemoryFault if the byte at {@code address} is not mapped
     */
    int read(long address, byte[] into, int offset, int length) {
        int done = 0;
        while (done < length) {
            long a = address + done;
            Region r;
            try {
                r = region(a);
            } catch (MemoryFault e) {
                if (done == 0) throw e;
                return done;
            }
            int off = (int) (a & (PAGE - 1));
            int n = Math.min(length - done, PAGE - off);
            byte[] p = pages.get(a / PAGE);
            if (p != null) {
                System.arraycopy(p, off, into, offset + done, n);
            } else {
                for (int i = 0; i < n; i++) into[offset + done + i] = unmaterialised(r, a + i);
            }
            done += n;
        }
        return done;
    }

    /**
     * A tracer's write ({@code PTRACE_POKEDATA}/{@code POKETEXT}, an engine's
     * {@code writeMemory}): any mapped byte, the text included. Writes the low {@code length}
     * bytes of {@code value} little-endian; nothing is written if any byte faults.
     */
    void write(long address, int length, long value) {
        put(address, length, value);
        if (touchesText(address, length)) textChanged = true;
    }

    /**
     * A store by the program, or by the kernel into the program's memory: as {@link #write}, but
     * the text is read-only (a fault, at the first byte of the access).
     */
    void store(long address, int length, long value) {
        if (touchesText(address, length)) {
            throw new MemoryFault(address, "address 0x" + Long.toHexString(address) + " is in the read-only text segment");
        }
        put(address, length, value);
    }

    private void put(long address, int length, long value) {
        if (onePage(address, length)) {
            region(address); // mappings are whole pages: the page is mapped or not
            byte[] p = page(address);
            int off = (int) (address & (PAGE - 1));
            for (int i = 0; i < length; i++) p[off + i] = (byte) (value >>> (8 * i));
            return;
        }
        for (int i = 0; i < length; i++) region(address + i);
        for (int i = 0; i < length; i++) {
            long a = address + i;
            page(a)[(int) (a & (PAGE - 1))] = (byte) (value >>> (8 * i));
        }
    }

    private static boolean onePage(long address, int length) {
        return (address & -PAGE) == ((address + length - 1) & -PAGE);
    }

    /** Reads a NUL-terminated string of at most {@code max} bytes. */
    String readString(long address, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < max; i++) {
            byte b = readByte(address + i);
            if (b == 0) return sb.toString();
            sb.append((char) (b & 0xff));
        }
        throw new MemoryFault(address, "string at 0x" + Long.toHexString(address) + " longer than " + max + " bytes");
    }

    /** The number of mappings (for tests and the service). */
    int regionCount() {
        return regions.length;
    }

    private byte readByte(long a) {
        Region r = region(a);
        byte[] p = pages.get(a / PAGE);
        if (p != null) return p[(int) (a & (PAGE - 1))];
        return unmaterialised(r, a);
    }

    /** A byte of a page not yet materialised: from the mapping's initial image, else 0. */
    private static byte unmaterialised(Region r, long a) {
        long off = a - r.start;
        return r.image != null && off < r.image.length ? r.image[(int) off] : 0;
    }

    private byte[] page(long a) {
        byte[] present = pages.get(a / PAGE);
        if (present != null) return present; // no capturing lambda on the hot path
        return pages.computeIfAbsent(a / PAGE, k -> {
            byte[] p = new byte[PAGE];
            Region r = region(a);
            if (r.image != null) {
                long base = k * PAGE - r.start;
                if (base < r.image.length) System.arraycopy(r.image, (int) base, p, 0, (int) Math.min(PAGE, r.image.length - base));
            }
            return p;
        });
    }

    private Region region(long a) {
        Region[] rs = regions;
        int lo = 0, hi = rs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Region r = rs[mid];
            if (a < r.start) hi = mid - 1;
            else if (a >= r.end) lo = mid + 1;
            else return r;
        }
        throw new MemoryFault(a, "address 0x" + Long.toHexString(a) + " is not mapped");
    }
}
