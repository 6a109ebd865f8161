package dev.utrace.watchpoint.internal.commands;

import org.osgi.annotation.bundle.Header;
import dev.utrace.shell.format.UsageError;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.task.Task;
import dev.utrace.spi.Machine;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.Watchpoints;
import dev.utrace.watchpoint.internal.commands.Views.Hits;
import dev.utrace.watchpoint.internal.commands.Views.Resumed;
import dev.utrace.watchpoint.internal.commands.Views.Slots;
import dev.utrace.watchpoint.internal.commands.Views.Watches;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code watch:} shell commands over the {@link Watchpoints} service. Each returns a value
 * from {@link Views} that {@link WatchConverter} formats. A bad argument throws a
 * {@link UsageError} saying what was wrong and how to call the command; every argument is
 * checked before the service is asked, and the service's own refusals (which change nothing)
 * are shown the same way, with the machine's errno.
 */
@Header(name = "Utrace-Completion", value = "watch-completion.gosh") // utrace:completions loads it into each shell session
@Component(service = WatchCommands.class, property = {
        "osgi.command.scope=watch",
        "osgi.command.function=add", "osgi.command.function=rm", "osgi.command.function=list",
        "osgi.command.function=hits", "osgi.command.function=resume", "osgi.command.function=slots"})
public final class WatchCommands {
    static final String ADD = "add <pid> <address> <length> [w|rw] [--all-threads] [--stop]"
            + "  (address: 0x-hex or decimal, aligned to length; length: 1, 2, 4 or 8; w = writes (default), rw = reads and writes)";
    static final String RM = "rm <id>  (watch:list shows the ids)";
    static final String HITS = "hits [-n <count>] [id]  (default 20 hits; every watch when no id)";
    static final String RESUME = "resume <pid>  (a thread a --stop watch holds stopped on a hit)";
    static final String SLOTS = "slots <pid>  (the thread's " + DebugSlots.SLOTS + " debug slots, every owner's)";

    private final Watchpoints watchpoints;
    private final DebugSlots slots;
    private final Machine machine;

    @Activate
    public WatchCommands(@Reference Watchpoints watchpoints, @Reference DebugSlots slots, @Reference Machine machine) {
        this.watchpoints = watchpoints;
        this.slots = slots;
        this.machine = machine;
    }

    @Descriptor("watch a range of a thread's (or process's) memory with a hardware watchpoint; its hits are recorded"
            + " and the program does not see the traps")
    public Watches add(
            @Descriptor("watch every thread of the process, also those it starts later (default: this thread only)")
            @Parameter(names = "--all-threads", absentValue = "", presentValue = "true") String allThreads,
            @Descriptor("hold the thread that hits it stopped, for a debugger to examine; watch:resume lets it go")
            @Parameter(names = "--stop", absentValue = "", presentValue = "true") String stop,
            @Descriptor("<pid> <address> <length> [w|rw]: the thread id as utrace:ps shows it; the first byte"
                    + " (0x-hex or decimal); 1, 2, 4 or 8 bytes, the address aligned to it; w for writes (default),"
                    + " rw for reads and writes") String... args) {
        if (args.length < 3 || args.length > 4) {
            throw bad(args.length < 3 ? "add needs a pid, an address and a length" : "add takes at most four"
                    + " arguments; flags go as --all-threads and --stop", ADD);
        }
        int pid = pid(args[0], ADD);
        long address = address(args[1]);
        int length = length(args[2]);
        Access access = args.length == 4 ? access(args[3]) : Access.WRITE;
        Scope scope = allThreads.isEmpty() ? Scope.THREAD : Scope.PROCESS;
        boolean stops = !stop.isEmpty();
        return new Watches(List.of(service(ADD, () -> watchpoints.add(pid, address, length, access, scope, stops))));
    }

    @Descriptor("remove a watch (missing: its id)")
    public Watches rm() {
        throw bad("rm needs the id of a watch; watch:list shows them", RM);
    }

