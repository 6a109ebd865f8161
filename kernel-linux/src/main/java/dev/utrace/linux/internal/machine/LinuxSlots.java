package dev.utrace.linux.internal.machine;

import dev.utrace.api.hw.Access;
import dev.utrace.api.hw.DebugSlots;
import dev.utrace.api.hw.SlotInfo;
import dev.utrace.api.hw.WatchHit;
import dev.utrace.api.hw.Watchpoint;
import dev.utrace.api.hw.WatchpointException;
import dev.utrace.api.task.Task;
import dev.utrace.api.task.TaskState;
import dev.utrace.linux.internal.sys.DebugRegs;
import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.trace.Tracee;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The debug-slot allocator for real threads: claims shared by owners on each thread's
 * {@link DebugState}, as the simulated machine's allocator has them, and the hardware behind
 * them: DR0-DR3 and DR7 written with PTRACE_POKEUSER by the tracer thread while the thread is in
 * a ptrace stop (a running thread is interrupted for it, a new one is armed at its first stop),
 * DR6 read at each SIGTRAP.
 *
 * <p>An install returns once the hardware has it (or, for a thread that has not run yet, once
 * its first stop will). A remove does not wait: a hit is recorded only for an installed claim,
 * and a trap of a slot nobody claims any more is withheld from the program.
 *
 * <p>What x86 reports is which slot fired, not the access: a hit's address and length are the
 * watched range's, its new value is read at the trap, its old value is the one seen at the
 * previous hit (or at the install), and a read-write slot's access counts as a write when the
 * value changed.
 */
final class LinuxSlots implements DebugSlots {
    private static final long APPLY_WAIT_SECONDS = 20;
    private final LinuxMachine machine;

    LinuxSlots(LinuxMachine machine) {
        this.machine = machine;
    }

