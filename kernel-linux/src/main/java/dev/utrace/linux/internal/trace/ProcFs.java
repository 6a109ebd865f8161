package dev.utrace.linux.internal.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/** What the tracer reads from {@code /proc}. */
final class ProcFs {

    /**
     * The lines of {@code /proc/PID/status} the tracer uses.
     *
     * @param state the one-letter state ({@code R}, {@code S}, {@code T}, {@code t}, {@code Z}...)
     */
    record Status(String name, char state, int tgid, int ppid, int tracerPid, boolean kernelThread) {}

    private ProcFs() {}

    /** The status of task {@code tid}, or null if there is none. */
    static Status status(int tid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + tid + "/status"));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        String name = "";
        char state = '?';
        int tgid = 0, ppid = 0, tracer = 0;
        boolean kthread = false;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String value = line.substring(colon + 1).trim();
            switch (line.substring(0, colon)) {
                case "Name" -> name = value;
                case "State" -> state = value.isEmpty() ? '?' : value.charAt(0);
                case "Tgid" -> tgid = Integer.parseInt(value);
                case "PPid" -> ppid = Integer.parseInt(value);
                case "TracerPid" -> tracer = Integer.parseInt(value);
                case "Kthread" -> kthread = value.equals("1");
                default -> { }
            }
        }
        // Kernels before 6.6 have no Kthread line: kthreadd (pid 2) is the parent of every kernel thread.
        return new Status(name, state, tgid, ppid, tracer, kthread || tid == 2 || ppid == 2);
    }

    /** The tids of process {@code pid}'s threads, sorted; empty if it is gone. */
    static int[] tasks(int pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/task"))) {
            int[] tids = s.map(p -> p.getFileName().toString()).filter(ProcFs::isNumber).mapToInt(Integer::parseInt).toArray();
            Arrays.sort(tids);
            return tids;
        } catch (IOException e) {
            return new int[0];
        }
    }

    /** Field {@code n} (1-based, as in proc(5)) of {@code /proc/TID/stat}, or -1 if the task is gone. */
    static long statField(int tid, int n) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + tid + "/stat"));
        } catch (IOException e) {
            return -1;
        }
        // The command name (field 2) may hold spaces and parentheses; the fields after it do not.
        String[] rest = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(rest[n - 3]);
    }

    /** The tid of the calling thread (not {@code Thread.threadId()}, which is the JVM's own number). */
    static int currentTid() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return Integer.parseInt(link.substring(link.lastIndexOf('/') + 1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/thread-self: is /proc mounted?", e);
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) if (!Character.isDigit(s.charAt(i))) return false;
        return true;
    }
}
