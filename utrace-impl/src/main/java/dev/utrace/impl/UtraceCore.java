package dev.utrace.impl;

import dev.utrace.spi.Machine;
import dev.utrace.spi.TraceHooks;
import java.util.function.Supplier;

/**
 * The utrace core, assembled: its hook side (the {@link TraceHooks} a machine calls) and its
 * controller side (what engines call, through one {@link UtraceFacade} per owner), joined by the
 * per-task records they share. Under OSGi {@link CoreComponent} builds one and registers only
 * the two API interfaces; without OSGi (tests, benchmarks, embedding) build one here:
 * {@code machine.setHooks(core.hooks())}, then {@code core.facade("owner")}.
 */
public final class UtraceCore {
    private final Controller controller;
    private final Hooks hooks = new Hooks();

    /** A core bound to {@code machine}. */
    public UtraceCore(Machine machine) {
        this(() -> machine);
    }

    /** A core that asks {@code machine} for the machine each time (null: none at the moment). */
    UtraceCore(Supplier<Machine> machine) {
        this.controller = new Controller(machine);
    }

    /** The hook points for the machine to call. */
    public TraceHooks hooks() {
        return hooks;
    }

    /** A {@code Utrace} facade whose engines belong to an owner of this name; {@link UtraceFacade#revoke()} revokes them. */
    public UtraceFacade facade(String ownerName) {
        return new UtraceFacade(controller, new Owner(ownerName));
    }

    @Override
    public String toString() {
        return "utrace core";
    }
}
