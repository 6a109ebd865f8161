package dev.utrace.linux.internal.machine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The threads of a traced process family, as one tracer saw them (strace's log or the passive
 * tracer's events), reduced to what two runs of the same program must share: per thread, the
 * sequence of syscall names with their results, signals and how the thread ended. Built in the
 * order the tracer reported; then {@link #normalized} names the threads and takes out what
 * depends on the run (see {@link Strace_OracleTest} for the rules and why).
 */
final class Family {

    /** What a thread did: a syscall, a signal delivered to it, or its end. */
    enum What { SYSCALL, SIGNAL, END }

    /**
     * One step of a thread.
     *
     * @param what      its kind
     * @param name      the syscall's name, the signal's name, or how the thread ended ({@code exited 0},
     *                  {@code killed SIGTERM}, {@code superseded})
     * @param result    the syscall's result: a number, {@code -1 ENAME}, {@code ? ERESTARTSYS} (a
     *                  restart code), or {@code ?} (it never returned); empty for the other kinds
     * @param value     the result as a number, when it is one
     * @param futexWait whether it is a futex wait (FUTEX_WAIT, _BITSET, _REQUEUE_PI, LOCK_PI)
     * @param fd        the first argument (the descriptor of a write), or -1
     * @param line      the line as the tracer printed it, for the failure report
     */
    record Item(What what, String name, String result, Long value, boolean futexWait, long fd, String line) {
        boolean restarted() {
            return result.startsWith("? ERESTART");
        }

        Item renamed(String newName) {
            return new Item(what, newName, result, value, futexWait, fd, line);
        }
    }

    /** One thread: the tid it had when first seen, and its steps. */
    static final class Thread {
        final int firstTid;
        final List<Item> items = new ArrayList<>();

        Thread(int firstTid) {
            this.firstTid = firstTid;
        }
    }

    private final List<Thread> all = new ArrayList<>();
    private final Map<Integer, Thread> live = new LinkedHashMap<>();
    private Integer root;

    /** The thread now answering to {@code tid}, made on its first event. */
    Thread thread(int tid) {
        if (root == null) root = tid;
        return live.computeIfAbsent(tid, t -> {
            Thread th = new Thread(t);
            all.add(th);
            return th;
        });
    }

    void add(int tid, Item item) {
        thread(tid).items.add(item);
    }

    /**
     * Thread {@code execer} exec'd and took the pid {@code leader}: the leader's thread ends
     * ({@code superseded}, strace's word), and what comes under {@code leader} from now on is the
     * exec'ing thread's.
     */
    void superseded(int leader, int execer) {
        Thread old = live.remove(leader);
        if (old != null) {
            List<Item> items = old.items;
            if (!items.isEmpty() && items.getLast().what() == What.END) items.removeLast(); // its exit, if reported
            items.add(new Item(What.END, "superseded", "", null, false, -1, "+++ superseded by execve +++"));
        }
        Thread t = live.remove(execer);
        if (t == null) t = thread(execer);
        live.put(leader, t);
    }

    List<Thread> threads() {
        return all;
    }

    /** Takes out the first thread's first step if it is {@code what}; whether it was. */
    boolean dropFirstOfRoot(java.util.function.Predicate<Item> what) {
        if (root == null || all.isEmpty()) return false;
        List<Item> items = all.getFirst().items;
        if (items.isEmpty() || !what.test(items.getFirst())) return false;
        items.removeFirst();
        return true;
    }

    /**
     * The family with its threads named by descent: the first thread is {@code 1}, the k-th thread
     * or child a thread creates (the k-th clone, clone3, fork or vfork that returned a tid) is its
     * name, a dot and k; names alone are stable from run to run, tids are not.
     *
     * @param outputsAgree whether both runs wrote the same output (else the sizes of writes to
     *                     standard output and error are not compared)
     */
    Map<String, List<Step>> normalized(boolean outputsAgree) {
        Map<Integer, String> names = new LinkedHashMap<>();
        Map<Integer, Thread> byFirstTid = new LinkedHashMap<>();
        for (Thread t : all) byFirstTid.putIfAbsent(t.firstTid, t);
        if (root != null) name(byFirstTid.get(root), "1", byFirstTid, names);
        Map<String, List<Step>> out = new TreeMap<>();
        for (Thread t : all) {
            String n = names.getOrDefault(t.firstTid, "unrelated tid " + t.firstTid);
            out.put(n, steps(t, names, outputsAgree));
        }
        return out;
    }

    private static final Set<String> MAKES_THREADS = Set.of("clone", "clone3", "fork", "vfork");
    private static final Set<String> ADDRESSES = Set.of("mmap", "mremap", "brk", "shmat");
    private static final Set<String> PIDS = Set.of("getpid", "getppid", "gettid", "set_tid_address", "clone", "clone3",
            "fork", "vfork", "wait4", "waitid", "getpgid", "getsid", "getpgrp");

    private static void name(Thread t, String name, Map<Integer, Thread> byFirstTid, Map<Integer, String> names) {
        if (t == null || names.containsKey(t.firstTid)) return;
        names.put(t.firstTid, name);
        int k = 0;
        for (Item i : t.items) {
            if (i.what() == What.SYSCALL && MAKES_THREADS.contains(i.name()) && i.value() != null && i.value() > 0) {
                k++;
                name(byFirstTid.get(i.value().intValue()), name + "." + k, byFirstTid, names);
            }
        }
    }

    /**
     * One compared step: what must be equal ({@code key}: the syscall's name and normalised result,
     * the signal, the end) and the item it came from, with the names of the family's threads.
     */
    record Step(String key, Item item, Map<Integer, String> names) {
        @Override
        public String toString() {
            return key;
        }
    }

    /** A thread's steps, with what depends on the run taken out (rules R1-R6 of the oracle test). */
    private static List<Step> steps(Thread t, Map<Integer, String> names, boolean outputsAgree) {
        List<Item> kept = new ArrayList<>();
        boolean afterChild = false; // a SIGCHLD was taken out and its handler's rt_sigreturn may follow
        String resumes = null; // the syscall restart_syscall resumes, if the one it interrupted was taken out
        for (Item i : t.items) {
            if (i.what() == What.SIGNAL && i.name().equals("SIGCHLD")) {
                if (!kept.isEmpty() && kept.getLast().restarted()) {
                    Item interrupted = kept.removeLast();
                    if (interrupted.result().startsWith("? ERESTART_RESTARTBLOCK")) resumes = interrupted.name();
                }
                afterChild = true;
                continue;
            }
            if (i.what() == What.SIGNAL) afterChild = false;
            if (i.what() == What.SYSCALL && i.name().equals("rt_sigreturn") && afterChild) {
                afterChild = false;
                continue;
            }
            if (i.what() == What.SYSCALL && i.futexWait()) continue;
            if (i.what() == What.SYSCALL && i.name().equals("restart_syscall") && resumes != null) {
                kept.add(i.renamed(resumes));
                resumes = null;
                continue;
            }
            kept.add(i);
        }
        List<Step> out = new ArrayList<>();
        for (Item i : kept) {
            String key = switch (i.what()) {
                case SIGNAL -> "--- " + i.name();
                case END -> "+++ " + i.name();
                case SYSCALL -> i.name() + " = " + result(i, names, outputsAgree);
            };
            out.add(new Step(key, i, names));
        }
        return out;
    }

    private static String result(Item i, Map<Integer, String> names, boolean outputsAgree) {
        if (i.value() == null) return i.result();
        long v = i.value();
        if (ADDRESSES.contains(i.name())) return "ADDR";
        if (v > 0 && waitsForAnyChild(i)) {
            // Which of several children ending at about the same time is reaped first is the
            // scheduler's choice (sh -c 'echo hi | cat': strace's run and ours may differ).
            return names.containsKey((int) v) ? "a child" : "a tid outside the family";
        }
        if (PIDS.contains(i.name()) && v > 0) return names.getOrDefault((int) v, "a tid outside the family");
        if (!outputsAgree && i.name().equals("write") && (i.fd() == 1 || i.fd() == 2)) return "OUTPUT";
        return Long.toString(v);
    }

    /** A wait4 or waitid for any child (pid -1, P_ALL), as both tracers print it. */
    private static boolean waitsForAnyChild(Item i) {
        String l = i.line();
        return i.what() == What.SYSCALL && (l.contains("wait4(-1,") || l.contains("waitid(P_ALL,"));
    }
}
