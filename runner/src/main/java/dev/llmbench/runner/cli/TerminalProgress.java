package dev.llmbench.runner.cli;

import dev.llmbench.results.ConcurrencyLevel;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.runner.scenario.Scenario;
import dev.llmbench.runner.session.Progress;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Progress on stderr: one redrawn line on a terminal, one plain line per run otherwise (logs, CI).
 */
final class TerminalProgress implements Progress {
    private static final String CLEAR_LINE = "\r\033[K";
    private final PrintStream err;
    private final boolean terminal;
    private boolean lineOpen;

    TerminalProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void started(String engine, String model, int scenarios, int resumed) {
        err.println(Messages.get(resumed > 0 ? "progress.started.resumed" : "progress.started", engine, model, scenarios,
                resumed));
    }

    @Override
    public void runFinished(String engine, Scenario scenario, int scenarioNumber, int scenarioCount, RunSample sample,
                            int runsDone, int runsTotal, double secondsLeft) {
        double prefillTps = sample.prefillTps(scenario.promptTokens());
        String line = Messages.get(sample.warmup() ? "progress.run.warmup" : "progress.run", engine, scenario.id(),
                scenarioNumber, scenarioCount, scenario.promptTokens(), scenario.decodeTokens(), runsDone, runsTotal,
                Numbers.fixed(sample.ttftMs(), 2), Numbers.fixed(prefillTps, 1), Numbers.fixed(sample.decodeTps(), 2),
                Numbers.duration(secondsLeft));
        runLine(line, runsDone == runsTotal);
    }

    @Override
    public void contextStarted(String engine, String model, int positions, int resumed) {
        err.println(Messages.get("progress.context.started", engine, model, positions, resumed));
    }

    @Override
    public void contextRunFinished(String engine, int position, int positionNumber, int positionCount,
                                   ContextPosition.Run run, int runsDone, int runsTotal) {
        double median = dev.llmbench.results.Statistics.of(run.stepMs()).median();
        String line = Messages.get(run.warmup() ? "progress.position.warmup" : "progress.position", engine, position,
                positionNumber, positionCount, runsDone, runsTotal, Numbers.fixed(run.fillMs(), 1),
                Numbers.fixed(median, 3), Numbers.fixed(ContextPosition.tps(median), 2));
        runLine(line, runsDone == runsTotal);
    }

    /** A run's line: rewritten in place on a terminal until the last run of its scenario or position ends it. */
    private void runLine(String line, boolean last) {
        if (terminal) {
            err.print(CLEAR_LINE + line);
            lineOpen = true;
            if (last) {
                err.println();
                lineOpen = false;
            }
            err.flush();
        } else {
            err.println(line);
        }
    }

    @Override
    public void levelFinished(String engine, Scenario scenario, ConcurrencyLevel level) {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
        err.println(Messages.get("progress.level", engine, scenario.id(), level.streams(),
                Numbers.fixed(level.outputTps().median(), 1), Numbers.fixed(level.ttftMs().median(), 2),
                level.itlMs() == null ? "-" : Numbers.fixed(level.itlMs().median(), 3)));
    }

    @Override
    public void finished(String engine, RunStatus status, Path file) {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }
}
