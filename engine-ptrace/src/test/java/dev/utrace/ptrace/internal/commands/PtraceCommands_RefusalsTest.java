package dev.utrace.ptrace.internal.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.utrace.api.task.TaskState;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of the ptrace: commands: a bad word says what was wrong and how to call the
 * command; a request the engine refuses says "ptrace: ERRNO: ..."; and nothing changes: the
 * tracee list, each task's engines, the stopped tracee's state and memory.
 */
class PtraceCommands_RefusalsTest extends ShellFixture {

    /** Three spinning tasks: 2 traced and stopped, 3 untraced, 4 traced and running. */
    @Test
    void everyRefusalSaysWhatWasWrongAndChangesNothing() throws Exception {
        program("spin", PtraceCommandsTest.SPIN);
        int stopped = spawn("spin");
        int untraced = spawn("spin");
        int running = spawn("spin");
        run("attach " + stopped);
        waitFor("" + stopped);
        run("attach " + running);
        waitFor("" + running);
        run("cont " + running);
        String tracees = run("tracees");
        String memory = run("peek " + stopped + " 0x600000 2");
        assertEquals("""
                PID  TGID  HOW       OPTIONS  STATE    STOP
                  2     2  attached  0        stopped  signal-delivery stop, SIGSTOP
                  4     4  attached  0        running  -""", tracees);

        String notAPid = " is not a pid; a pid is a positive number, as utrace:ps or ptrace:tracees shows it";
        String unknownSignal = "; use a number 1..64 or a name such as SIGKILL, TERM, usr1, or 0 for none";
        String known = "; known: TRACESYSGOOD, TRACEFORK, TRACEVFORK, TRACECLONE, TRACEEXEC, TRACEVFORKDONE, TRACEEXIT, EXITKILL";
        String[][] badWords = {
                {"attach", "attach needs <pid>: the thread id, as utrace:ps shows it" + usage("attach")},
                {"attach x", "'x'" + notAPid + usage("attach")},
                {"attach -3", "'-3'" + notAPid + usage("attach")},
                {"attach null", "'null'" + notAPid + usage("attach")},
                {"attach ３", "'３'" + notAPid + " (write numbers with the digits 0-9)" + usage("attach")},
                {"attach 3 4", "attach takes at most 1 argument (<pid>); '4' is one too many" + usage("attach")},
                {"seize", "seize needs <pid>: the thread id, as utrace:ps shows it" + usage("seize")},
                {"seize 3 TRACEEVERYTHING", "ptrace: EINVAL: unknown option 'TRACEEVERYTHING'" + known + usage("seize")},
                {"seize 3 ''", "an empty word where <options> was expected" + usage("seize")},
                {"seize 3 99999999999", "'99999999999' is out of range; options are names (TRACESYSGOOD,TRACEEXEC) or a number"
                        + " of 32 bits" + usage("seize")},
                {"cont", "cont needs <pid>: " + ControlCommands.TRACEE + usage("cont")},
                {"cont 2 bogus", "unknown signal 'bogus'" + unknownSignal + usage("cont")},
                {"cont 2 65", "'65' is too large for a signal; at most 64, or 0 for none" + usage("cont")},
                {"cont 2 null", "unknown signal 'null'" + unknownSignal + usage("cont")},
                {"syscall 2 SIGFOO", "unknown signal 'SIGFOO'" + unknownSignal + usage("syscall")},
                {"step", "step needs <pid>: " + ControlCommands.TRACEE + usage("step")},
                {"step 2 -1", "'-1' is not a signal; use a number 1..64 or a name such as TERM, KILL, SIGUSR1, usr1, or 0 for"
                        + " none" + usage("step")},
                {"detach 2 sigwhat", "unknown signal 'sigwhat'" + unknownSignal + usage("detach")},
                {"detach", "detach needs <pid>: " + ControlCommands.TRACEE + usage("detach")},
                {"kill", "kill needs <pid>: " + ControlCommands.TRACEE + usage("kill")},
                {"kill null", "'null'" + notAPid + usage("kill")},
                {"interrupt", "interrupt needs <pid>: " + ControlCommands.TRACEE + usage("interrupt")},
                {"listen", "listen needs <pid>: " + ControlCommands.TRACEE + usage("listen")},
                {"options 2 BOGUS", "ptrace: EINVAL: unknown option 'BOGUS'" + known + usage("options")},
                {"options 2 0x200", "ptrace: EINVAL: unknown option bits 0x200; known: TRACESYSGOOD|TRACEFORK|TRACEVFORK|TRACECLONE"
                        + "|TRACEEXEC|TRACEVFORKDONE|TRACEEXIT|EXITKILL" + usage("options")},
                {"options 2 tracesysgood,tracexec", "ptrace: EINVAL: unknown option 'tracexec'" + known + usage("options")},
                {"options", "options needs <pid>: " + ControlCommands.TRACEE + usage("options")},
                {"regs", "regs needs <pid>: " + ControlCommands.TRACEE + usage("regs")},
                {"regs [2]", "a list [2] where <pid> was expected; give one word" + usage("regs")},
                {"peek", "peek needs <pid>: " + ControlCommands.TRACEE + usage("peek")},
                {"peek 2", "peek needs <address>: " + InspectCommands.ADDRESS + usage("peek")},
                {"peek 2 zz", "'zz' is not an address; give 0x and hex digits (0x600000) or a decimal number" + usage("peek")},
                {"peek 2 0x10000000000000000", "'0x10000000000000000' is too large for an address; at most 0xffffffffffffffff"
                        + " (64 bits)" + usage("peek")},
                {"peek 2 0x600000 0", "'0' is not a count of words; give 1..64" + usage("peek")},
                {"peek 2 0x600000 65", "'65' is too large for a count of words; at most 64" + usage("peek")},
                {"peek 2 0x600000 1 2", "peek takes at most 3 arguments (<pid> <address> [words]); '2' is one too many"
                        + usage("peek")},
                {"poke", "poke needs <pid>: " + ControlCommands.TRACEE + usage("poke")},
                {"poke 2", "poke needs <address>: " + InspectCommands.ADDRESS + usage("poke")},
                {"poke 2 0x600000", "poke needs <value>: " + InspectCommands.VALUE + usage("poke")},
                {"poke 2 0x600000 zz", "'zz' is not a value; give a decimal number (42, -1) or 0x and hex digits (0x2a)"
                        + usage("poke")},
                {"poke 2 0x600000 99999999999999999999", "'99999999999999999999' is too large for a value; at most"
                        + " 9223372036854775807" + usage("poke")},
                {"poke 2 0x600000 [a=1]", "a map [a=1] where <value> was expected; give one word" + usage("poke")},
                {"peekuser 2", "peekuser needs <register|offset>: " + InspectCommands.WHERE + usage("peekuser")},
                {"peekuser 2 xmm0", "'xmm0' is not a register or an offset in struct user; give a register (rax, rip, dr0..dr3,"
                        + " dr6, dr7, ...) or a byte offset" + usage("peekuser")},
                {"pokeuser 2 rip", "pokeuser needs <value>: " + InspectCommands.VALUE + usage("pokeuser")},
                {"siginfo", "siginfo needs <pid>: " + ControlCommands.TRACEE + usage("siginfo")},
                {"eventmsg", "eventmsg needs <pid>: " + ControlCommands.TRACEE + usage("eventmsg")},
                {"wait x", "'x'" + notAPid + usage("wait")},
                {"wait null", "'null'" + notAPid + usage("wait")},
                {"wait 2 3", "wait takes at most 1 argument ([pid]); '3' is one too many" + usage("wait")},
                {"wait --hang", "unknown option '--hang'; wait takes --nohang" + usage("wait")},
                {"tracees x", "tracees takes no arguments; 'x' is one too many" + usage("tracees")},
        };
        String[][] engineRefusals = {
                {"attach 99", "ptrace: ESRCH: no task with pid 99; utrace:ps lists them"},
                {"attach 1", "ptrace: EPERM: pid 1 is a kernel thread (init); it cannot be traced"},
                {"attach 2", "ptrace: EPERM: pid 2 is already traced by tracer 'shell'"},
                {"seize 4", "ptrace: EPERM: pid 4 is already traced by tracer 'shell'"},
                {"cont 99", "ptrace: ESRCH: pid 99 is not traced by tracer 'shell'; attach or seize it first"},
                {"cont 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"cont 4", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"syscall 4", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"step 4 usr1", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"detach 4", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"detach 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"regs 4", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"regs 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"peek 4 0x600000", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"peek 2 0x10", "ptrace: EIO: address 0x10 is not mapped in pid 2"},
                {"peek 2 0x600ff8 2", "ptrace: EIO: address 0x601000 is not mapped in pid 2"},
                {"poke 2 0x10 1", "ptrace: EIO: address 0x10 is not mapped in pid 2"},
                {"poke 4 0x600000 1", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"peekuser 2 7", "ptrace: EIO: offset 7 is not a register in struct user; use a multiple of 8 below 160"
                        + " or a debug register at 848..904"},
                {"pokeuser 2 7 1", "ptrace: EIO: offset 7 is not a register in struct user; use a multiple of 8 below 160"
                        + " or a debug register at 848..904"},
                {"pokeuser 4 rax 1", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"options 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"options 4 TRACEEXEC", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"siginfo 4", "ptrace: ESRCH: pid 4 is not stopped under ptrace; wait for a stop first"},
                {"eventmsg 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"interrupt 2", "ptrace: EIO: PTRACE_INTERRUPT needs a seized tracee; pid 2 was attached"},
                {"interrupt 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"listen 2", "ptrace: EIO: PTRACE_LISTEN needs a seized tracee in a group stop; pid 2 is not"},
                {"kill 3", "ptrace: ESRCH: pid 3 is not traced by tracer 'shell'; attach or seize it first"},
                {"wait 3", "ptrace: ECHILD: pid 3 is not a tracee of tracer 'shell'"},
                {"wait --nohang 99", "ptrace: ECHILD: pid 99 is not a tracee of tracer 'shell'"},
        };
        for (String[] c : badWords) {
            assertEquals(c[1], refused(c[0]), c[0]);
            assertNothingChanged(c[0], tracees, memory, stopped, untraced, running);
        }
        for (String[] c : engineRefusals) {
            assertEquals(c[1], engineRefused(c[0]), c[0]);
            assertNothingChanged(c[0], tracees, memory, stopped, untraced, running);
        }
    }

    @Test
    void waitWithoutTraceesIsECHILDAndOpensNothingNew() throws Exception {
        assertEquals("PID  TGID  HOW  OPTIONS  STATE  STOP", run("tracees"));
        assertEquals(0, ptrace.sessions().size(), "listing opens no tracer");
        assertEquals("ptrace: ECHILD: tracer 'shell' has no tracees", engineRefused("wait"));
        assertEquals("ptrace: ECHILD: tracer 'shell' has no tracees", engineRefused("wait --nohang"));
        assertEquals("ptrace: ECHILD: tracer 'shell' has no tracees", engineRefused("wait -1"));
        assertEquals(1, ptrace.sessions().size(), "the shell is one tracer, however often it asks");
    }

    private void assertNothingChanged(String line, String tracees, String memory, int stopped, int untraced, int running)
            throws Exception {
        assertEquals(tracees, run("tracees"), "the tracees after " + line);
        assertEquals(memory, run("peek " + stopped + " 0x600000 2"), "the stopped tracee's memory after " + line);
        assertEquals(TaskState.TRACED, sim.info(stopped).state(), "the stopped tracee after " + line);
        assertEquals(1, engines(stopped), "engines of the stopped tracee after " + line);
        assertEquals(0, engines(untraced), "engines of the untraced task after " + line);
        assertEquals(1, engines(running), "engines of the running tracee after " + line);
        assertEquals(false, sim.info(untraced).state().hasExited(), "the untraced task after " + line);
        assertEquals(false, sim.info(running).state().hasExited(), "the running tracee after " + line);
        assertEquals(1, ptrace.sessions().size(), "one tracer after " + line);
    }
}
