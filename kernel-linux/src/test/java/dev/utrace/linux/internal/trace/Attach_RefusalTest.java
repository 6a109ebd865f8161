package dev.utrace.linux.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.linux.internal.sys.LinuxException;
import dev.utrace.linux.internal.sys.Wait;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** attach refuses what it must not trace, with a message that says why, and changes nothing. */
class Attach_RefusalTest extends TracerTestBase {

    @Test
    @DisplayName("refused: not a pid, no such process, a kernel thread, a thread id, this JVM, an ancestor of this JVM")
    void notAttachable() throws Exception {
        long self = ProcessHandle.current().pid();
        int parent = ProcFs.status((int) self).ppid();
        int pidMax = pidMax();
        // Any thread but the main one (after pids wrap, a thread's tid may be lower than the JVM's pid).
        int thread = java.util.Arrays.stream(ProcFs.tasks((int) self)).filter(tid -> tid != self).findFirst().orElseThrow();
        assertRefused(0, "0 is not a process id; give a positive pid");
        assertRefused(pidMax, "there is no process " + pidMax);
        assertRefused(2, "process 2 (kthreadd) is a kernel thread; it has no user space to trace");
        assertRefused(thread, thread + " is a thread of process " + self + "; attach to " + self + " (all its threads are traced)");
        assertRefused((int) self, "process " + self + " is this JVM, which cannot trace itself");
        assertRefused(parent, "process " + parent + " (" + ProcFs.status(parent).name() + ") is an ancestor of this JVM; "
                + "stopping it could stop the JVM's own parent, so it is not traced");
        assertEquals(0, ProcFs.status(parent).tracerPid(), "nothing was seized");
        assertEquals(0, get(tracer.stats()).tracees());
    }

    @Test
    @DisplayName("refused: a zombie (exited, not reaped yet)")
    void zombie() throws Exception {
        UntracedChild c = untraced("signals", "handler");
        AttachDetach_Test.awaitState(c.pid, 'Z');
        assertRefused(c.pid, "process " + c.pid + " (signals) has exited and waits to be reaped by its parent; there is nothing to trace");
        assertEquals(Wait.exitedStatus(0), c.waitExit());
    }

    @Test
    @DisplayName("refused: a process traced by another tool (named from TracerPid), or by this tracer already")
    void tracedAlready() throws Exception {
        UntracedChild c = untraced("holder");
        get(tracer.attach(c.pid, recorder));
        assertRefused(c.pid, "process " + c.pid + " is traced by this tracer already");
        get(tracer.detach(c.pid));

        Process strace = new ProcessBuilder("strace", "-qq", "-o", "/dev/null", "-p", Integer.toString(c.pid)).start();
        try {
            long deadline = System.nanoTime() + TIMEOUT_SECONDS * 1_000_000_000L;
            while (ProcFs.status(c.pid).tracerPid() != strace.pid()) {
                assertTrue(System.nanoTime() < deadline && strace.isAlive(), "strace attached");
                Thread.sleep(5);
            }
            assertRefused(c.pid, "process " + c.pid + " (holder) is traced by process " + strace.pid()
                    + " (strace); Linux allows one tracer per thread: detach that one first");
            assertEquals(strace.pid(), ProcFs.status(c.pid).tracerPid(), "strace still has it");
        } finally {
            strace.destroy();
            strace.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * pids are below pid_max. A sysctl file answers only a read at offset 0, and Files.readString
     * reads a size-0 file one byte first (it got "3" of "32768"), so read it in one go.
     */
    private static int pidMax() throws Exception {
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/sys/kernel/pid_max")) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Integer.parseInt(new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).trim());
        }
    }

    private void assertRefused(int pid, String message) {
        LinuxException e = assertThrows(LinuxException.class, () -> get(tracer.attach(pid, recorder)));
        assertEquals(message, e.getMessage());
    }
}
