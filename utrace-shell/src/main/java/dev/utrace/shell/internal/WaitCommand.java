package dev.utrace.shell.internal;

import dev.utrace.shell.internal.Results.Waited;

/**
 * The {@code wait} command, declared in an interface so that Gogo picks it over
 * {@code Object.wait(long)} and {@code Object.wait(long, int)}, which it also finds under that
 * name: Gogo looks at a target's interfaces before its superclasses and keeps the first of
 * equally good matches, and {@code Object} parameters take Gogo's words at no cost, as
 * {@code long} and {@code int} do.
 */
public interface WaitCommand {
    /** {@code wait <pid>}: up to the default timeout. */
    Waited wait(Object pid) throws InterruptedException;

    /** {@code wait <pid> <timeout-ms>}. */
    Waited wait(Object pid, Object timeoutMillis) throws InterruptedException;
}
