package dev.utrace.impl;

import dev.utrace.api.Utrace;
import dev.utrace.spi.Machine;
import dev.utrace.spi.TraceHooks;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The core's life under OSGi: builds a {@link UtraceCore} and registers its hook side as the
 * {@link TraceHooks} service (the machine finds it there) and its controller side as the
 * {@link Utrace} service, one facade per using bundle: when that bundle releases the service
 * (it stops, is updated or uninstalled) its engines are revoked, their release runs once and
 * the bundle's code is never called again. Only the API interfaces are published.
 */
@Component(immediate = true, service = {})
public final class CoreComponent {
    private ServiceTracker<Machine, Machine> machines;
    private ServiceRegistration<TraceHooks> hooksRegistration;
    private ServiceRegistration<Utrace> utraceRegistration;

    /**
     * Finds the machine with a tracker rather than a DS reference: the machine's component
     * references our TraceHooks, so a reference back would be the cycle SCR reports as an error.
     */
    @Activate
    void activate(BundleContext context) {
        machines = new ServiceTracker<>(context, Machine.class, null);
        machines.open();
        ServiceTracker<Machine, Machine> tracker = machines;
        UtraceCore core = new UtraceCore(tracker::getService);
        hooksRegistration = context.registerService(TraceHooks.class, core.hooks(),
                description("utrace core: the hook points machines call"));
        utraceRegistration = context.registerService(Utrace.class, new Facades(core),
                description("utrace: attach engines to tasks (one facade per bundle)"));
    }

    @Deactivate
    void deactivate() {
        utraceRegistration.unregister(); // every using bundle's facade is released: its engines revoked
        hooksRegistration.unregister();
        machines.close();
    }

    private static Dictionary<String, Object> description(String text) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("service.description", text);
        return props;
    }

    /** One facade per using bundle; releasing it revokes that bundle's engines. */
    private record Facades(UtraceCore core) implements ServiceFactory<Utrace> {
        @Override
        public Utrace getService(Bundle bundle, ServiceRegistration<Utrace> registration) {
            return core.facade(bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]");
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<Utrace> registration, Utrace service) {
            UtraceFacade facade = (UtraceFacade) service;
            int n = facade.revoke();
            if (n > 0) Callbacks.LOG.log(Level.INFO, "revoked " + n + " engine(s) of " + facade.ownerName());
        }
    }
}
