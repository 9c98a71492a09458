package dev.llmbench.runner.output;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsWriter;
import dev.llmbench.results.RunInfo;
import dev.llmbench.results.RunStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The results file of one engine run, rewritten atomically on every update so that it is valid at any moment.
 * Once a final status is written (complete, failed, interrupted) later updates are ignored: the shutdown hook and
 * the main thread may race at Ctrl-C, and the first final state wins.
 */
public final class ResultsFile {
    private final Path path;
    private BenchmarkResults current;
    private boolean closed;

    public ResultsFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public synchronized BenchmarkResults current() {
        return current;
    }

    /** Writes {@code results} as it is (normally with status partial). */
    public synchronized void update(BenchmarkResults results) throws IOException {
        if (closed) {
            return;
        }
        write(path, results);
        current = results;
    }

    /** Writes the current results once more with a final status and the end time; later updates are ignored. */
    public synchronized boolean finish(RunStatus status, String error, Instant at) throws IOException {
        if (closed || current == null) {
            return false;
        }
        RunInfo run = current.run();
        BenchmarkResults done = current.withRun(new RunInfo(run.release(), status, run.startedAt(), at, error, run.tool()));
        write(path, done);
        current = done;
        closed = true;
        return true;
    }

    /** For the shutdown hook: marks the file interrupted unless it already has a final status. */
    public void interrupt() {
        try {
            finish(RunStatus.INTERRUPTED, "interrupted before every scenario finished; continue with --resume "
                    + path, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, BenchmarkResults results) throws IOException {
        ResultsWriter.write(file, results);
    }
}
