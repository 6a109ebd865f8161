package dev.utrace.shell.internal;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Values;
import dev.utrace.shell.format.Table;
import dev.utrace.shell.format.UsageError;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Process;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The shell's own commands in scope {@code utrace}, which the profile's {@code SCOPE} puts first:
 * help, exit and quit, tail, and default (Gogo's answer to a command it does not know).
 */
@Component(service = {}, property = "service.description=The shell's own commands: help, exit, quit, tail, default")
public final class ShellCommands {
    static final String SCOPE = UtraceCommands.SCOPE;
    /** The tail of a pipe: how many lines by default, as tail(1). */
    static final int TAIL_LINES = 10;
    /** Scopes whose commands come first in help. */
    private static final List<String> FIRST = List.of("utrace", "passive", "ptrace", "watch");

    private final Runnable leave;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands; {@code leave} ends the shell (stops the framework, as Ctrl-D in the console does). */
    public ShellCommands(Runnable leave) {
        this.leave = leave;
        this.commands = List.of(help(), leave("exit"), leave("quit"), tail(), unknown());
    }

    @Activate
    public ShellCommands(BundleContext context) {
        this(() -> stopFramework(context));
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private static void stopFramework(BundleContext context) {
        try {
            context.getBundle(0).stop(); // Felix stops asynchronously; the console closes with it
        } catch (BundleException e) {
            throw new Refusal("the framework did not stop: " + e.getMessage() + "; press Ctrl-D to leave");
        }
    }

    private Command help() {
        return command(SCOPE, "help").does("list the commands, or show how to call one: its parameters and options")
                .optional("command", "a command's name, bare (kill) or with its scope (ptrace:kill)")
                .runs(w -> w.has("command") ? helpOf(w.session(), w.get("command")) : listing(w.session()));
    }

    private String helpOf(CommandSession session, String typed) throws Exception {
        String name = typed.toLowerCase(Locale.ROOT);
        Set<String> all = CommandNames.all(session);
        String scoped = name.contains(":") ? (all.contains(name) ? name : null) : CommandNames.executed(session, name);
        if (scoped == null) throw new Refusal(unknown(session, typed));
        String text = CommandNames.help(session, scoped);
        if (text == null) return foreignHelp(session, scoped);
        if (!name.contains(":")) {
            List<String> same = all.stream().filter(c -> c.endsWith(":" + name) && !c.equals(scoped)).toList();
            if (!same.isEmpty()) text += "\n(also " + String.join(", ", same) + ": help <scope:name> shows one)";
        }
        return text;
    }

    /** Another bundle's command: Gogo's own help shows it. */
    private static String foreignHelp(CommandSession session, String scoped) throws Exception {
        for (String h : List.of("gogo:help", "felix:help")) {
            if (session.get(h) instanceof Function f) {
                f.execute(session, new ArrayList<>(List.of(scoped)));
                return null;
            }
        }
        return scoped + " is not a utrace command, and no help command of the framework is installed to show it";
    }

    /** The utrace commands with what each does, then the other scopes. */
    private String listing(CommandSession session) throws Exception {
        Map<String, String> ours = new TreeMap<>(Comparator.comparingInt(ShellCommands::rank).thenComparing(c -> c));
        Set<String> others = new TreeSet<>();
        for (String c : CommandNames.all(session)) {
            String help = CommandNames.help(session, c);
            if (help != null) ours.put(c, help.lines().skip(1).findFirst().orElse(""));
            else others.add(c.substring(0, c.indexOf(':')));
        }
        Table table = new Table("COMMAND", "WHAT");
        ours.forEach(table::row);
        return table + "\n\nhelp <command> shows how to call one; every utrace command also answers --help."
                + (others.isEmpty() ? "" : "\nOther scopes: " + String.join(", ", others) + " (felix:help lists their commands).")
                + "\nexit, quit or Ctrl-D leaves the shell.";
    }

    private static int rank(String scoped) {
        int i = FIRST.indexOf(scoped.substring(0, scoped.indexOf(':')));
        return i < 0 ? FIRST.size() : i;
    }

    private Command leave(String name) {
        return command(SCOPE, name).does("leave the shell: stop the framework, as Ctrl-D does")
                .runs(w -> {
                    leave.run();
                    return "stopping the framework";
                });
    }

    private Command tail() {
        return command(SCOPE, "tail").does("show the last lines of what the command before it printed, or of files")
                .option("-n", "lines", "how many lines (default " + TAIL_LINES + "); -3 is short for -n 3")
                .rest("files", "files to read instead of the pipe, relative to the shell's directory", 64)
                .note("as in console 2 | tail -3; gogo:tail also follows files (-f)")
                .runs(w -> {
                    List<String> files = new ArrayList<>(w.rest());
                    String count = w.option("-n", null);
                    if (count == null && !files.isEmpty() && files.get(0).startsWith("-") && files.get(0).length() > 1) {
                        count = files.remove(0).substring(1);
                    }
                    int n = count == null ? TAIL_LINES
                            : (int) Values.decimal(count, 0, Integer.MAX_VALUE, "a count of lines", "give how many lines, 0 or more");
                    return files.isEmpty() ? last(n, piped()) : last(n, read(w.session(), files));
                });
    }

    /** What the command before this one in the pipe printed. */
    private static String piped() throws IOException {
        Process p = Process.Utils.current();
        if (p == null || p.isTty(0)) {
            throw new Refusal("nothing is piped into tail; give it a command's output (console 2 | tail -3) or files");
        }
        try (InputStream in = p.in()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String read(CommandSession session, List<String> files) {
        StringBuilder sb = new StringBuilder();
        for (String f : files) {
            Path path = session.currentDir().resolve(f);
            if (Files.isDirectory(path)) throw new Refusal(Values.quote(f) + " is a folder; tail reads files");
            try {
                sb.append(Files.readString(path, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                throw new Refusal("no file " + Values.quote(f) + " in " + session.currentDir());
            } catch (MalformedInputException e) {
                throw new Refusal(Values.quote(f) + " is not text (UTF-8); tail shows lines of text");
            } catch (AccessDeniedException e) {
                throw new Refusal("no permission to read " + Values.quote(f));
            } catch (IOException | UncheckedIOException e) {
                throw new Refusal("cannot read " + Values.quote(f) + "; check that it is a readable file");
            }
        }
        return sb.toString();
    }

    /** The last {@code n} lines, without the final line break (the shell adds one). */
    private static String last(int n, String text) {
        Deque<String> lines = new ArrayDeque<>();
        for (String line : text.split("\n", -1)) {
            lines.addLast(line);
            if (lines.size() > n + 1) lines.removeFirst();
        }
        if (!lines.isEmpty() && lines.peekLast().isEmpty()) lines.removeLast(); // the text's final line break
        while (lines.size() > n) lines.removeFirst();
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /**
     * {@code default}: Gogo calls it with the line of a command it does not know (instead of
     * throwing {@code CommandNotFoundException}); typed by itself it says what it is for.
     */
    private Command unknown() {
        return command(SCOPE, "default").does("what the shell answers to a command it does not know (Gogo calls it)")
                .rest("line", "the unknown command and its words", Integer.MAX_VALUE).anyWords()
                .runs(w -> {
                    if (w.rest().isEmpty()) throw new Refusal("default answers commands the shell does not know; help lists those it knows");
                    throw new UsageError(unknown(w.session(), w.rest().get(0)));
                });
    }

    /** "unknown command 'x'; did you mean y? help lists the commands". */
    static String unknown(CommandSession session, String typed) {
        List<String> near = CommandNames.near(session, typed);
        return "unknown command " + Values.quote(typed) + (near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?")
                + "; help lists the commands";
    }
}
