package dev.utrace.shell.command;

import dev.utrace.shell.command.Command.Option;
import dev.utrace.shell.command.Command.Param;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.felix.service.command.CommandSession;

/**
 * The words of one command line, sorted into the command's parameters and options. Each is one
 * word of text, not empty; what it means (a number, a name) is for the body to read.
 *
 * <p>Sorting refuses, at the first problem from the left: an unknown option, an option given twice
 * or without its value, a list, a map, nothing (an undefined variable) or an empty word where a
 * word was expected, one word too many; then a missing parameter. A word is an option if it starts
 * with {@code --}, or with {@code -} and a letter ({@code -3} is a word); after {@code --} every
 * word is a parameter.
 */
public final class Words {
    private final Command command;
    private final CommandSession session;
    private final Map<String, String> values;
    private final List<String> rest;
    private final Map<Option, String> options;

    private Words(Command command, CommandSession session, Map<String, String> values, List<String> rest,
            Map<Option, String> options) {
        this.command = command;
        this.session = session;
        this.values = values;
        this.rest = rest;
        this.options = options;
    }

    static Words read(Command c, CommandSession session, List<Object> args) {
        Map<String, String> values = new HashMap<>();
        List<String> rest = new ArrayList<>();
        Map<Option, String> options = new HashMap<>();
        List<Param> params = c.params();
        boolean optionsEnded = c.anyWords();
        int next = 0;
        for (int i = 0; i < args.size(); i++) {
            Object raw = args.get(i);
            if (!optionsEnded && raw instanceof CharSequence cs) {
                String s = cs.toString();
                if (s.equals("--")) {
                    optionsEnded = true;
                    continue;
                }
                if (isOption(s)) {
                    Option o = c.option(s);
                    if (o == null) throw unknownOption(c, s);
                    if (options.containsKey(o)) throw new Refusal(s + " is given twice; give it once");
                    if (o.flag()) {
                        options.put(o, "");
                    } else if (i + 1 == args.size()) {
                        throw new Refusal(s + " needs <" + o.value() + "> after it: " + o.meaning());
                    } else {
                        options.put(o, word(args.get(++i), s + " <" + o.value() + ">"));
                    }
                    continue;
                }
            }
            Param p = next < params.size() ? params.get(next) : null;
            if (p == null || p.kind() == Param.Kind.REST && rest.size() == p.max()) {
                throw tooMany(c, args.subList(i, args.size()));
            }
            String w = c.anyWords() ? String.valueOf(raw) : word(raw, "<" + p.name() + ">");
            if (p.kind() == Param.Kind.REST) {
                rest.add(w);
            } else {
                values.put(p.name(), w);
                next++;
            }
        }
        for (int k = next; k < params.size(); k++) {
            Param p = params.get(k);
            if (p.kind() == Param.Kind.REQUIRED) throw new Refusal(c.name() + " needs <" + p.name() + ">: " + p.meaning());
        }
        return new Words(c, session, values, rest, options);
    }

    private static boolean isOption(String s) {
        return s.startsWith("--") ? s.length() > 2 : s.length() > 1 && s.charAt(0) == '-' && Character.isLetter(s.charAt(1));
    }

    /** One word of text where {@code expected} (a parameter or an option's value) was expected. */
    private static String word(Object raw, String expected) {
        if (raw == null) throw new Refusal("nothing (an undefined variable?) where " + expected + " was expected");
        if (raw instanceof Map<?, ?>) {
            throw new Refusal("a map " + Values.quote(raw) + " where " + expected + " was expected; give one word");
        }
        if (raw instanceof Collection<?> || raw.getClass().isArray()) {
            throw new Refusal("a list " + Values.quote(raw) + " where " + expected + " was expected; give one word");
        }
        String s = String.valueOf(raw).strip();
        if (s.isEmpty()) throw new Refusal("an empty word where " + expected + " was expected");
        return s;
    }

    private static Refusal unknownOption(Command c, String s) {
        if (c.options().isEmpty()) return new Refusal("unknown option " + Values.quote(s) + "; " + c.name() + " takes no options");
        StringJoiner known = new StringJoiner(", ");
        for (Option o : c.options()) known.add(String.join(" or ", o.names()));
        return new Refusal("unknown option " + Values.quote(s) + "; " + c.name() + " takes " + known);
    }

    private static Refusal tooMany(Command c, List<Object> extra) {
        String first = Values.quote(extra.get(0));
        String which = extra.size() == 1 ? first + " is one too many" : first + " and " + (extra.size() - 1) + " more are too many";
        int max = 0;
        StringJoiner names = new StringJoiner(" ");
        for (Param p : c.params()) {
            max += p.max();
            names.add(p.synopsis());
        }
        if (max == 0) return new Refusal(c.name() + " takes no arguments; " + which);
        return new Refusal(c.name() + " takes at most " + max + (max == 1 ? " argument" : " arguments") + " (" + names
                + "); " + which);
    }

    /** The session the command runs in. */
    public CommandSession session() {
        return session;
    }

    /** The word given for a declared parameter, which must have been given (a required one always is). */
    public String get(String param) {
        String v = values.get(declared(param));
        if (v == null) throw new IllegalStateException(command + ": <" + param + "> was not given; use has() or get(name, absent)");
        return v;
    }

    /** The word given for a declared parameter, or {@code absent}. */
    public String get(String param, String absent) {
        return values.getOrDefault(declared(param), absent);
    }

    /** Whether a word was given for a declared parameter. */
    public boolean has(String param) {
        return values.containsKey(declared(param));
    }

    /** The words given for the rest of the line, in order. */
    public List<String> rest() {
        return List.copyOf(rest);
    }

    /** Whether a flag was given, by any of its names. */
    public boolean flag(String name) {
        return options.containsKey(declaredOption(name));
    }

    /** The value given to an option, by any of its names, or {@code absent}. */
    public String option(String name, String absent) {
        return options.getOrDefault(declaredOption(name), absent);
    }

    private String declared(String param) {
        if (command.params().stream().noneMatch(p -> p.name().equals(param))) {
            throw new IllegalArgumentException(command + " declares no parameter " + param);
        }
        return param;
    }

    private Option declaredOption(String name) {
        Option o = command.option(name);
        if (o == null) throw new IllegalArgumentException(command + " declares no option " + name);
        return o;
    }
}
