package dev.utrace.linux.internal.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes, on a thread of its own, the first uses of the JDK that the tracer thread meets right
 * after the native link ({@link Prelink}) and at the first spawn, while the tracer thread still
 * waits for that link: memory-segment accesses of each layout the bindings use and C strings
 * (each first use generates method-handle code), the invoker of the one downcall shape's type
 * (shared by every call site of that type), and the file-system calls on {@code /proc} and
 * paths. None of it needs the link, and none of it has an effect: a class initialized or a form
 * generated here is one the tracer thread finds ready instead of making it on the way to the
 * first traced syscall. Started when a Linux machine is made, after its own objects, when the
 * making thread would otherwise only wait.
 */
public final class Prewarm extends Thread {

    private Prewarm() {
        super("utrace-linux-warm");
        setDaemon(true);
    }

    /** Starts the warm-up; it ends by itself in a few milliseconds. */
    public static void begin() {
        new Prewarm().start();
    }

    @Override
    public void run() {
        try {
            segments();
            shapeInvoker();
            files();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) { // nothing here matters to anyone: whatever failed is done again where it is needed
        }
    }

    private static void segments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom("/");
            text.getString(0);
            MemorySegment words = arena.allocate(JAVA_LONG, 4);
            words.set(JAVA_LONG, 0, text.address());
            words.get(JAVA_LONG, 0);
            words.set(JAVA_INT, 8, 1);
            words.get(JAVA_INT, 8);
            words.set(JAVA_BYTE, 12, (byte) 1);
            words.get(JAVA_BYTE, 12);
            words.setAtIndex(ADDRESS, 2, text);
            words.getAtIndex(ADDRESS, 2).equals(MemorySegment.NULL);
            MemorySegment.copy(words, 0, words, 16, 8);
            words.asSlice(0, 8).toArray(JAVA_BYTE);
        }
    }

    /** A call through {@code invokeExact} of the shape's type links the invoker every binding's call sites share. */
    private static void shapeInvoker() throws Throwable {
        MethodHandle nothing = MethodHandles.empty(MethodType.methodType(long.class, MemorySegment.class, long.class, long.class,
                long.class, long.class, long.class, long.class));
        long ignored = (long) nothing.invokeExact(MemorySegment.NULL, 0L, 0L, 0L, 0L, 0L, 0L);
    }

    private static void files() throws IOException {
        Path.of("").toAbsolutePath().resolve("x").normalize();
        Files.isDirectory(Path.of("/"));
        Files.isExecutable(Path.of("/bin/sh"));
        Files.readString(Path.of("/proc/self/stat"));
        Files.readSymbolicLink(Path.of("/proc/thread-self"));
    }
}
