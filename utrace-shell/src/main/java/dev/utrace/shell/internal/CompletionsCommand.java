package dev.utrace.shell.internal;

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
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code utrace:completions}: loads into the calling shell session the tab completion that
 * started bundles ship (a script named by their {@value #HEADER} manifest header), each once per
 * session, again when the bundle is updated. The shell profile calls it at start and before
 * each prompt, so an engine hot-deployed while the shell runs completes at the next prompt.
 */
@Component(service = CompletionsCommand.class, property = {
        "osgi.command.scope=utrace", "osgi.command.function=completions"})
public final class CompletionsCommand {
    /** The manifest header naming a bundle's completion script (an entry of the bundle). */
    public static final String HEADER = "Utrace-Completion";
    /** The session variable holding what this session has loaded: bundle id and last-modified. */
    static final String LOADED = "utrace.completions.loaded";

    private final BundleContext context;

    @Activate
    public CompletionsCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("load the tab completion of every started bundle that ships one, those deployed since the shell started too")
    public Completions completions(CommandSession session,
            @Descriptor("print nothing (for the prompt)") @Parameter(names = "--quiet", presentValue = "true", absentValue = "false")
            boolean quiet) {
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
        return quiet ? null : new Completions(rows);
    }

    @Descriptor("load the tab completion of every started bundle that ships one")
    public Completions completions(CommandSession session) {
        return completions(session, false);
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
