package dev.utrace.shell.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.impl.LineReaderImpl;

/**
 * Makes a bare command name complete as the command it runs. gogo.jline looks up the completion
 * of {@code kill 2<Tab>} under the name its {@code Shell.resolve} gives, which takes the last
 * scope of {@code SCOPE} with that name, so with {@code utrace:*} any other scope's {@code kill}
 * (ptrace's), while the shell runs the first, {@code utrace:kill}: {@code info}, {@code kill} and
 * {@code wait} completed nothing. This hands the console's completer the line with its first word
 * replaced by the {@code scope:name} Gogo runs ({@link CommandNames#executed}).
 *
 * <p>Only loaded when the session has a jline reader (the console); jline is an optional import.
 */
final class BareNameCompleter implements Completer {
    /** gogo.jline's session variable holding the console's reader. */
    static final String READER = ".reader";

    private final Completer delegate;
    private final CommandSession session;

    private BareNameCompleter(Completer delegate, CommandSession session) {
        this.delegate = delegate;
        this.session = session;
    }

    /** Wraps the console reader's completer once; nothing without a jline console. */
    static void install(CommandSession session) {
        if (session.get(READER) instanceof LineReaderImpl reader && !(reader.getCompleter() instanceof BareNameCompleter)
                && reader.getCompleter() != null) {
            reader.setCompleter(new BareNameCompleter(reader.getCompleter(), session));
        }
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        ParsedLine l = line;
        if (line.wordIndex() > 0 && !line.words().isEmpty() && !line.words().get(0).contains(":")) {
            String scoped = CommandNames.executed(session, line.words().get(0));
            if (scoped != null) l = new Renamed(line, scoped);
        }
        delegate.complete(reader, l, candidates);
    }

    /** The line with its first word replaced. */
    private record Renamed(ParsedLine original, String first) implements ParsedLine {
        @Override
        public String word() {
            return original.word();
        }

        @Override
        public int wordCursor() {
            return original.wordCursor();
        }

        @Override
        public int wordIndex() {
            return original.wordIndex();
        }

        @Override
        public List<String> words() {
            List<String> words = new ArrayList<>(original.words());
            words.set(0, first);
            return words;
        }

        @Override
        public String line() {
            return original.line();
        }

        @Override
        public int cursor() {
            return original.cursor();
        }
    }
}
