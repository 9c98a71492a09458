package dev.llmbench.results;

import java.util.ArrayList;
import java.util.List;

/**
 * One KV cache position of the context suite: the cache holds {@code position} tokens, then {@code steps} decode
 * steps are timed one after the other (step {@code k} runs at position {@code position + k}), in every run.
 *
 * @param position KV cache entries already there when the first timed step runs
 * @param fill     how the cache was filled to that position
 * @param steps    decode steps timed per run
 * @param runs     warm-up and measured runs, in the order they ran; each filled the cache again
 */
public record ContextPosition(int position, CacheFill fill, int steps, List<Run> runs) {
    public ContextPosition {
        Checks.positive(position, "context[].position");
        Checks.notNull(fill, "context[].fill");
        Checks.positive(steps, "context[].steps");
        runs = List.copyOf(Checks.notNull(runs, "context[].runs"));
        for (Run r : runs) {
            if (r.stepMs().size() != steps) {
                throw new IllegalArgumentException("context[" + position + "].runs[" + r.index() + "].step_ms has "
                        + r.stepMs().size() + " entries, expected steps = " + steps);
            }
        }
    }

    /**
     * The context suite's default positions, as the old tool chose them: powers of two below
     * {@code max_cache_len - prefill_seq_len}, then that last position (1, 2, 4, ..., 16384, 32640 for 32,768 and 128).
     * Empty when the cache is no larger than the prefill window.
     */
    public static List<Integer> defaultPositions(int maxCacheLen, int prefillSeqLen) {
        int last = maxCacheLen - prefillSeqLen;
        List<Integer> out = new ArrayList<>();
        for (int p = 1; p < last; p *= 2) {
            out.add(p);
        }
        if (last >= 1) {
            out.add(last);
        }
        return out;
    }

    /** Runs that count for statistics (warm-ups excluded). */
    public List<Run> measuredRuns() {
        return runs.stream().filter(r -> !r.warmup()).toList();
    }

    /** Every measured step time at this position, ms, run after run. Empty when no run was measured. */
    public List<Double> measuredStepMs() {
        List<Double> all = new ArrayList<>();
        for (Run r : measuredRuns()) {
            all.addAll(r.stepMs());
        }
        return all;
    }

    /** Median, sample stddev, min and max of the measured step times (every step of every measured run). */
    public Statistics stepStatistics() {
        return Statistics.of(measuredStepMs());
    }

    /** Decode tokens per second at this position: 1000 / the median step time. */
    public static double tps(double medianStepMs) {
        return medianStepMs > 0 ? 1000.0 / medianStepMs : Double.NaN;
    }

    /**
     * One run at a position.
     *
     * @param index  0-based among the position's runs, warm-ups first
     * @param warmup true for warm-up runs, which statistics leave out
     * @param fillMs host wall clock of filling the cache to the position, ms (a prefill's time when {@code fill} is
     *               {@code prefill}); not a measured metric of the step
     * @param stepMs host wall clock of each timed decode step, ms
     */
    public record Run(int index, boolean warmup, double fillMs, List<Double> stepMs) {
        public Run {
            Checks.nonNegative(index, "context[].runs[].index");
            Checks.finiteNonNegative(fillMs, "context[].runs[].fill_ms");
            stepMs = List.copyOf(Checks.notNull(stepMs, "context[].runs[].step_ms"));
            for (int i = 0; i < stepMs.size(); i++) {
                Checks.finiteNonNegative(stepMs.get(i), "context[].runs[].step_ms[" + i + "]");
            }
        }
    }
}
