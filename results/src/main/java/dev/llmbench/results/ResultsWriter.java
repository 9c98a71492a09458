package dev.llmbench.results;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a results file atomically: a temporary file beside the target, flushed, then renamed over it. */
public final class ResultsWriter {
    private ResultsWriter() {
    }

    public static void write(Path file, BenchmarkResults results) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ResultsJson.mapper().writeValue(out, results);
                out.write('\n');
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String toJson(BenchmarkResults results) {
        try {
            return ResultsJson.mapper().writeValueAsString(results) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise results", e);
        }
    }
}
