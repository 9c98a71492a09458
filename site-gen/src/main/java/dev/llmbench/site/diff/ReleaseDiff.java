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

    /**
     * The cells worse by the verdict whose p-value also holds after the Holm-Bonferroni correction over every cell
     * with a p-value: what the pull-request gate fails on. Each cell is tested at {@code alpha}, so a comparison of
     * many cells on a noisy machine calls some cell worse by chance far more often than {@code alpha} (two identical
     * commits, nine cells of five runs a side: about one run in five); the correction keeps the chance that the gate
     * fails on identical code at most {@code alpha}. Holm: the k-th smallest of m p-values must be at most
     * alpha / (m - k), k from 0, and the first that is not stops the step-down.
     */
    public List<CellDiff> regressionsAfterHolm() {
        List<CellDiff> tested = engines.stream().flatMap(e -> e.cells().stream()).filter(c -> c.pValue() != null)
                .sorted(java.util.Comparator.comparingDouble(CellDiff::pValue)).toList();
        List<CellDiff> held = new java.util.ArrayList<>();
        int m = tested.size();
        for (int k = 0; k < m; k++) {
            CellDiff c = tested.get(k);
            if (c.pValue() > alpha / (m - k)) {
                break;
            }
            if (c.verdict() == Verdict.WORSE) {
                held.add(c);
            }
        }
        return held;
    }
}
