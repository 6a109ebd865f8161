package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The C library as {@code java.lang.foreign} sees it. Every function is called through one
 * shape, {@link #FUNCTION}: linking a downcall shape generates and loads classes, and cost 15 to
 * 120 ms per distinct shape in a fresh JVM (measured: 13 shapes, about 300 ms of the 700 ms from
 * JVM start to the first traced syscall), whereas binding a linked shape to another function
 * costs microseconds. On x86_64 (System V) the shape can serve every function here:
 * <ul>
 * <li>each argument is one 64-bit register, so an {@code int}, a {@code short} or a pointer
 *     passes as a {@code long} (the callee reads the low bits), and arguments beyond a
 *     function's own are ignored (they are passed as 0);</li>
 * <li>the result comes back in {@code rax}: a function returning {@code int} leaves the upper
 *     half undefined, so its caller casts the result to {@code int};</li>
 * <li>the shape is variadic after the first argument, so {@code rax} carries the number of
 *     vector registers used (0), as a variadic callee such as {@code ptrace} or {@code open}
 *     needs, and any other callee ignores.</li>
 * </ul>
 * Pointers pass as {@link MemorySegment#address()}: the caller keeps the segment's arena open
 * across the call (each binding does, with try-with-resources or memory it owns). The handles
 * are still made lazily, in nested holder classes, so a symbol is looked up when first used.
 *
 * <p>No handle uses {@code Linker.Option.critical}: several of these calls block (waitpid, poll,
 * read), and a critical call that blocks holds up every safepoint (measured: a {@code System.gc()}
 * waited the whole 914 ms a critical {@code waitpid} blocked).
 */
public final class Libc {

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** The state a call captures (errno); one segment per calling thread. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private Libc() {}

    /** A call-state segment for the calling thread's calls; valid as long as {@code arena}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno the last call made with {@code callState} left (meaningful only when it failed). */
    public static int errno(MemorySegment callState) {
        return callState.get(JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * The one linked shape: {@code long f(long a0, long a1, ..., long a5)}, errno captured into the
     * call-state segment passed first. Linked when a binding first needs a function.
     */
    private static final class Shape {
        /** The linked shape, or null if this JVM could not link it ({@link #FAILURE} says why). */
        static final MethodHandle FUNCTION;
        static final RuntimeException FAILURE;

        static {
            MethodHandle linked = null;
            RuntimeException failure = null;
            try {
                linked = link();
            } catch (RuntimeException e) { // kept for every caller, whichever thread linked (see Prelink)
                failure = e;
            }
            FUNCTION = linked;
            FAILURE = failure;
        }

        @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
        private static MethodHandle link() {
            return LINKER.downcallHandle(FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
        }
    }

    /**
     * The C function {@code symbol} as a handle of type
     * {@code (MemorySegment callState, long a0, ..., long a5) -> long}: six arguments always (0 for
     * those it does not take), errno left in {@code callState}.
     */
    static MethodHandle function(String symbol) {
        MemorySegment address = LOOKUP.find(symbol).orElseThrow(() -> new LinuxException(
                "the C library has no function " + symbol + "; kernel-linux needs glibc 2.36 or newer"));
        if (Shape.FUNCTION == null) {
            throw new LinuxException("this JVM cannot call C functions (" + Shape.FAILURE.getMessage()
                    + "); start it with --enable-native-access=ALL-UNNAMED");
        }
        return Shape.FUNCTION.bindTo(address);
    }

    /**
     * The address of native memory, to pass to a C function; a heap segment has none (and a
     * downcall of an {@code ADDRESS} parameter would refuse it the same way).
     */
    static long address(MemorySegment segment) {
        if (!segment.isNative()) throw new IllegalArgumentException("a C function needs native memory, not a heap segment");
        return segment.address();
    }

    /**
     * What a downcall's {@code invokeExact} can throw besides errors: nothing, since native code
     * does not throw; a checked throwable here is a bug in a binding's signature.
     */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException("a native call threw " + t, t);
    }
}
