package dev.llmbench.runner.measure;

import dev.llmbench.engine.Engine;
import dev.llmbench.results.CacheFill;
import dev.llmbench.results.ContextPosition;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs the context suite at one KV cache position on a loaded engine: each run fills the cache to the position (the
 * engine's direct fill when it has one, else a real prefill of that many prompt tokens), then times decode steps one
 * after the other. The fill is timed too, but apart from the steps.
 */
public final class ContextRunner {
    private static final double NS_PER_MS = 1_000_000.0;

    /** Told after every run, outside the timed loop. */
    public interface Listener {
        void runFinished(int position, ContextPosition.Run run, int runsDone, int runsTotal);
    }

    /** What a position produced. {@code sawNonFiniteLogits}: the engine saw NaN or infinity in some run. */
    public record Outcome(ContextPosition result, boolean sawNonFiniteLogits) {
    }

    private final Engine engine;
    private final Clock clock;
    private final BooleanSupplier cancelled;
    private final long seed;
    private final Optional<Engine.CacheFiller> filler;

    /** @param seed seed of the direct fill's random values */
    public ContextRunner(Engine engine, Clock clock, BooleanSupplier cancelled, long seed) {
        this.engine = engine;
        this.clock = clock;
        this.cancelled = cancelled;
        this.seed = seed;
        this.filler = engine.cacheFiller();
    }

    /** How this engine reaches a position. */
    public CacheFill fill() {
        return filler.isPresent() ? CacheFill.DIRECT : CacheFill.PREFILL;
    }

    /** Prompt tokens the runs need to reach {@code lastPosition}: all of them for a prefill, one for a direct fill. */
    public int promptTokens(int lastPosition) {
        return filler.isPresent() ? 1 : lastPosition;
    }

    /**
     * @param prompt at least {@link #promptTokens}{@code (position)} ids
     * @throws RunCancelledException when {@code cancelled} turned true; checked between runs
     */
    public Outcome run(int position, int steps, int warmupRuns, int measuredRuns, int[] prompt, Listener listener)
            throws RunCancelledException {
        long[] marks = new long[steps + 1];
        int total = warmupRuns + measuredRuns;
        List<ContextPosition.Run> runs = new ArrayList<>(total);
        boolean nonFinite = false;
        for (int r = 0; r < total; r++) {
            if (cancelled.getAsBoolean()) {
                throw new RunCancelledException();
            }
            engine.reset();
            long start = clock.nanoTime();
            int token;
            if (filler.isPresent()) {
                filler.get().fill(position, seed);
                token = prompt[0];
            } else {
                token = engine.prefill(prompt, position);
            }
            double fillMs = (clock.nanoTime() - start) / NS_PER_MS;
            TimedLoop.steps(engine, clock, token, steps, marks);
            nonFinite |= engine.sawNonFiniteLogits();
            List<Double> stepMs = new ArrayList<>(steps);
            for (int k = 0; k < steps; k++) {
                stepMs.add((marks[k + 1] - marks[k]) / NS_PER_MS);
            }
            ContextPosition.Run run = new ContextPosition.Run(r, r < warmupRuns, fillMs, stepMs);
            runs.add(run);
            listener.runFinished(position, run, r + 1, total);
        }
        return new Outcome(new ContextPosition(position, fill(), steps, runs), nonFinite);
    }
}
