package dev.utrace.passive;

import java.nio.file.Path;

/**
 * What an export wrote.
 *
 * @param file    the file, absolute
 * @param format  its format
 * @param traces  how many traces (tasks) it covers
 * @param events  how many recorded events it holds
 * @param dropped events the covered traces had already lost from their rings (full) when the export began;
 *                the file lacks them, {@link PassiveTracer#stats} still counts them
 * @param lost    events that never reached a following export because it fell behind, of any trace (one
 *                queue brings every trace's events); 0 for a one-shot export
 * @param ended   how it ended: {@code written}, {@code the traces ended}, {@code stopped},
 *                {@code the tracer stopped}, or {@code failed: ...} (what went wrong writing the file)
 */
public record ExportResult(Path file, ExportFormat format, int traces, long events, long dropped, long lost, String ended) {
}
