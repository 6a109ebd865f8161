package dev.utrace.itests.soak;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Watches what the core and the machine log (their System.Loggers go to java.util.logging
 * here) for the run: an "internal error" of the machine, or any other error that is not an
 * engine callback's contained fault, is a violation (an exception escaped the core or the
 * machine). Contained callback faults and warnings are only counted. The records do not reach
 * the console meanwhile: a soak makes thousands of them on purpose.
 */
final class LogWatch extends Handler implements AutoCloseable {
    private static final String[] WATCHED = {"dev.utrace"};

    private final Violations violations;
    private final Logger[] loggers = new Logger[WATCHED.length];
    private final boolean[] usedParent = new boolean[WATCHED.length];
    private final Level[] levels = new Level[WATCHED.length];
    final AtomicLong containedCallbackFaults = new AtomicLong();
    final AtomicLong warnings = new AtomicLong();
    final AtomicLong internalErrors = new AtomicLong();

    LogWatch(Violations violations) {
        this.violations = violations;
        for (int i = 0; i < WATCHED.length; i++) {
            Logger l = Logger.getLogger(WATCHED[i]);
            loggers[i] = l; // kept strongly: a JUL logger without a reference can be collected with its handler
            usedParent[i] = l.getUseParentHandlers();
            levels[i] = l.getLevel();
            l.setLevel(Level.ALL);
            l.setUseParentHandlers(false);
            l.addHandler(this);
        }
    }

    @Override
    public void publish(LogRecord r) {
        String msg = r.getMessage() == null ? "" : r.getMessage();
        if (r.getLevel().intValue() < Level.SEVERE.intValue()) {
            warnings.incrementAndGet();
            if (msg.startsWith("revoking ")) {
                // Revocation gave up waiting for a callback or a release: our callbacks are brief,
                // so it released while a callback ran or a release hung.
                violations.add("revocation", "the core logged: " + msg);
            }
            return;
        }
        if (msg.startsWith("engine callback ") && r.getThrown() instanceof SoakCallbackFault) {
            containedCallbackFaults.incrementAndGet();
            return;
        }
        if (msg.startsWith("internal error") || msg.startsWith("could not finish the exit")) internalErrors.incrementAndGet();
        String stack = stackOf(r.getThrown());
        KnownFault looksLike = stack.contains("cannot requeue signal 0") ? KnownFault.HOLD_WITHOUT_SIGNAL
                : stack.contains("carries state of another utrace core") ? KnownFault.FIRST_ATTACH_RACE : null;
        violations.add("no exception escapes the core or the machine",
                "logged " + r.getLevel() + " by " + r.getLoggerName() + ": " + msg + "\n" + firstLines(stack, 14), looksLike);
    }

    private static String stackOf(Throwable t) {
        if (t == null) return "";
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private static String firstLines(String s, int n) {
        int at = 0;
        for (int i = 0; i < n && at >= 0; i++) at = s.indexOf('\n', at + 1);
        return at < 0 ? s : s.substring(0, at) + "\n...";
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        for (int i = 0; i < WATCHED.length; i++) {
            loggers[i].removeHandler(this);
            loggers[i].setUseParentHandlers(usedParent[i]);
            loggers[i].setLevel(levels[i]);
        }
    }
}
