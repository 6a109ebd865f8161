package dev.utrace.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.utrace.api.proc.Processes;
import dev.utrace.api.proc.SpawnRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * Every command of every utrace scope (utrace, passive, ptrace, watch; found in the service
 * registry, so a new command is covered without touching this test), fed malformed arguments
 * through a real Gogo session in a real Felix: each missing and each extra argument, unknown
 * options, an option without its value, and at each parameter and option value the Gogo word
 * {@code null}, an empty word, a list, a map, an undefined variable, a number beyond 64 bits, a
 * Unicode digit and (where a parameter cannot be negative) a negative number. Each line must be
 * refused with a message that names what was wrong and shows the command's usage, with no Java
 * exception text, and must change nothing: tasks, engines, traces, watches and tracees read the
 * same before and after. Unknown commands are answered by name.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethodPortableFailures.class)
public class ShellArguments_IT {
    private static final Set<String> SCOPES = Set.of("utrace", "passive", "ptrace", "watch");
    /** Java exception text: class names, stack frames, Gogo's coercion and lookup failures. */
    private static final Pattern JAVA_TEXT = Pattern.compile(
            "Exception|java\\.|\\bat [a-z]+\\.|\\.java:|Cannot coerce|Command not found|internal error");
    /** Words in a usage line: options in brackets, optional or repeated parameters, required ones. */
    private static final Pattern PART = Pattern.compile("\\[(-[^ \\]]+)(?: <([^>]+)>)?\\]|\\[([^\\]]+?)(\\.\\.\\.)?\\]|<([^>]+)>");
    /** Parameters that take a negative number (a poked value, a program argument, tail's -3); elsewhere one is refused. */
    private static final Set<String> NEGATIVE_OK = Set.of("value", "args", "files");
    /** A command of each component that registers commands: once all are there, DS has registered every scope. */
    private static final List<String> SENTINELS = List.of("utrace:ps", "utrace:help", "utrace:completions", "passive:trace",
            "ptrace:attach", "ptrace:peek", "ptrace:wait", "watch:add");

    @Inject
    BundleContext context;
    @Inject
    Processes sim;
    @Inject
    CommandProcessor processor;

    private CommandSession session;
    /** Valid words for each parameter name, so that only the word under test is wrong. */
    private final Map<String, String> fillers = new LinkedHashMap<>();

