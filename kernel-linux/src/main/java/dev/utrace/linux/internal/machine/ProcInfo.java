package dev.utrace.linux.internal.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the machine reads of a thread from {@code /proc}: its signal masks and parent (there is
 * no ptrace request for them), its state letter, name and command line. Any thread may call
 * these; a thread that is gone reads as null, -1 or empty.
 */
final class ProcInfo {

    /** The lines of {@code /proc/TID/status} the machine uses; masks have bit {@code n-1} for signal {@code n}. */
    record Status(String name, char state, int tgid, int ppid, long blocked, long ignored, long caught) {}

    private ProcInfo() {}

    static Status status(int tid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + tid + "/status"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String name = "";
        char state = '?';
        int tgid = 0, ppid = 0;
        long blk = 0, ign = 0, cgt = 0;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String v = line.substring(colon + 1).trim();
            switch (line.substring(0, colon)) {
                case "Name" -> name = v;
                case "State" -> state = v.isEmpty() ? '?' : v.charAt(0);
                case "Tgid" -> tgid = Integer.parseInt(v);
                case "PPid" -> ppid = Integer.parseInt(v);
                case "SigBlk" -> blk = Long.parseUnsignedLong(v, 16);
                case "SigIgn" -> ign = Long.parseUnsignedLong(v, 16);
                case "SigCgt" -> cgt = Long.parseUnsignedLong(v, 16);
                default -> { }
            }
        }
        return new Status(name, state, tgid, ppid, blk, ign, cgt);
    }

    /** {@code /proc/TID/comm} without its newline, or null. */
    static String comm(int tid) {
        try {
            return Files.readString(Path.of("/proc/" + tid + "/comm")).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The arguments of the program {@code tid} runs ({@code /proc/TID/cmdline}); empty if gone. */
    static List<String> cmdline(int tid) {
        byte[] b;
        try {
            b = Files.readAllBytes(Path.of("/proc/" + tid + "/cmdline"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < b.length) out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
        return out;
    }

    /** The executable {@code tid} runs ({@code /proc/TID/exe}), or null. */
    static String exe(int tid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + tid + "/exe")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code tid} exists (as a thread of any process, zombies included). */
    static boolean exists(int tid) {
        return Files.exists(Path.of("/proc/" + tid));
    }
}
