/**
 * Text formatting shared by the shell command bundles: aligned tables and usage errors. Not
 * exported: a bundle with commands embeds a private copy at build time (bnd
 * {@code -conditionalpackage}), so engines keep importing only the utrace API.
 */
package dev.utrace.shell.format;