    @Configuration
    public Option[] config() {
        java.nio.file.Path deploy;
        try {
            deploy = Files.createDirectories(Files.createTempDirectory("utrace-itest").resolve("deploy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return options(UtraceOptions.core(), UtraceOptions.machine(), UtraceOptions.shell(), UtraceOptions.commands(),
                UtraceOptions.hotDeploy(deploy, 1000), UtraceOptions.libraries(), UtraceOptions.projectBundle("engine-passive"),
                UtraceOptions.projectBundle("engine-ptrace"), UtraceOptions.projectBundle("engine-watchpoint"),
                UtraceOptions.junit(), cleanCaches());
    }

    /** A malformed line and what its message must name. */
    private record Line(String scoped, String text, String names) {
    }

    /** One command as its usage line declares it. */
    private record Usage(String scoped, List<String> required, List<String> optional, String rest,
            Map<String, String> options) {
    }

    @Test
    public void everyCommandRefusesMalformedArgumentsWithUsageAndChangesNothing() throws Exception {
        List<String> commands = awaitCommands();
        assertTrue("found " + commands, commands.containsAll(List.of("utrace:ps", "utrace:wait", "passive:log",
                "ptrace:wait", "ptrace:poke", "watch:add", "utrace:help", "utrace:exit")));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, out);
        session.put("SCOPE", "utrace:*"); // as the shell profile
        List<Integer> pids = new ArrayList<>();
        try {
            String before = setUp(pids);
            int lines = 0;
            for (String scoped : commands) {
                if (scoped.equals("utrace:default")) continue; // it is given the line of an unknown command: below
                for (Line line : malformed(usage(scoped))) {
                    assertRefused(line);
                    assertEquals("nothing changed after: " + line.text(), before, state());
                    lines++;
                }
            }
            for (String unknown : List.of("nosuch", "exit2", "sapwn idle", "utrace:nosuch 1 [2]", "ptrace:nosuch")) {
                String said = refusal(unknown);
                assertTrue(unknown + " said: " + said, said.startsWith("unknown command '") && said.endsWith("help lists the commands"));
                assertFalse(unknown + " said: " + said, JAVA_TEXT.matcher(said).find());
                assertEquals("nothing changed after: " + unknown, before, state());
            }
            assertTrue("malformed lines tried: " + lines, lines > 300);
            String text = printed.toString(StandardCharsets.UTF_8);
            assertFalse("the session printed Java text:\n" + text, JAVA_TEXT.matcher(text).find());
            System.out.println("[shell] " + commands.size() + " commands, " + lines + " malformed lines: each refused with"
                    + " its usage, nothing changed");
        } finally {
            Tally.killAll(sim, pids);
            session.close();
        }
    }

    /**
     * idle 2 untouched, idle 3 stopped under the shell's ptrace tracer, idle 4 traced by the
     * passive engine (exit only) and watched; returns the state once all are settled.
     */
    private String setUp(List<Integer> pids) throws Exception {
        for (int i = 0; i < 3; i++) pids.add(sim.spawn(SpawnRequest.of("idle", List.of())));
        run("ptrace:attach 3");
        Tally.await("the shell tracer's attach stop of 3 is reported",
                () -> !String.valueOf(execute("ptrace:wait --nohang 3")).equals("nothing to report"));
        run("passive:trace -e exit 4");
        run("watch:add 4 0x10000000 8");
        fillers.putAll(Map.ofEntries(Map.entry("pid", "3"), Map.entry("id", "1"), Map.entry("program", "idle"),
                Map.entry("args", "1"), Map.entry("signal", "TERM"), Map.entry("timeout-ms", "0"),
                Map.entry("address", "0x600000"), Map.entry("words", "1"), Map.entry("value", "1"),
                Map.entry("register|offset", "rax"), Map.entry("options", "0"), Map.entry("length", "8"),
                Map.entry("w|rw", "w"), Map.entry("command", "ps"), Map.entry("files", "f"), Map.entry("lines", "3"),
                Map.entry("list", "exit"), Map.entry("column", "calls"), Map.entry("count", "5")));
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            String ps = run("utrace:ps");
            if (ps.matches("(?s).*\n  2 .* SLEEPING .*\n  3 .* TRACED .*\n  4 .* SLEEPING .*")) break;
            if (System.nanoTime() - deadline > 0) fail("the tasks never settled:\n" + ps); // a liveness bound
            Thread.sleep(10);
        }
        return state();
    }

