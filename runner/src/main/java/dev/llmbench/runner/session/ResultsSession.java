package dev.llmbench.runner.session;

import dev.llmbench.engine.Engine;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.RunStatus;
import dev.llmbench.runner.output.ResultsFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What a scenario session and a context session share: one engine, one results file rewritten as the work goes, the
 * progress lines, and a stop asked from outside (a shutdown hook) that lets the current run finish.
 */
public abstract sealed class ResultsSession permits BenchmarkSession, ContextSession {
    protected final Engine engine;
    protected final ResultsFile file;
    protected final Progress progress;
    protected volatile boolean cancelled;

    protected ResultsSession(Engine engine, Path output, Progress progress) {
        this.engine = engine;
        this.file = new ResultsFile(output);
        this.progress = progress;
    }

    /** Runs the suite into the file and says how it ended. */
    public abstract BenchmarkSession.Outcome run() throws IOException;

    /** Asks the session to stop after the current run and marks the file interrupted now (shutdown hook). */
    public void interrupt() {
        cancelled = true;
        file.interrupt();
    }

    public Path output() {
        return file.path();
    }

    /** Finishes the file as {@code status}, unless the shutdown hook finished it first, and reports how it ended. */
    protected BenchmarkSession.Outcome end(RunStatus status, String error) throws IOException {
        if (!file.finish(status, error, Instant.now())) {
            // the shutdown hook finished the file first
            BenchmarkResults current = file.current();
            RunStatus written = current.run().status();
            progress.finished(engine.info().name(), written, file.path());
            return new BenchmarkSession.Outcome(written, file.path(), current.run().error(), current);
        }
        progress.finished(engine.info().name(), status, file.path());
        return new BenchmarkSession.Outcome(status, file.path(), error, file.current());
    }
}
