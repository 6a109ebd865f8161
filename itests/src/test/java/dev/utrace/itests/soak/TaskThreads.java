package dev.utrace.itests.soak;

import dev.utrace.spi.TracedTask;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The threads tasks run on, for hang reports and the "no thread left" check. Task threads are
 * virtual threads, which {@link Thread#getAllStackTraces()} leaves out; a whole-JVM thread dump
 * (HotSpotDiagnosticMXBean.dumpThreads) would include them, but on JDK 25.0.3 it crashed the JVM
 * (SIGSEGV in GetThreadSnapshotClosure) while a task was running. So the soak asks each task
 * thread for its own stack, which for a parked virtual thread reads its continuation.
 */
final class TaskThreads {
    private final Set<Thread> seen = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final ThreadLocal<Boolean> noted = new ThreadLocal<>();

    /** Called on a task's own thread (from its callbacks): remembers the thread, weakly, once. */
    void noteCurrent() {
        if (noted.get() == null) {
            noted.set(Boolean.TRUE);
            seen.add(Thread.currentThread());
        }
    }

    /** The task threads seen that are still alive. */
    List<Thread> alive() {
        List<Thread> out = new ArrayList<>();
        synchronized (seen) {
            for (Thread t : seen) if (t.isAlive()) out.add(t);
        }
        return out;
    }

    /** The machine's thread for {@code task} (a field of the simulated task), or null if it cannot be read. */
    static Thread threadOf(TracedTask task) {
        try {
            Field f = task.getClass().getDeclaredField("thread");
            f.setAccessible(true);
            return (Thread) f.get(task);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static String stackOf(Thread t) {
        if (t == null) return "(thread unknown)";
        StringBuilder sb = new StringBuilder("\"" + t.getName() + "\" " + (t.isVirtual() ? "virtual " : "") + t.getState());
        for (StackTraceElement e : t.getStackTrace()) sb.append("\n    at ").append(e);
        return sb.toString();
    }

    /** Whether {@code t} is parked in the core's stop inside the EXIT report (known fault 1). */
    static boolean inExitStop(Thread t) {
        if (t == null) return false;
        boolean exitHook = false;
        boolean stop = false;
        for (StackTraceElement e : t.getStackTrace()) {
            exitHook |= e.getClassName().equals("dev.utrace.impl.Hooks") && e.getMethodName().equals("exit");
            stop |= e.getClassName().equals("dev.utrace.impl.UtraceTask") && e.getMethodName().equals("stop");
        }
        return exitHook && stop;
    }
}
