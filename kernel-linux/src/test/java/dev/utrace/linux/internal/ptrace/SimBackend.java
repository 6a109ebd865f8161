package dev.utrace.linux.internal.ptrace;

import dev.utrace.impl.UtraceCore;
import dev.utrace.sim.internal.SimKernel;
import dev.utrace.spi.TraceHooks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Our ptrace on the simulated machine. The scenarios' programs are the simulated twins of the C
 * workloads (the library's, and {@code src/test/resources/conformance/*.prog} in a programs folder).
 */
final class SimBackend extends SessionBackend {
    /** The twins the library lacks; forker, threadpool, sleeper, true and idle are the library's. */
    static final List<String> PROGRAMS = List.of("spin", "getpids", "execer", "vforker", "memwriter", "mt-exec");

    private final SimKernel sim;

    private SimBackend(SimKernel sim, UtraceCore core) {
        super("sim", sim, sim, sim, core, name -> name);
        this.sim = sim;
    }

    static SimBackend start(Path folder) throws IOException {
        for (String p : PROGRAMS) {
            try (InputStream in = SimBackend.class.getResourceAsStream("/conformance/" + p + ".prog")) {
                if (in == null) throw new IOException("no simulated program conformance/" + p + ".prog");
                Files.copy(in, folder.resolve(p + ".prog"));
            }
        }
        SimKernel sim = new SimKernel(TraceHooks.NONE, folder);
        UtraceCore core = new UtraceCore(sim);
        sim.setHooks(core.hooks());
        return new SimBackend(sim, core);
    }

    @Override
    public void close() {
        try {
            killAll();
        } finally {
            sim.close();
        }
    }
}
