/**
 * The engine's shell commands and their table converter. The Gogo shell is optional for the
 * bundle (its package is imported with {@code resolution:=optional}): every component here
 * references Gogo's {@code CommandProcessor}, so without a shell none is satisfied, no class of
 * this package is loaded, and the engine's service works on its own, as Felix SCR does with its
 * own commands.
 */
package dev.utrace.watchpoint.internal.commands;
