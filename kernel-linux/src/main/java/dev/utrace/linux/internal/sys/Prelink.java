package dev.utrace.linux.internal.sys;

/**
 * Links the C library's calls ({@link Libc}: the library lookup and the one downcall shape) on a
 * thread of its own, so that whoever starts it goes on with other work meanwhile. Making a Linux
 * machine in a fresh JVM spends most of its time there (about 60 to 140 ms, measured) while its
 * other parts (loggers, the tracer's and the machine's objects, a virtual thread) need none of it:
 * the first binding that needs the link waits for this thread (class initialization) instead of
 * doing it itself. A failure to link is kept for that binding to report ({@link Libc}).
 *
 * <p>This class touches nothing of {@link Libc} itself, so starting it costs one thread.
 */
public final class Prelink extends Thread {

    private Prelink() {
        super("utrace-linux-link");
        setDaemon(true);
    }

    /** Starts linking; a second call costs a thread that finds the classes initialized. */
    public static void begin() {
        new Prelink().start();
    }

    @Override
    public void run() {
        try {
            Libc.function("getpid");
        } catch (RuntimeException | LinkageError e) {
            // The binding that needs the link reports it, with the same cause.
        }
    }
}
