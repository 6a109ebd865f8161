package dev.utrace.sim;

/**
 * A program the machine can run.
 *
 * @param name        the name to pass to {@link SimMachine#spawn} or to {@code exec}
 * @param description the first comment line of the program's source
 * @param origin      {@code "library"} for the programs shipped with the machine, else the
 *                    file the program was read from
 */
public record ProgramInfo(String name, String description, String origin) {
}
