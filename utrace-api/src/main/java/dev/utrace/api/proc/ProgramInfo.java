package dev.utrace.api.proc;

/**
 * A program the machine offers by name (the simulated machine's library and programs folder;
 * a machine that runs any file on its PATH lists none).
 *
 * @param name        the name to pass to {@link Processes#spawn} or to {@code exec}
 * @param description the first comment line of the program's source
 * @param origin      {@code "library"} for the programs shipped with the machine, else the
 *                    file the program was read from
 */
public record ProgramInfo(String name, String description, String origin) {
}
