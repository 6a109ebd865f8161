package dev.utrace.linux.internal.ptrace;

import dev.utrace.impl.UtraceCore;
import dev.utrace.linux.internal.machine.LinuxMachine;
import dev.utrace.linux.internal.trace.LeakGuard;
import dev.utrace.spi.TraceHooks;

/** Our ptrace on the Linux machine: the C workloads, as real processes. */
final class LinuxBackend extends SessionBackend {
    private final LinuxMachine machine;
    private final LeakGuard guard = new LeakGuard();

    private LinuxBackend(LinuxMachine machine, UtraceCore core) {
        super("linux", machine, machine, machine, core, KernelBackend::workload);
        this.machine = machine;
    }

    static LinuxBackend start() {
        LinuxMachine machine = new LinuxMachine(TraceHooks.NONE);
        UtraceCore core = new UtraceCore(machine);
        machine.setHooks(core.hooks());
        return new LinuxBackend(machine, core);
    }

    @Override
    public void saw(int pid) {
        super.saw(pid);
        guard.track(pid);
    }

    @Override
    public void close() throws Exception {
        try {
            killAll();
        } finally {
            machine.close();
            guard.assertNoneLeft();
        }
    }
}
