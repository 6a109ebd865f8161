package dev.utrace.deploy.internal;

import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.List;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * Passes the OSGi log's warnings and errors on to {@code java.util.logging}, whose console
 * handler shows them (one line each in bin/run). FileInstall and Declarative Services report
 * their failures to the OSGi Log Service when there is one (a bundle in deploy/ that does not
 * resolve or start, a component that fails to activate), and nothing prints that log.
 *
 * <p>A line reads {@code <bundle>: <message>}, plus the message of a {@link BundleException}
 * (the framework's reason, written for people); other exceptions stay out of it: no stack
 * trace or exception class reaches the console. Entries logged before this component started
 * are passed on at activation, oldest first.
 */
@Component(service = {}, immediate = true,
        property = "service.description=Shows the OSGi log's warnings and errors through java.util.logging")
public final class LogForwarder implements LogListener {
    static final String LOGGER = "dev.utrace.osgi-log";
    private static final System.Logger LOG = System.getLogger(LOGGER);

    private final LogReaderService reader;

    @Activate
    public LogForwarder(@Reference LogReaderService reader) {
        this.reader = reader;
        List<LogEntry> earlier = Collections.list(reader.getLog());
        Collections.reverse(earlier); // getLog() is newest first
        earlier.forEach(this::logged);
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Level level = switch (entry.getLogLevel()) {
            case ERROR -> Level.ERROR;
            case WARN -> Level.WARNING;
            default -> null;
        };
        // The exception goes along for a logging configuration that shows it (UTRACE_LOGGING);
        // bin/run's console format leaves it out.
        if (level != null) LOG.log(level, line(entry), entry.getException());
    }

    /** {@code <bundle>: <message>[: <reason>]}. */
    static String line(LogEntry entry) {
        Bundle b = entry.getBundle();
        String who = b == null ? "osgi" : b.getSymbolicName() != null ? b.getSymbolicName() : "bundle " + b.getBundleId();
        String reason = reason(entry.getException());
        return who + ": " + entry.getMessage() + (reason == null ? "" : ": " + reason);
    }

    /**
     * The message of the first {@link BundleException} in the cause chain. The Felix Log hands
     * out a copy of another bundle's exception whose message starts with the original class name.
     */
    private static String reason(Throwable thrown) {
        String copied = BundleException.class.getName() + ": ";
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) continue;
            if (t instanceof BundleException) return m;
            if (m.startsWith(copied)) return m.substring(copied.length());
        }
        return null;
    }
}
