package dev.utrace.sim.internal;

import dev.utrace.api.proc.ProgramInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The programs a task can run: the library shipped in this bundle (parsed once, at start; a
 * library program that does not parse is a build error) and {@code NAME.prog} files in an
 * optional folder, which is searched first so a user program can replace a library one.
 * Folder programs are re-read when their file changes.
 */
final class ProgramLibrary {
    static final String RESOURCES = "/dev/utrace/sim/programs/";
    static final String SUFFIX = ".prog";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private record Cached(FileTime modified, Program program) {
    }

    private final Map<String, Program> library = new LinkedHashMap<>();
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();
    private volatile Path folder;

    ProgramLibrary(Path folder) {
        this.folder = folder;
        for (String name : read(RESOURCES + "programs.list").split("\\s+")) {
            if (name.isEmpty()) continue;
            try {
                library.put(name, ProgramParser.parse(name, "library", name + SUFFIX, read(RESOURCES + name + SUFFIX)));
            } catch (ProgramSyntaxException e) {
                throw new IllegalStateException("library program does not load: " + e.getMessage(), e);
            }
        }
    }

    void setFolder(Path folder) {
        this.folder = folder;
        cache.clear();
    }

    Path folder() {
        return folder;
    }

    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The program called {@code name}, or null if there is none.
     *
     * @throws ProgramSyntaxException if the folder's file for it does not load
     */
    Program find(String name) throws ProgramSyntaxException {
        if (!validName(name)) return null;
        Path dir = folder;
        if (dir != null) {
            Path file = dir.resolve(name + SUFFIX);
            if (Files.isRegularFile(file)) return load(name, file);
        }
        return library.get(name);
    }

    private Program load(String name, Path file) throws ProgramSyntaxException {
        String where = file.toString();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Cached c = cache.get(file);
            if (c != null && c.modified.equals(modified)) return c.program;
            long size = Files.size(file);
            if (size > ProgramParser.MAX_SOURCE) throw tooBig(where, size);
            Program p = fromBytes(name, where, file.getFileName().toString(), Files.readAllBytes(file));
            cache.put(file, new Cached(modified, p));
            return p;
        } catch (IOException e) {
            throw new ProgramSyntaxException(where, 1, 1, "cannot read the file (" + SourceText.reason(e) + "); expected a"
                    + " readable text file: check its permissions, or remove it from the programs folder");
        }
    }

    /**
     * Loads a program file's bytes: UTF-8 text of at most {@link ProgramParser#MAX_SOURCE} bytes
     * in the format of docs/programs.md. Whatever the bytes, it returns a program or throws the
     * documented error; nothing else (the fuzz test ProgramLoader_FuzzTest holds it to that).
     *
     * @param where the file's path, for errors about the file as a whole
     * @param fileName the name used in parse errors, e.g. "hello.prog"
     */
    static Program fromBytes(String name, String where, String fileName, byte[] bytes) throws ProgramSyntaxException {
        if (bytes.length > ProgramParser.MAX_SOURCE) throw tooBig(where, bytes.length);
        return ProgramParser.parse(name, where, fileName, SourceText.decode(where, bytes));
    }

    private static ProgramSyntaxException tooBig(String where, long size) {
        return new ProgramSyntaxException(where, 1, 1, "the file is " + size + " bytes; a program source may have at most "
                + ProgramParser.MAX_SOURCE + " (1 MiB): split it into programs that exec each other");
    }

    /** The library, then the folder's programs (a folder program that does not load says why). */
    List<ProgramInfo> list() {
        Map<String, ProgramInfo> out = new LinkedHashMap<>();
        library.forEach((n, p) -> out.put(n, new ProgramInfo(n, p.description(), "library")));
        Path dir = folder;
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
                for (Path f : files) {
                    String fn = f.getFileName().toString();
                    String n = fn.substring(0, fn.length() - SUFFIX.length());
                    if (!validName(n) || !Files.isRegularFile(f)) continue; // as find() sees the folder
                    try {
                        out.put(n, new ProgramInfo(n, load(n, f).description(), f.toString()));
                    } catch (ProgramSyntaxException e) {
                        out.put(n, new ProgramInfo(n, "does not load: " + e.getMessage(), f.toString()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the programs folder " + dir, e);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static String read(String resource) {
        try (InputStream in = ProgramLibrary.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource + " in kernel-sim");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
