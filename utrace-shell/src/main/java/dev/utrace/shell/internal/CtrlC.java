package dev.utrace.shell.internal;

import dev.utrace.shell.command.Command;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.CommandSession;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * The console's Ctrl-C while a utrace command runs. gogo.jline's handler interrupts the whole
 * job, whose controller thread then ends with its own {@code InterruptedException}, which the
 * console prints as {@code java.lang.InterruptedException}, whatever the command said. This one
 * interrupts the threads running utrace commands (each {@link Command} registers its thread in
 * the session, {@link Command#RUNNING}), which then answer "interrupted" themselves; with none
 * running, gogo.jline's handler does what it always did.
 *
 * <p>Only loaded when the session has a jline terminal (the console); jline is an optional import.
 */
final class CtrlC implements SignalHandler {
    /** gogo.jline's session variable holding the console's terminal. */
    static final String TERMINAL = ".terminal";

    private final Set<Thread> running;
    private volatile SignalHandler fallback;

    private CtrlC(Set<Thread> running) {
        this.running = running;
    }

    /**
     * Puts itself in front of the console's Ctrl-C handler, once: gogo.jline sets its own when
     * the prompt loop starts, so this runs from the prompt ({@code utrace:completions}).
     */
    @SuppressWarnings("unchecked")
    static void install(CommandSession session) {
        if (!(session.get(TERMINAL) instanceof Terminal terminal)) return;
        Set<Thread> running = session.get(Command.RUNNING) instanceof Set<?> s ? (Set<Thread>) s : ConcurrentHashMap.newKeySet();
        session.put(Command.RUNNING, running);
        CtrlC mine = new CtrlC(running);
        SignalHandler before = terminal.handle(Signal.INT, mine);
        if (before != null && before.getClass().getName().equals(CtrlC.class.getName())) {
            terminal.handle(Signal.INT, before); // installed already (by this bundle, or before an update of it)
        } else {
            mine.fallback = before;
        }
    }

    @Override
    public void handle(Signal signal) {
        if (running.isEmpty()) {
            SignalHandler f = fallback;
            if (f != null) f.handle(signal);
            return;
        }
        for (Thread t : running) t.interrupt();
    }
}
