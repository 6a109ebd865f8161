package dev.utrace.shell.internal;

import dev.utrace.shell.format.Table;

import dev.utrace.api.Event;
import dev.utrace.api.EngineInfo;
import dev.utrace.shell.internal.Results.CompletionScript;
import dev.utrace.shell.internal.Results.Completions;
import dev.utrace.shell.internal.Results.ConsoleText;
import dev.utrace.shell.internal.Results.EngineRow;
import dev.utrace.shell.internal.Results.Engines;
import dev.utrace.shell.internal.Results.Programs;
import dev.utrace.shell.internal.Results.Signalled;
import dev.utrace.shell.internal.Results.Spawned;
import dev.utrace.shell.internal.Results.TaskDetail;
import dev.utrace.shell.internal.Results.Tasks;
import dev.utrace.shell.internal.Results.Waited;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.TaskInfo;
import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;

/**
 * Formats the values the {@code utrace:} commands return (SCR's {@code ComponentCommands}
 * style): {@link Converter#INSPECT} as an aligned table, {@link Converter#LINE} as one line,
 * {@link Converter#PART} as the key (a pid or a count). Other values are left to Gogo.
 */
@Component(service = Converter.class)
public final class TableConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null; // formats only; converts nothing
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof Record) || target.getClass().getEnclosingClass() != Results.class) return null;
        return switch (level) {
            case INSPECT -> inspect(target);
            case PART -> part(target);
            default -> target instanceof ConsoleText c ? firstLine(c.text()) : target.toString();
        };
    }

    static String inspect(Object target) {
        return switch (target) {
            case Tasks t -> tasks(t);
            case Spawned s -> new Table(">PID", "PROGRAM", "ARGS")
                    .row(s.pid(), s.program(), s.args().isEmpty() ? "-" : String.join(" ", s.args())).toString();
            case Signalled s -> new Table(">PID", "SIGNAL").row(s.pid(), Signals.name(s.signal())).toString();
            case TaskDetail d -> detail(d);
            case ConsoleText c -> c.text().endsWith("\n") ? c.text().substring(0, c.text().length() - 1) : c.text();
            case Programs p -> programs(p);
            case Engines e -> engines(e);
            case Waited w -> new Table(">PID", "STATUS")
                    .row(w.pid(), w.ended() ? w.status() : "still running after " + w.timeoutMillis() + " ms").toString();
            case Completions c -> completions(c);
            default -> target.toString();
        };
    }

    private static String completions(Completions c) {
        Table table = new Table("BUNDLE", "SCRIPT", "STATE");
        for (CompletionScript s : c.scripts()) table.row(s.bundle(), s.script(), s.state());
        return table.toString();
    }

    private static String part(Object target) {
        return switch (target) {
            case Tasks t -> Integer.toString(t.tasks().size());
            case Spawned s -> Integer.toString(s.pid());
            case Signalled s -> Integer.toString(s.pid());
            case TaskDetail d -> Integer.toString(d.task().tid());
            case ConsoleText c -> Integer.toString(c.pid());
            case Programs p -> Integer.toString(p.programs().size());
            case Engines e -> Integer.toString(e.engines().size());
            case Waited w -> Integer.toString(w.pid());
            case Completions c -> Integer.toString(c.scripts().size());
            case CompletionScript s -> s.bundle();
            default -> target.toString();
        };
    }

    private static String tasks(Tasks t) {
        Table table = new Table(">PID", ">TGID", ">PPID", "STATE", ">THREADS", "COMMAND");
        for (TaskInfo i : t.tasks()) table.row(i.tid(), i.tgid(), i.ppid(), i.state(), i.threads(), i.comm());
        return table.toString();
    }

    private static String detail(TaskDetail d) {
        TaskInfo i = d.task();
        Table table = new Table("FIELD", "VALUE");
        table.row("pid", i.tid()).row("tgid", i.tgid()).row("ppid", i.ppid()).row("command", i.comm())
                .row("state", i.state()).row("threads", i.threads()).row("engines", d.engines());
        return table.toString();
    }

    private static String programs(Programs p) {
        Table table = new Table("NAME", "ORIGIN", "DESCRIPTION");
        for (ProgramInfo i : p.programs()) table.row(i.name(), i.origin(), i.description());
        return table.toString();
    }

    private static String engines(Engines e) {
        Table table = new Table(">PID", "OWNER", "STATE", ">REFS", "STOP", "EVENTS", "SYSCALLS", "STOPS", "OPS");
        for (EngineRow r : e.engines()) {
            EngineInfo i = r.engine();
            table.row(r.pid(), i.owner(), i.state(), i.refCount(), i.holdsStop() ? "yes" : "no",
                    Event.format(i.events()), r.syscalls(), r.stops(), i.opsType());
        }
        return table.toString();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
