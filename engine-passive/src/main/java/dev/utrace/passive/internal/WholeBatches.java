package dev.utrace.passive.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Holds what a following export writes until it flushes, then hands it to the file in one write:
 * the file grows by whole batches of whole events, not by whatever fills a buffer, so a reader (or
 * a process killed between two batches) sees only complete lines. A write in progress can still be
 * seen half done; readers are told to skip an incomplete last line.
 */
final class WholeBatches extends OutputStream {
    private final OutputStream file;
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);

    WholeBatches(OutputStream file) {
        this.file = file;
    }

    @Override
    public void write(int b) {
        batch.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        batch.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        if (batch.size() > 0) {
            batch.writeTo(file);
            batch.reset();
        }
        file.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            file.close();
        }
    }
}