    @Override
    public Watchpoint install(Task task, Object owner, long address, int length, Access access) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(access, "access (WRITE or READ_WRITE)");
        LinuxTask t = machine.own(task);
        DebugSlots.checkRange(address, length);
        long value = machine.peekValue(t, address, length);
        DebugState d = t.debug;
        Claim c;
        CompletableFuture<Void> applied;
        synchronized (d) {
            TaskState s = t.rawState();
            if (d.gone || s == TaskState.EXITING || s.hasExited()) {
                throw new WatchpointException("ESRCH", "thread " + t.tid() + " has begun to exit (" + s
                        + "); a watchpoint can no longer be installed on it");
            }
            DebugState.Slot slot = d.shareable(address, length, access);
            if (slot == null) {
                int free = d.free();
                if (free < 0) throw noSpace(t, address, length, access);
                slot = new DebugState.Slot(free, address, length, access);
                slot.lastValue = value;
                d.slots[free] = slot;
            }
            c = new Claim(t, owner, slot);
            slot.claims.add(c);
            applied = slot.claims.size() == 1 ? d.changed() : null;
        }
        if (applied != null) awaitHardware(t, c, applied);
        return c;
    }

    /** Waits until the tracer has written the slots; a refusal of the kernel undoes the claim. */
    private void awaitHardware(LinuxTask t, Claim c, CompletableFuture<Void> applied) {
        if (machine.onTracerThread()) {
            // In a callback (hooks run on the tracer thread): the slots are written before the thread runs
            // again (it is stopped, or interrupted to be), and the tracer cannot wait for itself.
            machine.applyDebugRegistersNow(t);
            if (applied.isCompletedExceptionally()) {
                remove(c);
                throw new WatchpointException("EINVAL", "the kernel refused " + c + ": " + applied.exceptionNow().getMessage());
            }
            return;
        }
        machine.applyDebugRegisters(t);
        try {
            applied.get(APPLY_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            remove(c);
            String why = e.getCause() instanceof LinuxException le ? le.getMessage() : String.valueOf(e.getCause());
            throw new WatchpointException("EINVAL", "the kernel refused " + c + ": " + why);
        } catch (TimeoutException e) {
            remove(c);
            throw new WatchpointException("ESRCH", "thread " + t.tid() + " did not stop to take the watchpoint within "
                    + APPLY_WAIT_SECONDS + " s; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            remove(c);
            throw new WatchpointException("ESRCH", "interrupted while thread " + t.tid() + " took the watchpoint");
        }
    }

    private static WatchpointException noSpace(LinuxTask t, long address, int length, Access access) {
        StringBuilder used = new StringBuilder();
        for (DebugState.Slot s : t.debug.slots) {
            used.append(used.isEmpty() ? "" : "; ").append(s.index).append(": ").append(range(s.address, s.length, s.access))
                    .append(s.armed ? "" : " (stale since exec, waiting for its owner)").append(" by ").append(owners(s));
        }
        return new WatchpointException("ENOSPC", "all " + SLOTS + " debug slots of thread " + t.tid() + " are in use ("
                + used + "), so " + range(address, length, access) + " cannot be watched; remove a watchpoint on that"
                + " thread first, or watch one of those ranges with the same access, which shares its slot");
    }

    private static String owners(DebugState.Slot s) {
        StringBuilder sb = new StringBuilder();
        for (Claim c : s.claims) {
            String o = String.valueOf(c.owner);
            if (sb.indexOf(o) < 0) sb.append(sb.isEmpty() ? "" : ", ").append(o);
        }
        return sb.toString();
    }

    static String range(long address, int length, Access access) {
        return "0x" + Long.toHexString(address) + "/" + length + " " + (access == Access.WRITE ? "w" : "rw");
    }

    @Override
    public boolean remove(Watchpoint watchpoint) {
        if (!(watchpoint instanceof Claim c) || c.task.machine != machine) {
            throw new IllegalArgumentException(watchpoint + " was not installed by this machine's DebugSlots");
        }
        DebugState d = c.task.debug;
        boolean rearm;
        synchronized (d) {
            if (!c.installed) return false;
            c.installed = false;
            DebugState.Slot s = c.slot;
            s.claims.remove(c);
            rearm = s.claims.isEmpty() && d.slots[s.index] == s;
            if (rearm) {
                d.slots[s.index] = null;
                if (s.armed) d.changed();
                else rearm = false;
            }
        }
        if (rearm) machine.applyDebugRegistersLater(c.task);
        return true;
    }

    @Override
    public List<Watchpoint> claims(Task task, Object owner) {
        LinuxTask t = machine.own(task);
        List<Watchpoint> out = new ArrayList<>();
        synchronized (t.debug) {
            for (DebugState.Slot s : t.debug.slots) {
                if (s == null) continue;
                for (Claim c : s.claims) if (c.owner == owner) out.add(c);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<SlotInfo> slots(Task task) {
        LinuxTask t = machine.own(task);
        List<SlotInfo> out = new ArrayList<>();
        synchronized (t.debug) {
            for (DebugState.Slot s : t.debug.slots) {
                if (s != null) out.add(new SlotInfo(s.index, s.address, s.length, s.access, s.armed, List.copyOf(s.claims)));
            }
        }
        return List.copyOf(out);
    }

    @Override
    public List<WatchHit> takeHits(Task task, Object owner) {
        LinuxTask t = machine.own(task);
        synchronized (t.debug) {
            return List.copyOf(t.debug.take(owner));
        }
    }

    @Override
    public boolean discardHits(Task task, Object owner) {
        LinuxTask t = machine.own(task);
        DebugState d = t.debug;
        synchronized (d) {
            if (!d.hasHits(owner)) return true;
            // The trap is being reported now: the owner's signal callback is about to take these.
            if (d.trapOutstanding) return false;
            d.take(owner);
            return true;
        }
    }

    @Override
    public List<Task> threads(Task task) {
        LinuxTask t = machine.own(task);
        List<LinuxTask> out = new ArrayList<>();
        for (LinuxTask q : t.process.threads()) {
            TaskState s = q.rawState();
            if (s != TaskState.EXITING && !s.hasExited()) out.add(q);
        }
        out.sort(Comparator.comparingInt(LinuxTask::tid));
        return List.copyOf(out);
    }

    // ---- the tracer thread ----

    /**
     * Writes the slots of {@code t} into its hardware if they changed (tracer thread, the tracee
     * in a ptrace stop): DR7 off, the armed addresses, then DR7, as the kernel checks addresses
     * when DR7 enables them.
     */
    static void apply(LinuxTask t, Tracee tracee) {
        DebugState d = t.debug;
        if (!d.dirty) return; // the common case, at every stop: nothing to write, nothing allocated (dirty is volatile)
        long[] addresses = new long[SLOTS];
        long dr7;
        CompletableFuture<Void> done;
        synchronized (d) {
            if (!d.dirty) return;
            d.dirty = false;
            dr7 = d.dr7();
            for (DebugState.Slot s : d.slots) if (s != null && s.armed) addresses[s.index] = s.address;
            done = d.applied;
        }
        try {
            if (d.hardwareDr7 != 0) tracee.pokeUser(DebugRegs.DR7, 0);
            for (int i = 0; i < SLOTS; i++) if ((dr7 & (3L << (2 * i))) != 0) tracee.pokeUser(DebugRegs.address(i), addresses[i]);
            if (dr7 != 0) tracee.pokeUser(DebugRegs.DR7, dr7);
            synchronized (d) {
                d.hardwareDr7 = dr7;
            }
            if (done != null) done.complete(null);
        } catch (LinuxException e) {
            if (done != null) done.completeExceptionally(e);
            else throw e;
        }
    }

    /** The thread is gone or let go: whoever waits for its hardware stops waiting. */
    static void abandon(LinuxTask t) {
        synchronized (t.debug) {
            t.debug.gone = true;
            if (t.debug.applied != null) t.debug.applied.complete(null);
        }
    }

    /**
     * A SIGTRAP with si_code TRAP_HWBKPT (tracer thread): records a hit for every claim of each
     * slot DR6 says fired, with the range's value now. Returns whether any claim got one: a trap
     * of slots nobody claims is not the program's business.
     */
    static boolean trap(LinuxTask t, long dr6, long ip, java.util.function.LongBinaryOperator reader) {
        DebugState d = t.debug;
        boolean any = false;
        synchronized (d) {
            for (int i = 0; i < SLOTS; i++) {
                DebugState.Slot s = d.slots[i];
                if ((dr6 & (1L << i)) == 0 || s == null || !s.armed || s.claims.isEmpty()) continue;
                long now = reader.applyAsLong(s.address, s.length);
                long old = s.lastValue;
                boolean write = s.access == Access.WRITE || old != now;
                for (Claim c : s.claims) d.addHit(c.owner, new WatchHit(c, s.address, s.length, write, old, now, ip));
                s.lastValue = now;
                any = true;
            }
            d.trapOutstanding = any;
        }
        return any;
    }

    /** One owner's claim on one slot of one thread. */
    static final class Claim implements Watchpoint {
        final LinuxTask task;
        final Object owner;
        final DebugState.Slot slot;
        volatile boolean installed = true;

        Claim(LinuxTask task, Object owner, DebugState.Slot slot) {
            this.task = task;
            this.owner = owner;
            this.slot = slot;
        }

        @Override public Task task() { return task; }
        @Override public Object owner() { return owner; }
        @Override public long address() { return slot.address; }
        @Override public int length() { return slot.length; }
        @Override public Access access() { return slot.access; }
        @Override public int slot() { return slot.index; }
        @Override public boolean installed() { return installed; }
        @Override public boolean armed() { return installed && slot.armed; }

        @Override
        public String toString() {
            return "watchpoint " + range(slot.address, slot.length, slot.access) + " on thread " + task.tid()
                    + " (slot " + slot.index + ", " + owner + (installed ? "" : ", removed") + ")";
        }
    }
}
