package dev.llmbench.site.diff;

import java.util.List;

/**
 * Two releases compared.
 *
 * @param oldRelease   tag of the older release
 * @param newRelease   tag of the newer release
 * @param threshold    smallest relative change that counts (0.05 = 5 %)
 * @param alpha        significance level of the test
 * @param engines      engines measured in both releases
 * @param unmatched    runs present in only one of the releases
 */
public record ReleaseDiff(String oldRelease, String newRelease, double threshold, double alpha, List<EngineDiff> engines,
                          List<Unmatched> unmatched) {
    /**
     * An "engine / model" run measured in release {@code onlyIn} alone; {@code contextSuite} when it is the engine's
     * context suite (its scenario file may have a counterpart).
     */
    public record Unmatched(String run, String onlyIn, boolean contextSuite) {
        public Unmatched(String run, String onlyIn) {
            this(run, onlyIn, false);
        }
    }

    public ReleaseDiff {
        engines = List.copyOf(engines);
        unmatched = List.copyOf(unmatched);
    }

    public long count(Verdict v) {
        return engines.stream().mapToLong(e -> e.count(v)).sum();
    }

    /** True when any cell got significantly worse. */
    public boolean hasRegression() {
        return count(Verdict.WORSE) > 0;
    }
}
