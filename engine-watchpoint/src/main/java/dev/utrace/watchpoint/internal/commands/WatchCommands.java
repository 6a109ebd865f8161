package dev.utrace.watchpoint.internal.commands;

import static dev.utrace.shell.command.Command.command;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Task;
import dev.utrace.shell.command.Command;
import dev.utrace.shell.command.Refusal;
import dev.utrace.shell.command.Registrations;
import dev.utrace.shell.command.Values;
import dev.utrace.shell.command.Words;
import dev.utrace.api.Utrace;
import dev.utrace.watchpoint.Scope;
import dev.utrace.watchpoint.Watchpoints;
import dev.utrace.watchpoint.internal.commands.Views.Hits;
import dev.utrace.watchpoint.internal.commands.Views.Resumed;
import dev.utrace.watchpoint.internal.commands.Views.Slots;
import dev.utrace.watchpoint.internal.commands.Views.Watches;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code watch:} shell commands over the {@link Watchpoints} service: add, rm, list, hits,
 * resume, slots. Each returns a value from {@link Views} that {@link WatchConverter} formats.
 * Every word is read before the service is asked anything, and the service's own refusals
 * (which change nothing) are shown the same way, with the machine's errno.
 */
@Header(name = "Utrace-Completion", value = "watch-completion.gosh") // utrace:completions loads it into each shell session
@Component(reference = @Reference(name = "gogo", service = CommandProcessor.class), // only with a shell: see package-info
        service = {}, property = "service.description=The watch: shell commands")
public final class WatchCommands {
    static final String SCOPE = "watch";
    static final String PS_LISTS = "as utrace:ps shows it";
    static final int DEFAULT_COUNT = 20;

    private final Watchpoints watchpoints;
    private final DebugSlots slots;
    private final Utrace utrace;
    private final List<Command> commands;
    private Registrations registrations;

    /** The commands, not registered anywhere (tests hand them to a Gogo runtime themselves). */
    public WatchCommands(Watchpoints watchpoints, DebugSlots slots, Utrace utrace) {
        this.watchpoints = watchpoints;
        this.slots = slots;
        this.utrace = utrace;
        this.commands = List.of(add(), rm(), list(), hits(), resume(), slotsCommand());
    }

    @Activate
    public WatchCommands(@Reference Watchpoints watchpoints, @Reference DebugSlots slots, @Reference Utrace utrace,
            BundleContext context) {
        this(watchpoints, slots, utrace);
        registrations = Registrations.register(context, commands);
    }

    @Deactivate
    void deactivate() {
        registrations.close();
    }

    public List<Command> commands() {
        return commands;
    }

    private Command add() {
        return command(SCOPE, "add").does("watch a range of a thread's (or process's) memory with a hardware watchpoint; its"
                        + " hits are recorded and the program does not see the traps")
                .param("pid", "the thread id, " + PS_LISTS)
                .param("address", "the first byte: 0x and hex digits, or decimal; aligned to the length")
                .param("length", "how many bytes: 1, 2, 4 or 8")
                .optional("w|rw", "w to watch writes (default), rw reads and writes")
                .flag("--all-threads", "watch every thread of the process, also those it starts later (default: this thread only)")
                .flag("--stop", "hold the thread that hits it stopped, for a debugger to examine; watch:resume lets it go")
                .note("address: 0x-hex or decimal, aligned to length; length: 1, 2, 4 or 8; w = writes (default),"
                        + " rw = reads and writes")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    long address = Values.word(w.get("address"), false, "an address", "give 0x-hex (0x10000008) or decimal");
                    int length = length(w.get("length"));
                    Access access = access(w.get("w|rw", "w"));
                    Scope scope = w.flag("--all-threads") ? Scope.PROCESS : Scope.THREAD;
                    boolean stops = w.flag("--stop");
                    return new Watches(List.of(service(() -> watchpoints.add(pid, address, length, access, scope, stops))));
                });
    }

    private Command rm() {
        return command(SCOPE, "rm")
                .does("remove a watch from every thread it is on; a thread it held stopped runs on; its hits stay visible")
                .param("id", "the watch's id, as watch:list shows it")
                .note("watch:list shows the ids")
                .runs(w -> {
                    int id = id(w.get("id"));
                    return new Watches(List.of(service(() -> watchpoints.remove(id))));
                });
    }

    private Command list() {
        return command(SCOPE, "list").does("list the live watches, then the recently ended ones")
                .runs(w -> new Watches(watchpoints.list()));
    }

    private Command hits() {
        return command(SCOPE, "hits").does("show the last hits of one watch (live or recently ended) or of every watch, oldest first")
                .option("-n", "count", "how many hits (default " + DEFAULT_COUNT + ")")
                .optional("id", "the watch's id, as watch:list shows it (default: every watch)")
                .note("default 20 hits; every watch when no id")
                .runs(w -> {
                    int count = count(w);
                    if (!w.has("id")) return new Hits(0, watchpoints.hits(count));
                    int id = id(w.get("id"));
                    return new Hits(id, service(() -> watchpoints.hits(id, count)));
                });
    }

    private Command resume() {
        return command(SCOPE, "resume").does("let a thread that a --stop watch holds stopped on a hit run on")
                .param("pid", "the thread id, as watch:list shows it under stopped")
                .note("a thread a --stop watch holds stopped on a hit")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), "as watch:list shows it under stopped");
                    service(() -> {
                        watchpoints.resume(pid);
                        return null;
                    });
                    return new Resumed(pid);
                });
    }

    private Command slotsCommand() {
        return command(SCOPE, "slots")
                .does("show a thread's debug slots as the machine has them: range, access, armed, and every owner's claims")
                .param("pid", "the thread id, " + PS_LISTS)
                .note("the thread's " + DebugSlots.SLOTS + " debug slots, every owner's")
                .runs(w -> {
                    int pid = Values.pid(w.get("pid"), PS_LISTS);
                    Task t = utrace.task(pid);
                    if (t == null) throw new Refusal("no task with pid " + pid + "; utrace:ps lists them");
                    return new Slots(pid, slots.slots(t));
                });
    }

    private static int id(String text) {
        return (int) Values.decimal(text, 1, Integer.MAX_VALUE, "a watch id", "watch:list shows the ids");
    }

    private static int length(String text) {
        if (!text.equals("1") && !text.equals("2") && !text.equals("4") && !text.equals("8")) {
            throw new Refusal(Values.quote(text) + " is not a length that can be watched; give 1, 2, 4 or 8 (bytes)");
        }
        return Integer.parseInt(text);
    }

    private static Access access(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "w" -> Access.WRITE;
            case "rw" -> Access.READ_WRITE;
            default -> throw new Refusal(Values.quote(text) + " is not an access; give w (writes) or rw (reads and writes)");
        };
    }

    private static int count(Words w) {
        return (int) Values.decimal(w.option("-n", Integer.toString(DEFAULT_COUNT)), 0, Integer.MAX_VALUE,
                "a count of hits", "-n takes how many hits to show, 0 or more");
    }

    /** Asks the service; its refusal (which changed nothing) becomes a {@link Refusal}. */
    private static <T> T service(Supplier<T> request) {
        try {
            return request.get();
        } catch (IllegalArgumentException | IllegalStateException | WatchpointException e) {
            throw new Refusal(e.getMessage());
        }
    }
}
