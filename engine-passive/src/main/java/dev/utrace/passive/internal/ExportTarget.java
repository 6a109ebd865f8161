package dev.utrace.passive.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file an export writes: checked before anything is written, each refusal an
 * {@link IllegalArgumentException} with a message for people; written so that a failure leaves no
 * half-written file behind (one-shot) or at least a file of whole lines (following).
 */
final class ExportTarget {
    /** Writes a whole document to a stream. */
    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private ExportTarget() {
    }

    /** {@code file} as an absolute path, if it can be written: its folder exists, it is no folder, it is new or may be replaced. */
    static Path check(Path file, boolean overwrite) {
        Path f = file.toAbsolutePath().normalize();
        Path dir = f.getParent();
        if (dir == null || f.getFileName() == null) {
            throw new IllegalArgumentException(f + " is not a file; give a file name, such as /tmp/trace.json");
        }
        if (Files.isDirectory(f)) {
            throw new IllegalArgumentException(f + " is a folder; give a file in it, such as " + f.resolve("trace.json"));
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(Files.exists(dir) ? dir + " is not a folder; give a file in a folder"
                    : "no folder " + dir + "; create it first, or give a file in an existing folder");
        }
        if (!overwrite && Files.exists(f)) throw exists(f);
        if (!Files.isWritable(dir)) throw new IllegalArgumentException("no permission to write in " + dir);
        return f;
    }

    /**
     * Writes {@code body} to a new file beside {@code f}, then moves it into place in one step:
     * until then {@code f} is untouched, and a failure removes the new file.
     */
    static void writeWhole(Path f, boolean overwrite, Body body) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(f.getParent(), "." + f.getFileName() + ".", ".part");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                body.write(out);
            }
            if (overwrite) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.move(tmp, f); // refuses if the file appeared meanwhile
            }
            tmp = null;
        } catch (IOException e) {
            throw new IllegalArgumentException(why(f, e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more to do: the message above says what failed
                }
            }
        }
    }

    /** Opens {@code f} for a following export: created (or truncated, if it may be replaced) now, written as events come. */
    static OutputStream open(Path f, boolean overwrite) {
        try {
            return overwrite
                    ? Files.newOutputStream(f, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)
                    : Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalArgumentException(why(f, e), e);
        }
    }

    private static IllegalArgumentException exists(Path f) {
        return new IllegalArgumentException(f + " exists; give another file, or overwrite it (passive:export --force)");
    }

    /** What went wrong writing {@code f}, for people (the system's reason, never a Java exception's text). */
    static String why(Path f, IOException e) {
        return switch (e) {
            case FileAlreadyExistsException x -> exists(f).getMessage();
            case AccessDeniedException x -> "no permission to write " + f;
            case NoSuchFileException x -> "no folder " + f.getParent() + "; create it first, or give a file in an existing folder";
            case FileSystemException x when x.getReason() != null -> "cannot write " + f + ": " + x.getReason();
            // A plain IOException from a write carries the system's words alone ("No space left on device").
            case IOException x when x.getClass() == IOException.class && x.getMessage() != null -> "cannot write " + f + ": "
                    + x.getMessage();
            default -> "cannot write " + f + ": an I/O error; check the disk and the folder";
        };
    }
}