    @Descriptor("remove a watch from every thread it is on; a thread it held stopped runs on; its hits stay visible")
    public Watches rm(@Descriptor("the watch's id, as watch:list shows it") String id) {
        int n = id(id, RM);
        return new Watches(List.of(service(RM, () -> watchpoints.remove(n))));
    }

    @Descriptor("list the live watches, then the recently ended ones")
    public Watches list() {
        return new Watches(watchpoints.list());
    }

    @Descriptor("show the last hits of every watch, oldest first")
    public Hits hits(@Descriptor("how many hits (default 20)") @Parameter(names = "-n", absentValue = "20") String n) {
        int count = count(n);
        return new Hits(0, watchpoints.hits(count));
    }

    @Descriptor("show the last hits of one watch (live or recently ended), oldest first")
    public Hits hits(
            @Descriptor("how many hits (default 20)") @Parameter(names = "-n", absentValue = "20") String n,
            @Descriptor("the watch's id, as watch:list shows it") String id) {
        int count = count(n);
        int w = id(id, HITS);
        return new Hits(w, service(HITS, () -> watchpoints.hits(w, count)));
    }

    @Descriptor("let a thread stopped on a hit run on (missing: the pid)")
    public Resumed resume() {
        throw bad("resume needs the pid of a thread stopped on a hit; watch:list shows them", RESUME);
    }

    @Descriptor("let a thread that a --stop watch holds stopped on a hit run on")
    public Resumed resume(@Descriptor("the thread id, as watch:list shows it under stopped") String pid) {
        int p = pid(pid, RESUME);
        service(RESUME, () -> {
            watchpoints.resume(p);
            return null;
        });
        return new Resumed(p);
    }

    @Descriptor("show a thread's debug slots (missing: the pid)")
    public Slots slots() {
        throw bad("slots needs the pid of a thread; utrace:ps lists them", SLOTS);
    }

    @Descriptor("show a thread's debug slots as the machine has them: range, access, armed, and every owner's claims")
    public Slots slots(@Descriptor("the thread id, as utrace:ps shows it") String pid) {
        int p = pid(pid, SLOTS);
        Task t = machine.findTask(p);
        if (t == null) throw bad("no task with pid " + p + "; utrace:ps lists them", SLOTS);
        return new Slots(p, slots.slots(t));
    }

    private static int pid(String text, String usage) {
        int p = positive(text);
        if (p <= 0) throw bad("'" + text + "' is not a pid; a pid is a positive number, as utrace:ps shows it", usage);
        return p;
    }

    private static int id(String text, String usage) {
        int n = positive(text);
        if (n <= 0) throw bad("'" + text + "' is not a watch id; watch:list shows the ids", usage);
        return n;
    }

    private static int positive(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long address(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not an address; give 0x-hex (0x10000008) or decimal", ADD);
        }
    }

    private static int length(String text) {
        int n = positive(text);
        if (n != 1 && n != 2 && n != 4 && n != 8) {
            throw bad("'" + text + "' is not a length that can be watched; give 1, 2, 4 or 8 (bytes)", ADD);
        }
        return n;
    }

    private static Access access(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "w" -> Access.WRITE;
            case "rw" -> Access.READ_WRITE;
            default -> throw bad("'" + text + "' is not an access; give w (writes) or rw (reads and writes)", ADD);
        };
    }

    private static int count(String text) {
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw bad("'" + text + "' is not a number; -n takes how many hits to show", HITS);
        }
        if (n < 0) throw bad("-n " + n + " is negative; -n takes how many hits to show, 0 or more", HITS);
        return n;
    }

    /** Asks the service; its refusal (which changed nothing) becomes the shell's message. */
    private static <T> T service(String usage, Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException | IllegalStateException | dev.utrace.api.hw.WatchpointException e) {
            throw bad(e.getMessage(), usage);
        }
    }

    static UsageError bad(String what, String usage) {
        return new UsageError(what + "\nusage: watch:" + usage);
    }
}
