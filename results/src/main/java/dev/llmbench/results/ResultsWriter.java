package dev.llmbench.results;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes results files atomically: the JSON is made in memory, written to a temporary file beside the target,
 * forced to disk, then renamed over the target. A reader sees the old file or the new one, never half of one,
 * and a failure leaves the old file as it was and no temporary file behind.
 *
 * <p>The JSON is UTF-8, {@code \n} line ends, fields in record-component order, numbers as Java's
 * locale-free shortest form, instants as ISO-8601 UTC.
 */
public final class ResultsWriter {
    private ResultsWriter() {
    }

    public static void write(Path file, BenchmarkResults results) throws IOException {
        byte[] json;
        try {
            json = toJson(results).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalStateException e) {
            throw new IOException("cannot serialise results for " + file + ": " + e.getMessage(), e);
        }
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(json);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            keepUsualPermissions(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            forceDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The file's exact text, ending with a newline. */
    public static String toJson(BenchmarkResults results) {
        try {
            return ResultsJson.mapper().writeValueAsString(results) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise results: " + JsonInput.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Temporary files are created owner-only (rw-------); a results file is shared like any other output, so it gets
     * the permissions of the file it replaces, or rw-r--r--.
     */
    private static void keepUsualPermissions(Path tmp, Path target) throws IOException {
        if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) == null) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, permissions);
    }

    /** Makes the rename durable where the platform allows syncing a directory (Linux, macOS); elsewhere a no-op. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename is still atomic there.
        }
    }
}
