package dev.utrace.impl;

import dev.utrace.api.Utrace;
import java.lang.System.Logger.Level;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link Utrace} service, one instance per using bundle. When that bundle releases the
 * service (it stops, is updated or uninstalled), its engines are revoked: their release
 * runs once and the bundle's code is never called again.
 */
@Component(scope = ServiceScope.BUNDLE, service = Utrace.class,
        property = "service.description=utrace: attach engines to tasks (one facade per bundle)")
public final class BundleUtrace extends UtraceFacade {
    private final String ownerName;

    @Activate
    public BundleUtrace(@Reference UtraceCore core, ComponentContext context) {
        this(core, describe(context.getUsingBundle()));
    }

    private BundleUtrace(UtraceCore core, String ownerName) {
        super(core, new Owner(ownerName));
        this.ownerName = ownerName;
    }

    private static String describe(Bundle b) {
        return b == null ? "unknown bundle" : b.getSymbolicName() + " [" + b.getBundleId() + "]";
    }

    @Deactivate
    void deactivate() {
        int n = revoke();
        if (n > 0) {
            Callbacks.LOG.log(Level.INFO, "revoked " + n + " engine(s) of " + ownerName);
        }
    }
}
