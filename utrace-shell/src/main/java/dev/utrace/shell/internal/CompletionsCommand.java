package dev.utrace.shell.internal;

import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.internal.Results.CompletionScript;
import dev.utrace.shell.internal.Results.Completions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@code utrace:completions}: loads into the calling shell session the tab completion that
 * started bundles ship (a script named by their {@value #HEADER} manifest header), each once per
 * session, again when the bundle is updated. The shell profile calls it at start and before
 * each prompt, so an engine hot-deployed while the shell runs completes at the next prompt.
 * In a jline console it also makes a bare name complete as the command it runs
 * ({@link BareNameCompleter}) and Ctrl-C stop a utrace command with a plain "interrupted"
 * ({@link CtrlC}): both need the console, which the prompt's call has.
 */
@Component(service = {}, property = "service.description=utrace:completions, which loads the bundles' tab completion")
public final class CompletionsCommand {
    /** The manifest header naming a bundle's completion script (an entry of the bundle). */
    public static final String HEADER = "Utrace-Completion";
    /** The session variable holding what this session has loaded: bundle id and last-modified. */
    static final String LOADED = "utrace.completions.loaded";

    private final BundleContext context;
    private final Command command;
    private Registrations registrations;

    /** The command, not registered (tests hand it to a Gogo runtime); {@code context} lists the bundles. */
    public CompletionsCommand(BundleContext context, boolean register) {
        this.context = context;
        this.command = Command.command(UtraceCommands.SCOPE, "completions")
                .does("load the tab completion of every started bundle that ships one, those deployed since the shell started too")
                .flag("--quiet", "print nothing (for the prompt)")
                .runs(w -> {
                    Completions c = load(w.session());
                    if (w.session().get(BareNameCompleter.READER) != null) adaptConsole(w.session());
                    return w.flag("--quiet") ? null : c;
                });
        if (register) registrations = Registrations.register(context, List.of(command));
    }

    @Activate
    public CompletionsCommand(BundleContext context) {
        this(context, true);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public Command command() {
        return command;
    }

    /** In a jline console: bare names complete as the commands they run; Ctrl-C stops a utrace command plainly. */
    private static void adaptConsole(CommandSession session) {
        try {
            BareNameCompleter.install(session);
            CtrlC.install(session);
        } catch (LinkageError jlineNotWired) {
            // a console whose jline this bundle was not wired to: it stays as gogo.jline has it
        }
    }

    private Completions load(CommandSession session) {
        Set<String> loaded = loaded(session);
        List<CompletionScript> rows = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String entry = b.getState() == Bundle.ACTIVE ? b.getHeaders().get(HEADER) : null;
            if (entry == null) continue;
            String key = b.getBundleId() + "@" + b.getLastModified();
            if (loaded.contains(key)) {
                rows.add(new CompletionScript(b.getSymbolicName(), entry, "loaded before"));
                continue;
            }
            rows.add(new CompletionScript(b.getSymbolicName(), entry, load(session, b, entry)));
            loaded.add(key);
        }
        session.put(LOADED, loaded);
        return new Completions(rows);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> loaded(CommandSession session) {
        Object v = session.get(LOADED);
        return v instanceof Set<?> s ? (Set<String>) s : new HashSet<>();
    }

    /** Runs the script in the caller's session; a broken one is reported, not thrown (the others still load). */
    private static String load(CommandSession session, Bundle b, String entry) {
        URL url = b.getEntry(entry);
        if (url == null) return "missing: the bundle has no entry " + entry;
        String script;
        try (InputStream in = url.openStream()) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "failed: cannot read " + url + ": " + e.getMessage();
        }
        try {
            session.execute(script); // as gogo's source does, without needing it
            return "loaded";
        } catch (Exception e) {
            return "failed: " + e.getMessage();
        }
    }
}
