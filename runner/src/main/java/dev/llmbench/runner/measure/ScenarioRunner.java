package dev.llmbench.runner.measure;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.runner.scenario.Scenario;

import dev.llmbench.results.ConcurrencyLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Runs one scenario on a loaded engine: warm-ups then measured runs, each from an empty cache. Buffers are
 * allocated once per scenario; samples are converted to milliseconds after the timed loop.
 */
public final class ScenarioRunner {
    private static final double NS_PER_MS = 1_000_000.0;

    /** Told after every run, outside the timed loop. */
    public interface Listener {
        void runFinished(Scenario scenario, RunSample sample, int runsDone, int runsTotal);
    }

    /** What a scenario produced. {@code sawNonFiniteLogits}: the engine saw NaN or infinity in some run. */
    public record Outcome(ScenarioResult result, boolean sawNonFiniteLogits) {
    }

    private final Engine engine;
    private final Clock clock;
    private final BooleanSupplier cancelled;

    public ScenarioRunner(Engine engine, Clock clock, BooleanSupplier cancelled) {
        this.engine = engine;
        this.clock = clock;
        this.cancelled = cancelled;
    }

    /**
     * @param prompt at least {@code scenario.promptTokens()} ids
     * @throws RunCancelledException when {@code cancelled} turned true; checked between runs
     */
    public Outcome run(Scenario scenario, int[] prompt, int warmupRuns, int measuredRuns, Listener listener)
            throws RunCancelledException {
        int n = scenario.promptTokens();
        int m = scenario.decodeTokens();
        long[] marks = new long[m + 1];
        int[] ids = new int[m];
        Optional<Engine.KernelTimer> timer = engine.kernelTimer();
        double[] kernelMs = timer.isPresent() ? new double[m] : null;
        int[] kernelCount = timer.isPresent() ? new int[m] : null;
        long[] pausedNs = timer.isPresent() ? new long[m] : null;
        int total = warmupRuns + measuredRuns;
        List<RunSample> samples = new ArrayList<>(total);
        boolean nonFinite = false;
        for (int r = 0; r < total; r++) {
            if (cancelled.getAsBoolean()) {
                throw new RunCancelledException();
            }
            engine.reset();
            if (engine instanceof StreamingEngine streaming) {
                StreamingEngine.Run run = streaming.stream(prompt, n, m, clock::nanoTime, marks, ids);
                RunSample sample = streamSample(r, r < warmupRuns, m, marks, ids, run);
                samples.add(sample);
                listener.runFinished(scenario, sample, r + 1, total);
                continue;
            }
            if (timer.isPresent()) {
                TimedLoop.runWithKernels(engine, timer.get(), clock, prompt, n, m, marks, ids, kernelMs, kernelCount,
                        pausedNs);
            } else {
                TimedLoop.run(engine, clock, prompt, n, m, marks, ids);
            }
            nonFinite |= engine.sawNonFiniteLogits();
            RunSample sample = toSample(r, r < warmupRuns, m, marks, ids, kernelMs, kernelCount,
                    timer.isPresent() && timer.get().deviceWaitsForReading() ? pausedNs : null);
            samples.add(sample);
            listener.runFinished(scenario, sample, r + 1, total);
        }
        return new Outcome(new ScenarioResult(scenario.id(), n, m, samples), nonFinite);
    }