    /** What a malformed line could change, as the shell shows it. */
    private String state() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String c : List.of("utrace:ps", "utrace:engines", "passive:list", "watch:list", "ptrace:tracees")) {
            sb.append(run(c)).append('\n');
        }
        return sb.toString();
    }

    /** The command's usage, from the first line of its {@code --help}. */
    private Usage usage(String scoped) throws Exception {
        Object help = execute(scoped + " --help");
        assertTrue(scoped + " --help gave " + help, help instanceof String s && s.startsWith(scoped));
        String synopsis = ((String) help).lines().findFirst().orElseThrow().substring(scoped.length());
        List<String> required = new ArrayList<>();
        List<String> optional = new ArrayList<>();
        String rest = null;
        Map<String, String> options = new LinkedHashMap<>();
        Matcher m = PART.matcher(synopsis);
        while (m.find()) {
            if (m.group(1) != null) options.put(m.group(1).split("\\|")[0], m.group(2));
            else if (m.group(4) != null) rest = m.group(3);
            else if (m.group(3) != null) optional.add(m.group(3));
            else required.add(m.group(5));
        }
        return new Usage(scoped, required, optional, rest, options);
    }

    /** The malformed lines of one command. */
    private List<Line> malformed(Usage u) {
        String c = u.scoped();
        List<Line> lines = new ArrayList<>();
        List<String> all = new ArrayList<>(u.required());
        all.addAll(u.optional());
        for (int k = 0; k < u.required().size(); k++) {
            lines.add(new Line(c, c + words(u.required().subList(0, k)), "needs <" + u.required().get(k) + ">"));
        }
        List<String> full = new ArrayList<>(all);
        if (u.rest() != null) full.addAll(Collections.nCopies(u.rest().equals("args") ? 6 : 64, u.rest()));
        lines.add(new Line(c, c + words(full) + " extra", "'extra'"));
        lines.add(new Line(c, c + " --bogus" + words(u.required()), "'--bogus'"));
        lines.add(new Line(c, c + words(u.required()) + " -q", "'-q'"));
        for (Map.Entry<String, String> o : u.options().entrySet()) {
            if (o.getValue() == null) continue;
            lines.add(new Line(c, c + words(u.required()) + " " + o.getKey(), o.getKey() + " needs <" + o.getValue() + ">"));
            for (String[] bad : bad(o.getValue())) {
                lines.add(new Line(c, c + " " + o.getKey() + " " + bad[0] + words(u.required()), bad[1]));
            }
        }
        List<String> positions = new ArrayList<>(all);
        if (u.rest() != null) positions.add(u.rest());
        for (int i = 0; i < positions.size(); i++) {
            List<String> before = positions.subList(0, i);
            List<String> after = i < u.required().size() ? u.required().subList(i + 1, u.required().size()) : List.of();
            for (String[] bad : bad(positions.get(i))) {
                lines.add(new Line(c, c + words(before) + " " + bad[0] + words(after), bad[1]));
            }
        }
        return lines;
    }

    /** The wrong words for a parameter, each with what the message must quote. */
    private static List<String[]> bad(String param) {
        List<String[]> bad = new ArrayList<>(List.of(
                new String[] {"null", "'null'"},
                new String[] {"''", "an empty word"},
                new String[] {"[1]", "a list [1]"},
                new String[] {"[a=1]", "a map [a=1]"},
                new String[] {"$nosuchvariable", "nothing"},
                new String[] {"99999999999999999999", "'99999999999999999999'"},
                new String[] {"２", "'２'"}));
        if (!NEGATIVE_OK.contains(param)) bad.add(new String[] {"-7", "'-7'"});
        return bad;
    }

    private String words(List<String> params) {
        StringBuilder sb = new StringBuilder();
        for (String p : params) sb.append(' ').append(fillers.getOrDefault(p, "1"));
        return sb.toString();
    }

    private void assertRefused(Line line) {
        String said = refusal(line.text());
        String first = said.lines().findFirst().orElse("");
        assertFalse(line.text() + " printed Java text:\n" + said, JAVA_TEXT.matcher(said).find());
        assertTrue(line.text() + " does not name " + line.names() + ":\n" + said, first.contains(line.names()));
        assertTrue(line.text() + " shows no usage:\n" + said, said.contains("\nusage: " + line.scoped()));
    }

    /** What the shell prints for a line that must be refused (Gogo's console prints the exception's toString). */
    private String refusal(String line) {
        Object result;
        try {
            result = session.execute(line);
        } catch (Exception e) {
            return e.toString();
        }
        throw new AssertionError(line + " was not refused; it gave " + result);
    }

    /** Every command the utrace bundles registered, as {@code scope:name}, once DS has registered them all. */
    private List<String> awaitCommands() throws Exception {
        Tally.await("every component registered its commands and converter", () -> {
            try {
                return commands().containsAll(SENTINELS) && ours(context.getServiceReferences(Converter.class, null)) == SCOPES.size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return new ArrayList<>(commands());
    }

    private Set<String> commands() throws Exception {
        Set<String> found = new TreeSet<>();
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.scope=*)");
        for (ServiceReference<?> r : refs == null ? new ServiceReference<?>[0] : refs) {
            String scope = String.valueOf(r.getProperty(CommandProcessor.COMMAND_SCOPE));
            if (!SCOPES.contains(scope) || ours(List.of(r)) == 0) continue;
            Object f = r.getProperty(CommandProcessor.COMMAND_FUNCTION);
            for (Object name : f instanceof Object[] a ? List.of(a) : List.of(f)) found.add(scope + ":" + name);
        }
        return found;
    }

    /** How many of the services were registered by a utrace bundle. */
    private static long ours(java.util.Collection<? extends ServiceReference<?>> refs) {
        return refs.stream().filter(r -> r.getBundle() != null && r.getBundle().getSymbolicName().startsWith("dev.utrace.")).count();
    }

    private Object execute(String line) {
        try {
            return session.execute(line);
        } catch (Exception e) {
            throw new AssertionError(line + " failed: " + e, e);
        }
    }

    private String run(String line) throws Exception {
        Object result = execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }
}
