package dev.utrace.shell.internal;

import dev.utrace.shell.command.Command;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.gogo.runtime.CommandProxy;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;

/**
 * The commands a Gogo session knows, by name: which one a bare name runs, which are utrace
 * commands (and their help), which known names are near a misspelt one.
 */
final class CommandNames {
    /** Gogo's session variable holding every {@code scope:name}. */
    static final String COMMANDS = ".commands";
    /** The class of every utrace command: each bundle embeds its own copy, so the name is what they share. */
    private static final String OURS = Command.class.getName();

    private CommandNames() {
    }

    /** Every {@code scope:name} the session knows, sorted. */
    @SuppressWarnings("unchecked")
    static Set<String> all(CommandSession session) {
        Object v = session.get(COMMANDS);
        return v instanceof Set<?> s ? new TreeSet<>((Set<String>) s) : new TreeSet<>();
    }

    /**
     * The {@code scope:name} a bare {@code name} runs, as Gogo resolves it: the first scope of the
     * session's {@code SCOPE} path that has it, {@code *} meaning any; null if none has it.
     */
    @SuppressWarnings("unchecked")
    static String executed(CommandSession session, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        Object commands = session.get(COMMANDS);
        if (!(commands instanceof Set<?>)) return null;
        Object path = session.get("SCOPE");
        for (String scope : (path == null ? "*" : path.toString()).split(":")) {
            for (String c : (Set<String>) commands) { // Gogo's own order, for "*"
                if (scope.equals("*") ? c.endsWith(":" + n) : c.equals(scope + ":" + n)) return c;
            }
        }
        return null;
    }

    /** The help text of a utrace command ({@code --help}), or null for another bundle's command. */
    static String help(CommandSession session, String scoped) throws Exception {
        if (!(session.get(scoped) instanceof Function f) || !ours(f)) return null;
        return String.valueOf(f.execute(session, new ArrayList<>(List.of("--help"))));
    }

    /** Whether Gogo's function for a name is a utrace {@link Command} (of this bundle or an engine's). */
    static boolean ours(Function f) {
        if (f instanceof CommandProxy proxy) {
            Object target = proxy.getTarget();
            try {
                return target != null && target.getClass().getName().equals(OURS);
            } finally {
                proxy.ungetTarget();
            }
        }
        return f.getClass().getName().equals(OURS);
    }

    /**
     * Known names near a misspelt one, compared and shown without their scopes (typing the bare
     * name runs one of them): a letter or two off, one for short names; closest first, at most three.
     */
    static List<String> near(CommandSession session, String typed) {
        String t = typed.toLowerCase(Locale.ROOT);
        String typedBare = t.substring(t.indexOf(':') + 1);
        Set<String> out = new TreeSet<>(Comparator.comparingInt((String s) -> distance(typedBare, s)).thenComparing(s -> s));
        for (String c : all(session)) {
            String bare = c.substring(c.indexOf(':') + 1);
            if (distance(typedBare, bare) <= (typedBare.length() <= 3 ? 1 : 2)) out.add(bare);
        }
        return out.stream().limit(3).toList();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
