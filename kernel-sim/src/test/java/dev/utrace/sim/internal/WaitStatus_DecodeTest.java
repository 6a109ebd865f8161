package dev.utrace.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.utrace.api.task.Signals;
import dev.utrace.api.proc.WaitStatus;
import org.junit.jupiter.api.Test;

class WaitStatus_DecodeTest {

    @Test
    void wordsAreLinuxWords() {
        assertEquals(0x0300, WaitStatus.exited(3).word());
        assertEquals(0x0009, WaitStatus.signaled(Signals.SIGKILL, false).word());
        assertEquals(0x008b, WaitStatus.signaled(Signals.SIGSEGV, true).word());
        assertEquals(0x137f, WaitStatus.stopped(Signals.SIGSTOP).word());
        assertEquals(0xffff, WaitStatus.continued().word());
    }

    @Test
    void decodingMatchesTheMacros() {
        WaitStatus exited = new WaitStatus(0x0300);
        assertTrue(exited.isExited());
        assertEquals(3, exited.exitCode());
        assertFalse(exited.isSignaled() || exited.isStopped() || exited.isContinued());
        WaitStatus core = new WaitStatus(0x008b);
        assertTrue(core.isSignaled() && core.coreDumped());
        assertEquals(Signals.SIGSEGV, core.termSignal());
        WaitStatus stopped = new WaitStatus(0x137f);
        assertTrue(stopped.isStopped() && !stopped.isSignaled());
        assertEquals(Signals.SIGSTOP, stopped.stopSignal());
        WaitStatus cont = new WaitStatus(0xffff);
        assertTrue(cont.isContinued() && !cont.isSignaled());
        assertEquals("killed by SIGSEGV (core dumped)", core.toString());
        assertEquals("exited 3", exited.toString());
        assertEquals("stopped by SIGSTOP", stopped.toString());
    }
}
