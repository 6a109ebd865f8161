/**
 * How every utrace shell command reads what was typed: one mechanism for all scopes, so that any
 * words a person can type get an answer that says what was wrong, shows the usage and changes
 * nothing, and no Java exception text reaches the shell.
 *
 * <p>A {@link dev.utrace.shell.command.Command} declares its name, what it does, its parameters and
 * options, and the code that runs it. It is a Gogo {@code Function}: Gogo hands it the words as
 * typed (no coercion, so {@code null}, lists, maps, huge and Unicode numbers all arrive as they
 * are), {@link dev.utrace.shell.command.Words} sorts them into parameters and options, refusing a
 * missing, extra, empty or non-word argument and an unknown option, and
 * {@link dev.utrace.shell.command.Values} reads numbers (ASCII digits only, in range). Any
 * {@link dev.utrace.shell.command.Refusal} becomes a message plus the usage; anything unexpected
 * is logged and answered with one line. Every command answers {@code --help}; {@code utrace:help}
 * shows that.
 *
 * <p>Why not Gogo's reflection ({@code @Descriptor} methods): it coerces before the command runs,
 * and its coercions are where the raw exceptions came from ({@code Cannot coerce ...} for an extra
 * word, {@code null} into a String, an {@code ArrayStoreException} for a list into a
 * {@code String...}, a 20-digit number turned into {@code 1.0E20}, {@code Object.wait()} run for a
 * bare {@code wait}).
 *
 * <p>Not exported: a bundle with commands embeds a private copy at build time (bnd
 * {@code -conditionalpackage}), so engines keep importing only the utrace API and Gogo.
 */
package dev.utrace.shell.command;
