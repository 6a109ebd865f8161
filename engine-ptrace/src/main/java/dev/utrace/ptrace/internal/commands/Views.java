package dev.utrace.ptrace.internal.commands;

import dev.utrace.api.task.SignalInfo;
import dev.utrace.ptrace.PtraceOptions;
import dev.utrace.ptrace.TraceeInfo;
import dev.utrace.ptrace.WaitResult;
import java.util.List;

/**
 * What the {@code ptrace:} commands return: small values that {@link PtraceConverter} formats
 * for people and that scripts can take apart (Gogo calls their accessors).
 */
public final class Views {
    private Views() {
    }

    /** A request that was done: {@code attach}, {@code cont}, {@code detach}, {@code poke}, ... */
    public record Done(int pid, String request, String result) {
        @Override
        public String toString() {
            return pid + " " + result;
        }
    }

    /** {@code wait}: what was reported, or {@code result == null} when --nohang found nothing. */
    public record Waited(int pid, WaitResult result) {
        /** Whether a stop or an end was reported. */
        public boolean reported() {
            return result != null;
        }

        @Override
        public String toString() {
            return result == null ? "nothing to report" : result.pid() + " " + result.describe();
        }
    }

    /** {@code tracees}: the shell tracer's tracees. */
    public record Tracees(String tracer, List<TraceeInfo> tracees) {
        /** The tracees' pids, as text (for the completion script). */
        public List<String> pids() {
            return tracees.stream().map(t -> Integer.toString(t.pid())).toList();
        }

        @Override
        public String toString() {
            return tracees.size() + (tracees.size() == 1 ? " tracee" : " tracees");
        }
    }

    /** {@code regs}: the general registers, indexed by {@code Reg.ordinal()}, as PTRACE_GETREGS gives them. */
    public record Registers(int pid, long[] values) {
        @Override
        public String toString() {
            return values.length + " registers of " + pid;
        }
    }

    /** {@code peek}: {@code words.length} words from {@code address} on. */
    public record Memory(int pid, long address, long[] words) {
        @Override
        public String toString() {
            return words.length + (words.length == 1 ? " word" : " words") + " at 0x" + Long.toHexString(address);
        }
    }

    /** {@code peekuser}: one word of {@code struct user}; {@code register} is its name, or null. */
    public record UserWord(int pid, long offset, String register, long value) {
        @Override
        public String toString() {
            return "0x" + Long.toHexString(value);
        }
    }

    /** {@code siginfo}: the signal of a signal-delivery stop. */
    public record SigInfo(int pid, SignalInfo info) {
        @Override
        public String toString() {
            return pid + " " + info;
        }
    }

    /** {@code eventmsg}: PTRACE_GETEVENTMSG after an event stop. */
    public record EventMessage(int pid, long message) {
        @Override
        public String toString() {
            return Long.toString(message);
        }
    }

    /** {@code options <pid>} without options: what the tracee has. */
    public record Options(int pid, int options) {
        @Override
        public String toString() {
            return PtraceOptions.format(options);
        }
    }
}
