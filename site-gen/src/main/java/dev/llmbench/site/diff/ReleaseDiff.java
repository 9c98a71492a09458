package dev.llmbench.site.diff;

import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Release-to-release comparison, metric by metric. A cell is {@code better} or {@code worse} when the medians differ
 * by at least the threshold in that direction and the raw samples differ significantly (two-sided Mann-Whitney U,
 * p &lt; alpha); {@code unchanged} when the medians differ by less than the threshold; {@code inconclusive} when they
 * differ by more but the samples do not show it (too noisy, or an imported file without samples).
 *
 * @param oldName   what OLD was (release tags)
 * @param newName   what NEW was
 * @param threshold smallest relative change of the median that counts, e.g. 0.03 for 3%
 * @param alpha     significance level of the test
 * @param cells     one per engine, scenario and metric present on both sides
 * @param unmatched engine runs or scenarios present on one side only, as text
 */
public record ReleaseDiff(String oldName, String newName, double threshold, double alpha, List<Cell> cells,
                          List<String> unmatched) {
    public ReleaseDiff {
        cells = List.copyOf(cells);
        unmatched = List.copyOf(unmatched);
    }

    public enum Verdict {
        BETTER, WORSE, UNCHANGED, INCONCLUSIVE;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A metric and which way is better. */
    public enum Metric {
        TTFT_MS("ttft_ms", false, ScenarioSummary::ttftMs),
        DECODE_TPS("decode_tps", true, ScenarioSummary::decodeTps),
        PREFILL_TPS("prefill_tps", true, ScenarioSummary::prefillTps);

        private final String id;
        private final boolean higherIsBetter;
        private final Function<ScenarioSummary, Summary> get;

        Metric(String id, boolean higherIsBetter, Function<ScenarioSummary, Summary> get) {
            this.id = id;
            this.higherIsBetter = higherIsBetter;
            this.get = get;
        }

        public String id() {
            return id;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }
    }

    /**
     * @param change relative change of the median, (new - old) / old
     * @param pValue two-sided p of the samples, or null when a side has fewer than two samples
     */
    public record Cell(String engine, String scenario, Metric metric, double oldMedian, double newMedian, double change,
                       Double pValue, int oldRuns, int newRuns, Verdict verdict) {
    }

    public boolean hasRegression() {
        return cells.stream().anyMatch(c -> c.verdict() == Verdict.WORSE);
    }

    public static ReleaseDiff compare(String oldName, List<EngineReport> older, String newName, List<EngineReport> newer,
                                      double threshold, double alpha) {
        if (!(threshold >= 0) || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("threshold must be >= 0 and alpha in (0, 1)");
        }
        List<Cell> cells = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (EngineReport n : newer) {
            EngineReport o = older.stream().filter(e -> sameRun(e, n)).findFirst().orElse(null);
            if (o == null) {
                unmatched.add(n.label() + ": only in " + newName);
                continue;
            }
            for (ScenarioSummary ns : n.scenarios()) {
                ScenarioSummary os = o.scenarios().stream().filter(s -> s.id().equals(ns.id())
                        && s.promptTokens() == ns.promptTokens() && s.decodeTokens() == ns.decodeTokens()).findFirst().orElse(null);
                if (os == null) {
                    unmatched.add(n.label() + " " + ns.id() + ": only in " + newName);
                    continue;
                }
                for (Metric m : Metric.values()) {
                    Summary a = m.get.apply(os);
                    Summary b = m.get.apply(ns);
                    if (a != null && b != null && a.median() > 0) {
                        cells.add(cell(n.label(), ns.id(), m, a, b, threshold, alpha));
                    }
                }
            }
        }
        for (EngineReport o : older) {
            if (newer.stream().noneMatch(n -> sameRun(o, n))) {
                unmatched.add(o.label() + ": only in " + oldName);
            }
        }
        return new ReleaseDiff(oldName, newName, threshold, alpha, cells, unmatched);
    }

    static Cell cell(String engine, String scenario, Metric m, Summary a, Summary b, double threshold, double alpha) {
        double change = (b.median() - a.median()) / a.median();
        Double p = a.samples().size() >= 2 && b.samples().size() >= 2
                ? MannWhitney.pValue(toArray(a.samples()), toArray(b.samples())) : null;
        Verdict v;
        if (Math.abs(change) < threshold) {
            v = Verdict.UNCHANGED;
        } else if (p == null || p >= alpha) {
            v = Verdict.INCONCLUSIVE;
        } else {
            boolean improved = m.higherIsBetter() ? change > 0 : change < 0;
            v = improved ? Verdict.BETTER : Verdict.WORSE;
        }
        return new Cell(engine, scenario, m, a.median(), b.median(), change, p, a.samples().size(), b.samples().size(), v);
    }

    private static boolean sameRun(EngineReport a, EngineReport b) {
        String ma = a.model() == null ? a.sourceEnvironment().get("model_id") : a.model().name();
        String mb = b.model() == null ? b.sourceEnvironment().get("model_id") : b.model().name();
        return a.label().equals(b.label()) && Objects.equals(ma, mb);
    }

    private static double[] toArray(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
