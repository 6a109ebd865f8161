package dev.utrace.shell.command;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * A bundle's commands registered for Gogo, one {@link Function} service each (Gogo hands a
 * Function target its arguments without telling it which of its names was called, so one service
 * cannot serve several names). A component registers them when it activates and closes this
 * when it deactivates.
 */
public final class Registrations implements AutoCloseable {
    private final List<ServiceRegistration<Function>> registrations = new ArrayList<>();

    private Registrations() {
    }

    /** Registers each command under its scope and name, with its summary as the service description. */
    public static Registrations register(BundleContext context, List<Command> commands) {
        Registrations r = new Registrations();
        for (Command c : commands) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(CommandProcessor.COMMAND_SCOPE, c.scope());
            props.put(CommandProcessor.COMMAND_FUNCTION, c.name());
            props.put(Constants.SERVICE_DESCRIPTION, c.summary());
            r.registrations.add(context.registerService(Function.class, c, props));
        }
        return r;
    }

    /** Unregisters them; those the framework already took back (the bundle stopping) are skipped. */
    @Override
    public void close() {
        for (ServiceRegistration<Function> reg : registrations) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        registrations.clear();
    }
}
