package dev.utrace.sim.internal;

/** Programs for the multithreaded-exec tests: three sleeping threads, then an exec from the leader or a thread. */
final class MtExec_Fixture {
    private MtExec_Fixture() {
    }

    static void install(Sim sim) {
        sim.program("mtx", "mov r12, rdi", "mov rbx, 3", "more: thread sleeper", "loop rbx, more",
                "wait_ready: sleep 1", "jnz r12, from_thread", "exec \"after\", \"7\"", "exit 1",
                "from_thread: thread execer", "idle: pause", "jmp idle",
                "sleeper: pause", "jmp sleeper",
                "execer: exec \"after\", \"7\"", "exit 1");
        sim.program("after", "getpid", "mov rbx, rax", "gettid", "print \"after exec: pid {rbx} tid {rax} arg {rdi}\\n\"",
                "exit 0");
    }
}
