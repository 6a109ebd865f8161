package dev.utrace.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.shell.internal.Results.Completions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * {@code utrace:completions} in a real Gogo session over stand-in bundles: it sources each
 * started bundle's script once per session, a bundle started later (hot-deployed) or updated at
 * the next call, and reports a missing or broken script without stopping the others.
 */
class CompletionsCommandTest extends ShellFixture {
    @TempDir
    Path scripts;
    final List<Bundle> bundles = new ArrayList<>();
    final CompletionScriptTest.Complete complete = new CompletionScriptTest.Complete();

    /** A stand-in bundle; {@code script} null: no header. */
    final class FakeBundle {
        final long id;
        final String name;
        final String entry;
        long lastModified = 1;
        int state = Bundle.ACTIVE;
        final Bundle bundle;

        FakeBundle(long id, String name, String entry, String script) throws IOException {
            this.id = id;
            this.name = name;
            this.entry = entry;
            if (script != null) Files.writeString(scripts.resolve(name + ".gosh"), script);
            bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundleId" -> id;
                        case "getSymbolicName" -> name;
                        case "getLastModified" -> lastModified;
                        case "getState" -> state;
                        case "getHeaders" -> {
                            Hashtable<String, String> h = new Hashtable<>();
                            if (entry != null) h.put(CompletionsCommand.HEADER, entry);
                            yield h;
                        }
                        case "getEntry" -> entry != null && args[0].equals(entry) && script != null
                                ? scripts.resolve(name + ".gosh").toUri().toURL() : (URL) null;
                        case "toString" -> name;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            bundles.add(bundle);
        }
    }

    @BeforeEach
    void commands() {
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getBundles")) return bundles.toArray(Bundle[]::new);
                    throw new UnsupportedOperationException(method.getName());
                });
        processor.addCommand("utrace", new CompletionsCommand(context, false).command(), "completions");
        processor.addCommand("gogo", complete, "complete");
    }

    private List<String> states(Object result) {
        return ((Completions) result).scripts().stream().map(s -> s.bundle() + " " + s.state()).toList();
    }

    @Test
    void eachScriptOncePerSessionNewAndUpdatedBundlesAtTheNextCall() throws Exception {
        FakeBundle shell = new FakeBundle(1, "shell", "shell.gosh", "complete -c utrace:ps -e\n");
        new FakeBundle(2, "plain", null, null);
        FakeBundle stopped = new FakeBundle(3, "stopped", "stopped.gosh", "complete -c stopped:x -e\n");
        stopped.state = Bundle.RESOLVED;

        assertEquals(List.of("shell loaded"), states(session.execute("utrace:completions")));
        assertEquals(List.of("-c utrace:ps -e"), complete.calls);
        assertEquals(List.of("shell loaded before"), states(session.execute("utrace:completions")));
        assertEquals(1, complete.calls.size(), "not sourced twice");
        assertTrue(run("utrace:completions").contains("loaded before"), "a table for people");

        // An engine deployed while the shell runs: the prompt's quiet call loads it, and only it.
        new FakeBundle(4, "engine", "engine.gosh", "complete -c engine:go -e\n");
        assertNull(session.execute("utrace:completions --quiet"));
        assertEquals(List.of("-c utrace:ps -e", "-c engine:go -e"), complete.calls);
        // Started later, and updated: both loaded (again).
        stopped.state = Bundle.ACTIVE;
        shell.lastModified = 2;
        assertEquals(List.of("shell loaded", "stopped loaded", "engine loaded before"),
                states(session.execute("utrace:completions")));
        assertEquals(4, complete.calls.size(), complete.calls.toString());

        // Another session has its own completions: it loads them all.
        CommandSession other = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true), new PrintStream(out, true));
        try {
            assertEquals(List.of("shell loaded", "stopped loaded", "engine loaded"), states(other.execute("utrace:completions")));
        } finally {
            other.close();
        }
    }

    @Test
    void aMissingOrBrokenScriptIsReportedAndTheOthersStillLoad() throws Exception {
        new FakeBundle(1, "missing", "nowhere.gosh", null);
        new FakeBundle(2, "broken", "broken.gosh", "no-such-command:at-all\n");
        new FakeBundle(3, "good", "good.gosh", "complete -c good:x -e\n");
        List<String> states = states(session.execute("utrace:completions"));
        assertEquals("missing missing: the bundle has no entry nowhere.gosh", states.get(0));
        assertTrue(states.get(1).startsWith("broken failed: ") && states.get(1).contains("no-such-command:at-all"), states.get(1));
        assertEquals("good loaded", states.get(2));
        assertEquals(List.of("-c good:x -e"), complete.calls);
    }
}
