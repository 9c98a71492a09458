package dev.llmbench.results;

import java.util.ArrayList;
import java.util.List;

/**
 * A scenario run with several simultaneous streams ({@code --concurrency}): rounds of {@code streams} runs started
 * together. The scenario's own {@code runs} are the one-stream level.
 *
 * @param streams simultaneous streams, at least 2
 * @param rounds  warm-up and measured rounds, in the order they ran
 */
public record ConcurrencyLevel(int streams, List<Round> rounds) {
    public ConcurrencyLevel {
        if (streams < 2) {
            throw new IllegalArgumentException("scenarios[].concurrency[].streams must be at least 2, got " + streams);
        }
        rounds = List.copyOf(Checks.notNull(rounds, "scenarios[].concurrency[].rounds"));
        for (Round r : rounds) {
            if (r.streams().size() != streams) {
                throw new IllegalArgumentException("scenarios[].concurrency[].rounds[" + r.index() + "] has "
                        + r.streams().size() + " streams, the level has " + streams);
            }
        }
    }

    /**
     * One round: every stream's run, and the round's wall time from the first request sent to the last token.
     *
     * @param index   0-based, warm-ups first
     * @param warmup  true for warm-up rounds, which statistics leave out
     * @param wallMs  from the first request sent to the last token's arrival, ms
     * @param streams each stream's run, timed as a one-stream run is
     */
    public record Round(int index, boolean warmup, double wallMs, List<RunSample> streams) {
        public Round {
            Checks.nonNegative(index, "scenarios[].concurrency[].rounds[].index");
            Checks.finiteNonNegative(wallMs, "scenarios[].concurrency[].rounds[].wall_ms");
            streams = List.copyOf(Checks.notNull(streams, "scenarios[].concurrency[].rounds[].streams"));
        }

        /** Output tokens per second of the round: every stream's tokens / the round's wall time. */
        public double outputTps() {
            int tokens = 0;
            for (RunSample s : streams) {
                tokens += s.tokens();
            }
            return wallMs > 0 ? tokens * 1000.0 / wallMs : Double.NaN;
        }
    }

    public List<Round> measuredRounds() {
        return rounds.stream().filter(r -> !r.warmup()).toList();
    }

    /** Per-stream TTFT of every measured stream, ms. */
    public Statistics ttftMs() {
        List<Double> all = new ArrayList<>();
        for (Round r : measuredRounds()) {
            r.streams().forEach(s -> all.add(s.ttftMs()));
        }
        return Statistics.of(all);
    }

    /** Inter-token latency: every step of every measured stream, ms; null when the scenario decodes one token. */
    public Statistics itlMs() {
        List<Double> all = new ArrayList<>();
        for (Round r : measuredRounds()) {
            r.streams().forEach(s -> all.addAll(s.stepMs()));
        }
        return all.isEmpty() ? null : Statistics.of(all);
    }

    /** Aggregate output tokens per second of the measured rounds. */
    public Statistics outputTps() {
        return Statistics.of(measuredRounds().stream().mapToDouble(Round::outputTps).toArray());
    }
}
