package dev.llmbench.runner.session;

import dev.llmbench.engine.Engine;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ContextPosition;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.RunInfo;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.Validity;
import dev.llmbench.results.Warning;
import dev.llmbench.runner.environment.EnvironmentProbe;
import dev.llmbench.runner.environment.ToolVersion;
import dev.llmbench.runner.measure.Clock;
import dev.llmbench.runner.measure.ContextRunner;
import dev.llmbench.runner.measure.Prompts;
import dev.llmbench.runner.measure.RunCancelledException;
import dev.llmbench.runner.measure.TimerOverhead;
import dev.llmbench.runner.scenario.ContextSuite;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One engine through the context suite into one results file: load metrics, environment, protocol, then every
 * position not yet done, the file rewritten after each. Ends complete, failed (a position threw) or interrupted. The
 * file's {@code scenarios} list stays empty; its positions are in {@code context}.
 */
public final class ContextSession extends ResultsSession {

    /**
     * @param release release tag
     * @param suite   positions, steps, warm-up and measured runs
     * @param seed    seed of the prompt generator and of the direct fill
     * @param clock   the protocol's clock
     * @param resume  an earlier context file of the same engine, model and settings whose finished positions are
     *                kept; or null
     */
    public record Settings(String release, ContextSuite suite, long seed, Clock clock, BenchmarkResults resume) {
    }

    private final Settings settings;

    public ContextSession(Engine engine, Settings settings, Path output, Progress progress) {
        super(engine, output, progress);
        this.settings = settings;
    }

    @Override
    public BenchmarkSession.Outcome run() throws IOException {
        ContextSuite suite = settings.suite();
        TreeMap<Integer, ContextPosition> done = kept(suite, settings.resume());
        List<Warning> warnings = new ArrayList<>();
        if (settings.resume() != null) {
            for (Warning w : settings.resume().warnings()) {
                if (Validity.NAN_LOGITS.equals(w.code())) {
                    warnings.add(w);
                }
            }
        }
        List<Integer> todo = suite.positions().stream().filter(p -> !done.containsKey(p)).toList();
        Clock clock = settings.clock();
        ContextRunner runner = new ContextRunner(engine, clock, () -> cancelled, settings.seed());
        int[] prompt = Prompts.build(engine.tokenizer(), engine.vocabSize(), settings.seed(),
                runner.promptTokens(suite.lastPosition()));
        Protocol protocol = new Protocol(ContextSuite.NAME, suite.warmupRuns(), suite.runs(), clock.name(),
                TimerOverhead.measureNs(clock), true, Prompts.source(engine.tokenizer()), settings.seed());
        Instant started = settings.resume() != null ? settings.resume().run().startedAt() : Instant.now();
        BenchmarkResults results = new BenchmarkResults(BenchmarkResults.CURRENT_SCHEMA_VERSION,
                new RunInfo(settings.release(), RunStatus.PARTIAL, started, null, null, ToolVersion.current()),
                EnvironmentProbe.capture(engine.accelerator()), engine.info(), engine.model(), protocol,
                BenchmarkSession.load(engine), List.of(), warnings, List.copyOf(done.values()));
        file.update(results);
        String engineName = engine.info().name();
        progress.contextStarted(engineName, engine.model().name(), todo.size(), done.size());

        for (int i = 0; i < todo.size(); i++) {
            int position = todo.get(i);
            int number = i + 1;
            ContextRunner.Outcome outcome;
            try {
                outcome = runner.run(position, suite.steps(), suite.warmupRuns(), suite.runs(), prompt,
                        (p, run, runsDone, runsTotal) -> progress.contextRunFinished(engineName, p, number, todo.size(),
                                run, runsDone, runsTotal));
            } catch (RunCancelledException e) {
                return end(RunStatus.INTERRUPTED, "interrupted at context position " + position
                        + "; continue with --resume " + file.path());
            } catch (RuntimeException | LinkageError e) {
                String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
                return end(RunStatus.FAILED, "context position " + position + " failed: " + message
                        + "; the file keeps the finished positions, continue with --resume " + file.path());
            }
            done.put(position, outcome.result());
            if (outcome.sawNonFiniteLogits()) {
                warnings.add(Validity.nonFiniteLogits("position " + position));
            }
            file.update(file.current().withContext(List.copyOf(done.values())).withWarnings(List.copyOf(warnings))
                    .withLoad(BenchmarkSession.load(engine)));
        }
        return end(RunStatus.COMPLETE, null);
    }


    /**
     * Positions of the resumed file to keep: every one with the suite's steps and every run present; those outside
     * this run's selection are kept as they are.
     */
    private static TreeMap<Integer, ContextPosition> kept(ContextSuite suite, BenchmarkResults resume) {
        TreeMap<Integer, ContextPosition> kept = new TreeMap<>();
        if (resume == null) {
            return kept;
        }
        for (ContextPosition p : resume.context()) {
            if (!suite.positions().contains(p.position())
                    || p.steps() == suite.steps() && p.runs().size() == suite.warmupRuns() + suite.runs()) {
                kept.put(p.position(), p);
            }
        }
        return kept;
    }
}
