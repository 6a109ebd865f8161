package dev.utrace.shell.internal;

import dev.utrace.api.EngineInfo;
import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.ProgramInfo;
import dev.utrace.api.proc.TaskInfo;
import dev.utrace.api.proc.WaitStatus;
import java.util.List;

/**
 * What the {@code utrace:} commands return: small values that {@link TableConverter} formats
 * for people, and that scripts can take apart (Gogo calls their accessors).
 */
public final class Results {
    private Results() {
    }

    /** {@code ps}: every live task. */
    public record Tasks(List<TaskInfo> tasks) {
        /** The thread ids, as text (for the completion script). */
        public List<String> pids() {
            return tasks.stream().map(t -> Integer.toString(t.tid())).toList();
        }

        @Override
        public String toString() {
            return tasks.size() + (tasks.size() == 1 ? " task" : " tasks");
        }
    }

    /** {@code spawn}: the new process. Its text is the pid, so {@code wait (spawn hello)} works. */
    public record Spawned(int pid, String program, List<String> args) {
        @Override
        public String toString() {
            return Integer.toString(pid);
        }
    }

    /** {@code kill}: the signal sent. */
    public record Signalled(int pid, int signal) {
        @Override
        public String toString() {
            return "sent " + Signals.name(signal) + " to " + pid;
        }
    }

    /** {@code info}: one task and how many engines it has. */
    public record TaskDetail(TaskInfo task, int engines) {
        @Override
        public String toString() {
            return task.tid() + " " + task.comm() + " " + task.state();
        }
    }

    /** {@code console}: what a process wrote to its standard output. */
    public record ConsoleText(int pid, String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** {@code programs}: what can be spawned. */
    public record Programs(List<ProgramInfo> programs) {
        /** The program names (for the completion script). */
        public List<String> names() {
            return programs.stream().map(ProgramInfo::name).toList();
        }

        @Override
        public String toString() {
            return programs.size() + (programs.size() == 1 ? " program" : " programs");
        }
    }

    /**
     * One engine on one task.
     *
     * @param syscalls the syscalls the engine wants, by name ({@code all}, or e.g. {@code openat,connect})
     * @param stops    where the machine stops the task at syscalls: {@code every}, {@code filter} (only at
     *                 its spawn-time filter's), {@code every (beyond filter)} (an engine wants more than the
     *                 filter has, which cannot be widened); {@code -} if the task ended meanwhile
     */
    public record EngineRow(int pid, EngineInfo engine, String syscalls, String stops) {
    }

    /** {@code engines}: the engines of one task or of every live task, in callback order. */
    public record Engines(List<EngineRow> engines) {
        @Override
        public String toString() {
            return engines.size() + (engines.size() == 1 ? " engine" : " engines");
        }
    }

    /** {@code wait}: how the process ended, or {@code status == null} if it still ran at the timeout. */
    public record Waited(int pid, WaitStatus status, long timeoutMillis) {
        public boolean ended() {
            return status != null;
        }

        @Override
        public String toString() {
            return pid + " " + (status != null ? status : "still running after " + timeoutMillis + " ms");
        }
    }

    /** {@code completions}: the completion script of each started bundle that ships one, and what became of it. */
    public record Completions(List<CompletionScript> scripts) {
        @Override
        public String toString() {
            return scripts.size() + (scripts.size() == 1 ? " completion script" : " completion scripts");
        }
    }

    /** One bundle's completion script: loaded now, loaded before in this session, missing or failed. */
    public record CompletionScript(String bundle, String script, String state) {
    }
}
