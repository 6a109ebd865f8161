package dev.utrace.watchpoint.internal.commands;

import dev.utrace.shell.format.Table;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.watchpoint.Hit;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.WatchInfo;
import dev.utrace.watchpoint.internal.commands.Views.Hits;
import dev.utrace.watchpoint.internal.commands.Views.Resumed;
import dev.utrace.watchpoint.internal.commands.Views.Slots;
import dev.utrace.watchpoint.internal.commands.Views.Watches;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Formats the values the {@code watch:} commands return: {@link Converter#INSPECT} as aligned
 * tables, {@link Converter#PART} as a count or an id, other levels as one line. Other values
 * are left to Gogo.
 */
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = Converter.class)
public final class WatchConverter implements Converter {

    @Override
    public Object convert(Class<?> desiredType, Object in) {
        return null; // formats only; converts nothing
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (!(target instanceof Record) || target.getClass().getEnclosingClass() != Views.class) return null;
        return switch (level) {
            case INSPECT -> inspect(target);
            case PART -> part(target);
            default -> target.toString();
        };
    }

    static String inspect(Object target) {
        return switch (target) {
            case Watches w -> watches(w);
            case Hits h -> hits(h);
            case Resumed r -> new Table(">TID", "STATE").row(r.tid(), "running").toString();
            case Slots s -> slots(s);
            default -> target.toString();
        };
    }

    private static String part(Object target) {
        return switch (target) {
            case Watches w -> w.watches().size() == 1 ? Integer.toString(w.watches().getFirst().id())
                    : Integer.toString(w.watches().size());
            case Hits h -> Integer.toString(h.hits().size());
            case Resumed r -> Integer.toString(r.tid());
            case Slots s -> Integer.toString(s.slots().size());
            default -> target.toString();
        };
    }

    static String watches(Watches w) {
        Table t = new Table(">ID", ">PID", "SCOPE", "ADDRESS", ">LEN", "ACCESS", "STOP", ">THREADS", ">HITS", "STATE");
        for (WatchInfo i : w.watches()) {
            t.row(i.id(), i.pid(), i.scope() == Scope.THREAD ? "thread" : "process", hex(i.address()), i.length(),
                    access(i.access()), i.stopOnHit() ? "yes" : "no", i.threads(), i.hits(), state(i));
        }
        return t.toString();
    }

    private static String state(WatchInfo i) {
        if (i.stopped().isEmpty()) return i.state();
        StringJoiner tids = new StringJoiner(",");
        for (int tid : i.stopped()) tids.add(Integer.toString(tid));
        return i.state() + ", stopped: " + tids + " (watch:resume <pid>)";
    }

    static String hits(Hits h) {
        if (h.hits().isEmpty()) return h.watch() == 0 ? "no hits recorded" : "no hits recorded for watch " + h.watch();
        Table t = new Table(">WATCH", ">TID", "ACCESS", "ADDRESS", ">LEN", "OLD", "NEW", "IP", "STOPPED");
        for (Hit x : h.hits()) {
            t.row(x.watch(), x.tid(), x.write() ? "write" : "read", hex(x.address()), x.length(), hex(x.oldValue()),
                    hex(x.newValue()), hex(x.ip()), x.stopped() ? "yes" : "");
        }
        return t.toString();
    }

    static String slots(Slots s) {
        if (s.slots().isEmpty()) return "no debug slot in use on thread " + s.tid();
        Table t = new Table(">SLOT", "ADDRESS", ">LEN", "ACCESS", "ARMED", ">CLAIMS", "OWNERS");
        for (SlotInfo i : s.slots()) {
            Set<String> owners = new LinkedHashSet<>();
            for (Watchpoint w : i.claims()) owners.add(String.valueOf(w.owner()));
            t.row(i.slot(), hex(i.address()), i.length(), access(i.access()), i.armed() ? "yes" : "no (stale)",
                    i.claims().size(), String.join(", ", owners));
        }
        return t.toString();
    }

    static String access(Access a) {
        return a == Access.WRITE ? "w" : "rw";
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
