package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The C library as {@code java.lang.foreign} sees it. The binding classes keep their handles in
 * nested holder classes, so a handle is linked the first time it is used: linking costs a few
 * milliseconds per distinct signature, and a program that never spawns never pays for
 * {@code posix_spawn}.
 *
 * <p>No handle uses {@code Linker.Option.critical}: several of these calls block (waitpid, poll,
 * read), and a critical call that blocks holds up every safepoint (measured: a {@code System.gc()}
 * waited the whole 914 ms a critical {@code waitpid} blocked).
 */
public final class Libc {

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    /** The state a call with {@link #ERRNO} captures; one segment per calling thread. */
    public static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    /** Captures errno right after the call, before the JVM can overwrite it. */
    static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");

    private Libc() {}

    /** A call-state segment for the calling thread's calls; valid as long as {@code arena}. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno the last call made with {@code callState} left (meaningful only when it failed). */
    public static int errno(MemorySegment callState) {
        return callState.get(JAVA_INT, ERRNO_OFFSET);
    }

    @SuppressWarnings("restricted") // the point of this class; the JVM runs with --enable-native-access
    static MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = LOOKUP.find(symbol).orElseThrow(() -> new LinuxException(
                "the C library has no function " + symbol + "; kernel-linux needs glibc 2.36 or newer"));
        return LINKER.downcallHandle(address, descriptor, options);
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