    /**
     * One concurrency level: rounds of {@code streams} simultaneous runs of the scenario, each started at once from its
     * own thread and timed as a one-stream run is.
     *
     * @throws RunCancelledException when {@code cancelled} turned true; checked between rounds
     */
    public ConcurrencyLevel runLevel(Scenario scenario, int[] prompt, int streams, int warmupRounds, int measuredRounds)
            throws RunCancelledException {
        if (!(engine instanceof StreamingEngine streaming) || streaming.maxStreams() < streams) {
            throw new IllegalStateException("engine " + engine.info().name() + " serves one stream at a time");
        }
        int n = scenario.promptTokens();
        int m = scenario.decodeTokens();
        long[][] marks = new long[streams][m + 1];
        int[][] ids = new int[streams][m];
        List<ConcurrencyLevel.Round> rounds = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(streams, r -> {
            Thread t = new Thread(r, "llmbench-stream");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int r = 0; r < warmupRounds + measuredRounds; r++) {
                if (cancelled.getAsBoolean()) {
                    throw new RunCancelledException();
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<StreamingEngine.Run>> runs = new ArrayList<>(streams);
                for (int k = 0; k < streams; k++) {
                    int stream = k;
                    runs.add(pool.submit(() -> {
                        start.await();
                        return streaming.stream(prompt, n, m, clock::nanoTime, marks[stream], ids[stream]);
                    }));
                }
                start.countDown();
                List<RunSample> samples = new ArrayList<>(streams);
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                for (int k = 0; k < streams; k++) {
                    StreamingEngine.Run run = result(runs.get(k));
                    samples.add(streamSample(k, r < warmupRounds, m, marks[k], ids[k], run));
                    first = Math.min(first, marks[k][0]);
                    last = Math.max(last, marks[k][run.tokens()]);
                }
                rounds.add(new ConcurrencyLevel.Round(r, r < warmupRounds, (last - first) / NS_PER_MS, samples));
            }
        } finally {
            pool.shutdownNow();
        }
        return new ConcurrencyLevel(streams, rounds);
    }

    private static StreamingEngine.Run result(Future<StreamingEngine.Run> run) {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a stream");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * A run timed from a token stream: TTFT to the first token's event, each later token from the one before (0 for the
     * later tokens of an event that carried several); fewer tokens than asked are kept as {@code delivered_tokens}.
     */
    static RunSample streamSample(int index, boolean warmup, int m, long[] marks, int[] ids, StreamingEngine.Run run) {
        int tokens = run.tokens();
        double ttft = (marks[1] - marks[0]) / NS_PER_MS;
        List<Double> steps = new ArrayList<>(tokens - 1);
        for (int i = 1; i < tokens; i++) {
            steps.add((marks[i + 1] - marks[i]) / NS_PER_MS);
        }
        List<Integer> generated = new ArrayList<>(run.idsKnown() ? tokens : 0);
        if (run.idsKnown()) {
            for (int i = 0; i < tokens; i++) {
                generated.add(ids[i]);
            }
        }
        List<Integer> events = new ArrayList<>(run.eventTokens().length);
        for (int e : run.eventTokens()) {
            events.add(e);
        }
        return new RunSample(index, warmup, ttft, steps, generated, null, tokens < m ? tokens : null, events);
    }

    /**
     * @param pausedNs time between calls spent reading kernel stats, not counted in any step; null when none, or when
     *                 the device did not wait for it (the engine runs ahead): then a step is the whole time between two
     *                 tokens on the host
     */
    static RunSample toSample(int index, boolean warmup, int m, long[] marks, int[] ids, double[] kernelMs,
                              int[] kernelCount, long[] pausedNs) {
        double ttft = (marks[1] - marks[0]) / NS_PER_MS;
        List<Double> steps = new ArrayList<>(m - 1);
        List<Integer> generated = new ArrayList<>(m);
        for (int i = 1; i < m; i++) {
            steps.add((marks[i + 1] - marks[i] - (pausedNs == null ? 0 : pausedNs[i - 1])) / NS_PER_MS);
        }
        for (int i = 0; i < m; i++) {
            generated.add(ids[i]);
        }
        RunSample.KernelStats kernel = null;
        if (kernelMs != null) {
            List<Double> stepKernelMs = new ArrayList<>(m - 1);
            List<Integer> stepKernelCount = new ArrayList<>(m - 1);
            for (int i = 1; i < m; i++) {
                stepKernelMs.add(kernelMs[i]);
                stepKernelCount.add(kernelCount[i]);
            }
            kernel = new RunSample.KernelStats(kernelMs[0], kernelCount[0], stepKernelMs, stepKernelCount);
        }
        return new RunSample(index, warmup, ttft, steps, generated, kernel);
    }
}
