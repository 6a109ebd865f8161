package dev.utrace.shell.command;

import dev.utrace.shell.format.UsageError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.apache.felix.service.command.Process;

/**
 * One shell command: its scope and name, what it does, its parameters and options, and the code
 * that runs it. Gogo calls it as a {@link Function} with the words as typed; {@link Words} checks
 * their shape before the body runs, the body reads their values ({@link Values}) before it acts,
 * and so a refused line has changed nothing.
 *
 * <p>What reaches the shell, which prints an exception's {@code toString()}: the body's result;
 * for a {@link Refusal}, its message and the usage ({@link UsageError}); an exception that already
 * prints as its message alone (an engine's refusal such as ptrace's {@code Refused}) as it is;
 * "interrupted" for Ctrl-C, the thread's interrupt flag kept; any other exception, a bug, as one
 * line, its stack trace going to the log. In the middle of a pipe these are printed on the pipe's
 * error stream instead ({@link #answer}).
 *
 * <p>{@code --help} anywhere on the line returns {@link #help()}: the usage on the first line,
 * what the command does on the second, then each parameter and option once, by name and meaning
 * ({@code utrace:help} relies on that layout).
 */
public final class Command implements Function {
    private static final System.Logger LOG = System.getLogger(Command.class.getName());
    /** The session variable holding the threads that run utrace commands ({@link #running}). */
    public static final String RUNNING = ".utrace.running";

    /** The code of a command; its words are checked, their values are read by the body itself. */
    @FunctionalInterface
    public interface Body {
        Object run(Words words) throws Exception;
    }

    /** A positional parameter: required, optional, or the rest of the line (at most {@code max} words). */
    record Param(String name, String meaning, Kind kind, int max) {
        enum Kind { REQUIRED, OPTIONAL, REST }

        String synopsis() {
            return switch (kind) {
                case REQUIRED -> "<" + name + ">";
                case OPTIONAL -> "[" + name + "]";
                case REST -> "[" + name + "...]";
            };
        }
    }

    /** An option: a flag ({@code value == null}) or an option followed by its value. */
    record Option(List<String> names, String value, String meaning) {
        boolean flag() {
            return value == null;
        }

        String synopsis() {
            return "[" + String.join("|", names) + (flag() ? "" : " <" + value + ">") + "]";
        }

        String helpName() {
            return String.join(", ", names) + (flag() ? "" : " <" + value + ">");
        }
    }

    private final String scope;
    private final String name;
    private final String summary;
    private final String note;
    private final List<Param> params;
    private final List<Option> options;
    /** Params and options in the order the usage shows them. */
    private final List<Object> parts;
    private final boolean anyWords;
    private final Body body;

    private Command(Builder b, Body body) {
        this.scope = b.scope;
        this.name = b.name;
        this.summary = b.summary;
        this.note = b.note;
        this.params = List.copyOf(b.params);
        this.options = List.copyOf(b.options);
        this.parts = List.copyOf(b.parts);
        this.anyWords = b.anyWords;
        this.body = body;
    }

    /** Starts the declaration of {@code scope:name}. */
    public static Builder command(String scope, String name) {
        return new Builder(scope, name);
    }

    public String scope() {
        return scope;
    }

    public String name() {
        return name;
    }

    /** What the command does, in one line. */
    public String summary() {
        return summary;
    }

    /** {@code scope:name} followed by its parameters and options, and the note if any. */
    public String usage() {
        return synopsis() + (note == null ? "" : "  (" + note + ")");
    }

    private String synopsis() {
        StringBuilder sb = new StringBuilder(scope).append(':').append(name);
        for (Object p : parts) sb.append(' ').append(p instanceof Param q ? q.synopsis() : ((Option) p).synopsis());
        return sb.toString();
    }

