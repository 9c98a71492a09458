package dev.llmbench.runner.scenario;

import java.util.List;
import java.util.TreeSet;

/**
 * The context suite ({@code --suite context}): decode steps timed at KV cache positions, to show how a step slows as
 * the cache fills.
 *
 * @param positions  KV cache positions, ascending without repeats
 * @param steps      decode steps timed per run at each position
 * @param warmupRuns warm-up runs per position
 * @param runs       measured runs per position
 */
public record ContextSuite(List<Integer> positions, int steps, int warmupRuns, int runs) {
    public static final String NAME = "context";
    public static final int DEFAULT_STEPS = 4;
    public static final int DEFAULT_WARMUP_RUNS = 1;
    public static final int DEFAULT_RUNS = 3;
    /** Most decode steps timed per run. */
    public static final int MAX_STEPS = 10_000;

    public ContextSuite {
        positions = List.copyOf(positions);
        if (positions.isEmpty()) {
            throw new IllegalArgumentException("no positions");
        }
        for (int i = 0; i < positions.size(); i++) {
            if (positions.get(i) < 1 || i > 0 && positions.get(i) <= positions.get(i - 1)) {
                throw new IllegalArgumentException("positions must be >= 1 and ascending without repeats, got " + positions);
            }
        }
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be between 1 and " + MAX_STEPS + ", got " + steps);
        }
        if (warmupRuns < 0 || runs < 1) {
            throw new IllegalArgumentException("expected warmupRuns >= 0 and runs >= 1, got " + warmupRuns + " and " + runs);
        }
    }

    /** {@code given} sorted ascending, repeats dropped. */
    public static List<Integer> sorted(List<Integer> given) {
        return List.copyOf(new TreeSet<>(given));
    }

    public int lastPosition() {
        return positions.getLast();
    }

    /** KV cache entries the last position's last step needs: the last position plus the timed steps. */
    public long cacheTokens() {
        return (long) lastPosition() + steps;
    }
}
