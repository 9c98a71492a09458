package dev.llmbench.site.chart;

import dev.llmbench.site.analysis.EngineReport;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.analysis.ScenarioSummary;
import dev.llmbench.site.analysis.Summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Analysis records built directly, shaped like real runs: the reference's legacy Metal file, a CPU and a GPU engine. */
final class ChartFixtures {
    /** the default suite: id, prompt tokens, decode tokens */
    static final Object[][] SUITE = {
            {"S1", 16, 32}, {"S2", 64, 64}, {"S3", 256, 128}, {"S4", 512, 256}, {"S5", 1024, 128}, {"S6", 64, 512}};

    private ChartFixtures() {
    }

    static ReleaseReport release(String tag, EngineReport... engines) {
        return new ReleaseReport(tag, List.of(engines), null, List.of());
    }

    static EngineReport engine(String label, boolean legacy, List<ScenarioSummary> scenarios) {
        return new EngineReport(label, label + ".json", legacy, null, null, null, null, null, scenarios,
                new EngineReport.Metrics(null, null, null, null, null, false, false), List.of());
    }

    /** The reference page's numbers (flat TTFT from padded prefill), medians and spreads only, as imported. */
    static EngineReport legacyMetal() {
        double[][] v = { // ttft median, ttft sd, decode tps, decode sd, prefill tps
                {4497.9, 33.9, 16.6, 0.2, 4}, {4476.5, 10.1, 16.6, 0.5, 14}, {4493.2, 15.2, 15.9, 0.0, 57},
                {4499.7, 3.0, 15.1, 0.0, 114}, {4492.2, 19.9, 13.9, 0.0, 228}, {4487.8, 11.1, 15.7, 0.1, 14}};
        List<ScenarioSummary> out = new ArrayList<>();
        for (int i = 0; i < SUITE.length; i++) {
            int decode = (int) SUITE[i][2];
            out.add(new ScenarioSummary((String) SUITE[i][0], (int) SUITE[i][1], decode,
                    Summary.ofMedian(v[i][0], v[i][1], true), Summary.ofMedian(v[i][2], v[i][3], true),
                    Summary.ofMedian(v[i][4], 0, true), steps(decode - 1, 16.4, 15.0, 0.25, 7), null, null));
        }
        return engine("NPU (Metal)", true, out);
    }

    /**
     * A run with raw samples: TTFT = fixed + perToken * prompt, decode at about {@code tps}, noise from a seed.
     */
    static EngineReport measured(String label, double fixedMs, double perTokenMs, double tps, long seed) {
        Random rnd = new Random(seed);
        List<ScenarioSummary> out = new ArrayList<>();
        for (Object[] s : SUITE) {
            int prompt = (int) s[1];
            int decode = (int) s[2];
            List<Double> ttft = new ArrayList<>();
            List<Double> dec = new ArrayList<>();
            List<Double> pre = new ArrayList<>();
            for (int run = 0; run < 5; run++) {
                double t = (fixedMs + perTokenMs * prompt) * (1 + 0.03 * rnd.nextGaussian());
                ttft.add(t);
                pre.add(prompt / t * 1000);
                dec.add(tps * (1 - prompt / 20000.0) * (1 + 0.01 * rnd.nextGaussian()));
            }
            out.add(new ScenarioSummary((String) s[0], prompt, decode, Summary.of(ttft), Summary.of(dec),
                    Summary.of(pre), steps(decode - 1, tps * 1.02, tps * 0.96, tps * 0.015, seed + decode),
                    null, null));
        }
        return engine(label, false, out);
    }

    /** per-step TPS drifting from {@code start} to {@code end} with Gaussian noise */
    static List<Double> steps(int n, double start, double end, double noise, long seed) {
        Random rnd = new Random(seed);
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(start + (end - start) * i / Math.max(1, n - 1) + noise * rnd.nextGaussian());
        }
        return out;
    }

    static EngineReport javaCpu(long seed) {
        return measured("java (CPU)", 35, 2.1, 9.4, seed);
    }

    static EngineReport cuda(long seed) {
        return measured("cuda (H100)", 6, 0.045, 142, seed);
    }
}