    /** The usage, what the command does, then each parameter and option by name and meaning. */
    public String help() {
        List<String[]> rows = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof Param q) rows.add(new String[] {q.synopsis(), q.meaning()});
            else rows.add(new String[] {((Option) p).helpName(), ((Option) p).meaning()});
        }
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder sb = new StringBuilder(synopsis()).append('\n').append(summary);
        for (String[] r : rows) sb.append("\n  ").append(r[0]).append(" ".repeat(width - r[0].length() + 2)).append(r[1]);
        return sb.toString();
    }

    List<Param> params() {
        return params;
    }

    List<Option> options() {
        return options;
    }

    boolean anyWords() {
        return anyWords;
    }

    Option option(String word) {
        for (Option o : options) {
            if (o.names().contains(word)) return o;
        }
        return null;
    }

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
        List<Object> args = arguments == null ? List.of() : arguments;
        if (asksForHelp(args)) return help();
        Set<Thread> running = running(session);
        boolean registered = running != null && running.add(Thread.currentThread()); // not again for a nested command
        try {
            return body.run(Words.read(this, session, args));
        } catch (Refusal r) {
            return answer(new UsageError(r.getMessage() + "\nusage: " + usage()));
        } catch (InterruptedException e) {
            try {
                return answer(new Unfinished("interrupted; " + scope + ":" + name + " stopped"));
            } finally {
                Thread.currentThread().interrupt(); // as Equinox's console: whoever runs us may want to know
            }
        } catch (Exception e) {
            if (printsAsItsMessage(e)) return answer(e);
            LOG.log(System.Logger.Level.ERROR, scope + ":" + name + " " + args + " failed", e);
            return answer(new Unfinished(scope + ":" + name + " failed: an internal error (a bug); the framework log has the"
                    + " details"));
        } finally {
            if (registered) running.remove(Thread.currentThread());
        }
    }

    /**
     * The threads running utrace commands in a session, if the console keeps them (utrace-shell's
     * Ctrl-C handler interrupts those rather than the whole job, whose controller would end with a
     * bare {@code java.lang.InterruptedException}).
     */
    @SuppressWarnings("unchecked")
    private static Set<Thread> running(CommandSession session) {
        return session != null && session.get(RUNNING) instanceof Set<?> s ? (Set<Thread>) s : null;
    }

    /**
     * Hands the shell a refusal or failure. At the end of a pipe (the usual case) it is thrown,
     * and the console prints it; in the middle of a pipe Gogo would print it as
     * {@code gogo: ClassName: message}, so it is printed as it is on the pipe's error stream,
     * with an error status, as gogo's own commands do.
     */
    private static Object answer(Exception e) throws Exception {
        Process p = Process.Utils.current();
        List<Process> pipe = p == null || p.job() == null ? List.of() : p.job().processes();
        if (pipe.size() < 2 || pipe.getLast() == p) throw e;
        p.err().println(e);
        p.error(2);
        return null;
    }

    /** {@code --help} anywhere; for a command taking any words, only {@code --help} alone. */
    private boolean asksForHelp(List<Object> args) {
        if (anyWords) return args.size() == 1 && "--help".equals(String.valueOf(args.get(0)));
        return args.stream().anyMatch(a -> a instanceof CharSequence s && s.toString().equals("--help"));
    }

    /** An exception made for the shell: it prints as its message, with no class name. */
    private static boolean printsAsItsMessage(Exception e) {
        return e.getMessage() != null && e.toString().equals(e.getMessage());
    }

    @Override
    public String toString() {
        return synopsis();
    }

    /** A command that did not finish: interrupted, or broken by a bug. Prints as its message. */
    public static final class Unfinished extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unfinished(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** Declares a command: what it does, then its parameters and options in the order the usage shows them. */
    public static final class Builder {
        private final String scope;
        private final String name;
        private String summary;
        private String note;
        private final List<Param> params = new ArrayList<>();
        private final List<Option> options = new ArrayList<>();
        private final List<Object> parts = new ArrayList<>();
        private boolean anyWords;

        private Builder(String scope, String name) {
            this.scope = scope;
            this.name = name.toLowerCase(Locale.ROOT);
        }

        /** What the command does, in one line (help shows it; {@code service.description} too). */
        public Builder does(String summary) {
            this.summary = summary;
            return this;
        }

        /** A parameter that must be given. */
        public Builder param(String name, String meaning) {
            if (params.stream().anyMatch(p -> p.kind() != Param.Kind.REQUIRED)) {
                throw new IllegalStateException(name + ": a required parameter after an optional one");
            }
            return add(new Param(name, meaning, Param.Kind.REQUIRED, 1));
        }

        /** A parameter that may be left out. */
        public Builder optional(String name, String meaning) {
            if (params.stream().anyMatch(p -> p.kind() == Param.Kind.REST)) {
                throw new IllegalStateException(name + ": a parameter after the rest of the line");
            }
            return add(new Param(name, meaning, Param.Kind.OPTIONAL, 1));
        }

        /** The rest of the line: 0 to {@code max} words. */
        public Builder rest(String name, String meaning, int max) {
            if (params.stream().anyMatch(p -> p.kind() == Param.Kind.REST)) {
                throw new IllegalStateException(name + ": a second rest of the line");
            }
            return add(new Param(name, meaning, Param.Kind.REST, max));
        }

        /** A flag: {@code names} such as "--stop" or "-q|--quiet". */
        public Builder flag(String names, String meaning) {
            return add(new Option(List.of(names.split("\\|")), null, meaning));
        }

        /** An option followed by its value: {@code option("-n", "count", "how many events")}. */
        public Builder option(String names, String value, String meaning) {
            return add(new Option(List.of(names.split("\\|")), value, meaning));
        }

        /** A short note the usage line ends with, in parentheses. */
        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /**
         * Every word goes to the rest parameter as it is, as text: no options, no checks, and
         * {@code --help} only alone (for {@code utrace:default}, which is given another command's line).
         */
        public Builder anyWords() {
            this.anyWords = true;
            return this;
        }

        private Builder add(Object part) {
            if (part instanceof Param p) params.add(p);
            else options.add((Option) part);
            parts.add(part);
            return this;
        }

        /** The command, running {@code body} once its words are checked. */
        public Command runs(Body body) {
            if (summary == null) throw new IllegalStateException(scope + ":" + name + " says nothing of what it does");
            return new Command(this, body);
        }
    }
}
