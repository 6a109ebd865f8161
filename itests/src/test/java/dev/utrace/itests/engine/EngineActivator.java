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
 * The test engine bundle: on start, attaches a passive engine (no reference kept) to each pid
 * in the system property {@code itest.pids}, through its own {@code Utrace} facade.
 */
public final class EngineActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        Utrace utrace = context.getService(context.getServiceReference(Utrace.class));
        Properties p = System.getProperties();
        CountingOps ops = new CountingOps((AtomicLong) p.get("itest.callbacks"), (AtomicInteger) p.get("itest.releases"));
        int attached = 0;
        for (String pid : p.getProperty("itest.pids").split(",")) {
            AttachResult r = utrace.attach(Integer.parseInt(pid), AttachFlags.CREATE, ops, pid);
            if (!r.ok()) continue;
            Engine e = r.engine();
            utrace.setEvents(Integer.parseInt(pid), e, Event.mask(Event.SYSCALL_EXIT));
            e.put();
            attached++;
        }
        p.put("itest.attached", attached);
        p.put("itest.facade", utrace.toString());
    }

    @Override
    public void stop(BundleContext context) {
    }
}
