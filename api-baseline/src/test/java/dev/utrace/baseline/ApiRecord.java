package dev.utrace.baseline;

import aQute.bnd.header.Attrs;
import aQute.bnd.header.Parameters;
import aQute.bnd.service.diff.Delta;
import aQute.bnd.service.diff.Tree;
import aQute.bnd.service.diff.Tree.Data;
import aQute.bnd.service.diff.Type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The committed record of a bundle's released API: bnd's API tree of its exported packages
 * (what {@code aQute.bnd.differ.DiffPluginImpl} builds, as {@link Tree.Data}), one element a
 * line so that an API change shows in review as a readable diff of this file.
 *
 * <pre>
 * format 1
 * bundle dev.utrace.utrace-api
 * PACKAGE MINOR/MAJOR dev.utrace.api
 *   VERSION IGNORED/IGNORED 1.0.0
 *   INTERFACE MINOR/MAJOR dev.utrace.api.Engine
 *     METHOD MINOR/MAJOR owner()
 * </pre>
 *
 * Each element is {@code TYPE IF-ADDED/IF-REMOVED NAME}, indented two spaces a level; the two
 * deltas are bnd's verdict on adding or removing it (a method of a consumer interface is
 * MAJOR/MINOR, of a provider interface MINOR/MAJOR), and they are kept because bnd judges a
 * removed element by the older tree's verdict. A package's exported version is its VERSION
 * child. In a name, a backslash, a control character and a trailing space are written
 * {@code \\} and {@code \\uXXXX}. Lines starting with {@code #} are comments. bnd's element
 * comments are not kept: its diff and baseline never read them.
 */
final class ApiRecord {
    static final int FORMAT = 1;

    final String bsn;
    /** The PACKAGE elements, each with its subtree, sorted by name. */
    final List<Data> packages;

    ApiRecord(String bsn, List<Data> packages) {
        this.bsn = bsn;
        List<Data> sorted = new ArrayList<>(packages);
        sorted.sort(Comparator.comparing(p -> p.name));
        this.packages = List.copyOf(sorted);
    }

    /** The tree shaped as bnd's differ makes it (a bundle whose {@code <api>} holds the packages), for bnd's Baseline. */
    Tree tree() throws Exception {
        Data api = node(Type.API, "<api>", Delta.CHANGED, Delta.CHANGED, packages.toArray(Data[]::new));
        Data bundle = node(Type.BUNDLE, bsn, Delta.CHANGED, Delta.CHANGED, new Data[] {api});
        return new aQute.bnd.differ.DiffPluginImpl().deserialize(bundle);
    }

    /** The exported packages and their recorded versions, as an Export-Package header would give them. */
    Parameters exports() {
        Parameters exports = new Parameters();
        for (Data p : packages) {
            Attrs attrs = new Attrs();
            for (Data child : children(p)) {
                if (child.type == Type.VERSION) {
                    attrs.put("version", child.name);
                }
            }
            exports.put(p.name, attrs);
        }
        return exports;
    }

    static Data node(Type type, String name, Delta add, Delta rem, Data[] children) {
        Data d = new Data();
        d.type = type;
        d.name = name;
        d.add = add;
        d.rem = rem;
        d.children = children;
        return d;
    }

    static Data[] children(Data d) {
        return d.children == null ? new Data[0] : d.children;
    }

    // ---- writing ----

    String text() {
        StringBuilder out = new StringBuilder();
        out.append("# The released API of this bundle, as bnd's differ sees it; checked by bnd's baseline in\n");
        out.append("# `mvn verify` (module api-baseline). Written by bin/api-baseline update; see README.md,\n");
        out.append("# \"API baseline\". Each line: TYPE IF-ADDED/IF-REMOVED NAME, indented by depth.\n");
        out.append("format ").append(FORMAT).append('\n');
        out.append("bundle ").append(escape(bsn)).append('\n');
        for (Data p : packages) {
            write(out, p, 0);
        }
        return out.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text(), StandardCharsets.UTF_8);
    }

    private static void write(StringBuilder out, Data d, int depth) {
        out.append("  ".repeat(depth)).append(d.type).append(' ').append(d.add).append('/').append(d.rem);
        if (!d.name.isEmpty()) {
            out.append(' ').append(escape(d.name));
        }
        out.append('\n');
        Data[] children = children(d).clone();
        Arrays.sort(children, Comparator.comparing((Data c) -> c.type).thenComparing(c -> c.name));
        for (Data c : children) {
            write(out, c, depth + 1);
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x20 || c == 0x7f || (c == ' ' && i == s.length() - 1)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---- reading ----

    /** Thrown for a file that is not a record this code wrote; the message says where and what. */
    static final class FormatException extends Exception {
        FormatException(int line, String what) {
            super("line " + line + ": " + what);
        }
    }

    static ApiRecord read(Path file) throws IOException, FormatException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    static ApiRecord parse(String text) throws FormatException {
        String[] lines = text.split("\n", -1);
        String bsn = null;
        boolean sawFormat = false;
        List<Data> packages = new ArrayList<>();
        // The open elements, one per depth, each with the children read so far.
        Deque<Data> open = new ArrayDeque<>();
        Deque<List<Data>> openChildren = new ArrayDeque<>();
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!sawFormat) {
                if (!line.startsWith("format ")) {
                    throw new FormatException(lineNo, "expected 'format " + FORMAT + "' first, found '" + line + "'");
                }
                if (!line.equals("format " + FORMAT)) {
                    throw new FormatException(lineNo, "this build reads format " + FORMAT + ", the file says '" + line + "'");
                }
                sawFormat = true;
                continue;
            }
            if (bsn == null) {
                if (!line.startsWith("bundle ") || line.length() == "bundle ".length()) {
                    throw new FormatException(lineNo, "expected 'bundle <symbolic name>', found '" + line + "'");
                }
                bsn = unescape(line.substring("bundle ".length()), lineNo);
                continue;
            }
            int indent = 0;
            while (indent < line.length() && line.charAt(indent) == ' ') {
                indent++;
            }
            if (indent % 2 != 0) {
                throw new FormatException(lineNo, "indented by " + indent + " spaces; each level is 2");
            }
            int depth = indent / 2;
            if (depth > open.size()) {
                throw new FormatException(lineNo, "indented " + depth + " levels under an element at level " + (open.size() - 1));
            }
            while (open.size() > depth) {
                close(open, openChildren, packages);
            }
            Data d = element(line.substring(indent), lineNo);
            if (depth == 0 && d.type != Type.PACKAGE) {
                throw new FormatException(lineNo, "a top-level element is a PACKAGE, not " + d.type);
            }
            open.push(d);
            openChildren.push(new ArrayList<>());
        }
        while (!open.isEmpty()) {
            close(open, openChildren, packages);
        }
        if (bsn == null) {
            int last = text.endsWith("\n") ? lines.length - 1 : lines.length;
            throw new FormatException(Math.max(1, last), "no 'format' and 'bundle' lines: not an API record");
        }
        return new ApiRecord(bsn, packages);
    }

    private static void close(Deque<Data> open, Deque<List<Data>> openChildren, List<Data> packages) {
        Data d = open.pop();
        List<Data> kids = openChildren.pop();
        d.children = kids.isEmpty() ? null : kids.toArray(Data[]::new);
        if (open.isEmpty()) {
            packages.add(d);
        } else {
            openChildren.peek().add(d);
        }
    }

    private static Data element(String s, int lineNo) throws FormatException {
        int typeEnd = s.indexOf(' ');
        if (typeEnd < 0) {
            throw new FormatException(lineNo, "expected 'TYPE ADD/REMOVE NAME', found '" + s + "'");
        }
        Type type = enumValue(Type.class, s.substring(0, typeEnd), "element type", lineNo);
        int deltasEnd = s.indexOf(' ', typeEnd + 1);
        String deltas = deltasEnd < 0 ? s.substring(typeEnd + 1) : s.substring(typeEnd + 1, deltasEnd);
        int slash = deltas.indexOf('/');
        if (slash < 0) {
            throw new FormatException(lineNo, "expected IF-ADDED/IF-REMOVED after " + type + ", found '" + deltas + "'");
        }
        Delta add = enumValue(Delta.class, deltas.substring(0, slash), "delta", lineNo);
        Delta rem = enumValue(Delta.class, deltas.substring(slash + 1), "delta", lineNo);
        String name = deltasEnd < 0 ? "" : unescape(s.substring(deltasEnd + 1), lineNo);
        return node(type, name, add, rem, null);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> kind, String s, String what, int lineNo) throws FormatException {
        for (E e : kind.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        throw new FormatException(lineNo, "unknown " + what + " '" + s + "'");
    }

    static String unescape(String s, int lineNo) throws FormatException {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                b.append('\\');
                i++;
            } else if (i + 1 < s.length() && s.charAt(i + 1) == 'u' && isHex(s, i + 2, i + 6)) {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                throw new FormatException(lineNo, "a backslash starts \\\\ or \\uXXXX, found '"
                        + s.substring(i, Math.min(s.length(), i + 6)) + "'");
            }
        }
        return b.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        if (to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
