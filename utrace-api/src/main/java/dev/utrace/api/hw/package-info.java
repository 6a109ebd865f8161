/**
 * The machine's hardware debug slots as a shared, owned resource (semantics reference
 * section 13, R-HBP-1..4).
 *
 * <h2>Claims and owners</h2>
 * Every thread has four slots. A client (the watchpoint engine, the ptrace engine's debug
 * registers, ...) {@linkplain dev.utrace.api.hw.DebugSlots#install installs} a
 * {@link dev.utrace.api.hw.Watchpoint} and gets a handle it owns; only the owner removes it.
 * Two claims on the same range and access of a thread share one slot, which is freed when its
 * last claim is removed. {@code remove} answers true exactly once per claim, so an owner whose
 * exec, exit, detach and unload paths race can prove that it removed each claim once.
 *
 * <h2>What the machine does, and what it never does</h2>
 * <ul>
 * <li>It never frees or forgets a claim on its own. At exec and at exit it <em>disarms</em> the
 * thread's slots (the old image is gone; a dying thread runs no more user code), but each claim
 * stays installed and keeps its slot, <em>stale</em>, until its owner removes it: the owner's
 * exec and exit callbacks remove what it installed (R-HBP-1), its detach removes them
 * (R-HBP-2). A stale slot is never shared by a new claim.
 * <li>Nothing is inherited by a new thread; an owner that wants a child watched installs on it
 * in its {@code reportClone}, before the child runs (R-HBP-3).
 * <li>Requests that cannot be met fail when they are made, with the errno Linux gives and
 * nothing changed: EINVAL, ENOSPC, ESRCH for a thread that has begun to exit (R-HBP-4), never
 * later when the task resumes.
 * <li>A direct write of DR0-DR3 or DR7 through {@code Task.setRegister} is refused: it would
 * bypass the owners. Reading them shows the composed hardware value (the armed slots); DR6 is
 * the thread's status register, readable and writable at a safe point.
 * </ul>
 *
 * <h2>Hits and the SIGTRAP</h2>
 * When an access touches an armed slot, the machine records one
 * {@link dev.utrace.api.hw.WatchHit} per claim of that slot (old and new value, ip after the
 * access), sets the slot's bit in DR6, and raises SIGTRAP with si_code TRAP_HWBKPT on the
 * thread, before its next instruction. Each owner, in its signal callback for that SIGTRAP,
 * {@linkplain dev.utrace.api.hw.DebugSlots#takeHits takes} its own hits and consumes the signal
 * when they were its alone; an owner with no hits passes it on. An owner that detaches from a
 * task first removes its claims, then {@linkplain dev.utrace.api.hw.DebugSlots#discardHits
 * discards} its untaken hits, which withdraws a pending SIGTRAP nobody else waits for: a
 * program never dies of a trap whose owner has gone.
 */
@Export
@Version("1.0.0")
package dev.utrace.api.hw;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
