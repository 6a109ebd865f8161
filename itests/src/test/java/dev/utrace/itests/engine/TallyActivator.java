package dev.utrace.itests.engine;

import dev.utrace.api.AttachFlags;
import dev.utrace.api.AttachResult;
import dev.utrace.api.Engine;
import dev.utrace.api.Event;
import dev.utrace.api.Utrace;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * The tally engine bundle: on start, attaches a passive engine with its own {@link TallyOps}
 * to each pid in the system property {@code itest.KEY.pids}, where KEY is the bundle's
 * {@code Itest-Key} header (so two versions of the bundle count apart). Its counters are the
 * JDK objects in {@code itest.KEY.*}; it keeps nothing of its own in them, so once the bundle
 * is gone nothing outside it refers to its classes.
 */
public final class TallyActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        String key = "itest." + context.getBundle().getHeaders().get("Itest-Key") + ".";
        Properties p = System.getProperties();
        AtomicLong callbacks = (AtomicLong) p.get(key + "callbacks");
        AtomicLong late = (AtomicLong) p.get(key + "late");
        AtomicInteger releases = (AtomicInteger) p.get(key + "releases");
        AtomicInteger doubleReleases = (AtomicInteger) p.get(key + "doubleReleases");
        AtomicInteger attached = (AtomicInteger) p.get(key + "attached");
        Utrace utrace = context.getService(context.getServiceReference(Utrace.class));
        for (String s : p.getProperty(key + "pids").split(",")) {
            int pid = Integer.parseInt(s);
            AttachResult r = utrace.attach(pid, AttachFlags.CREATE,
                    new TallyOps(callbacks, late, releases, doubleReleases), s);
            if (!r.ok()) continue;
            Engine e = r.engine();
            utrace.setEvents(pid, e, Event.mask(Event.SYSCALL_ENTRY, Event.SYSCALL_EXIT));
            e.put();
            attached.incrementAndGet();
        }
    }

    @Override
    public void stop(BundleContext context) {
    }
}
