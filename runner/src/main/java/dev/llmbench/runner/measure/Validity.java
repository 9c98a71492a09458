package dev.llmbench.runner.measure;

import dev.llmbench.results.RunSample;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.Warning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validity checks over finished scenarios, recomputed whenever a scenario is added. Runtime observations (NaN in
 * logits) are recorded by the session as they happen; see {@link #nonFiniteLogits(String)}.
 */
public final class Validity {
    /** Coefficient of variation (sample stddev / mean) above which a scenario's samples are called noisy. */
    public static final double CV_THRESHOLD = 0.10;

    public static final String NAN_LOGITS = "nan_logits";
    public static final String TOKEN_COUNT_MISMATCH = "token_count_mismatch";
    public static final String INVALID_TOKEN_ID = "invalid_token_id";
    public static final String NONDETERMINISTIC = "nondeterministic_output";
    public static final String TTFT_NOT_GROWING = "ttft_not_growing";
    public static final String HIGH_CV = "high_cv";

    private Validity() {
    }

    public static Warning nonFiniteLogits(String scenario) {
        return new Warning(NAN_LOGITS, "the engine saw NaN or infinite values in the logits; the generated"
                + " tokens and timings may be meaningless", scenario);
    }

    /** Warnings derived from the samples alone, in scenario order, then the cross-scenario TTFT check. */
    public static List<Warning> check(List<ScenarioResult> scenarios, int vocab) {
        List<Warning> out = new ArrayList<>();
        for (ScenarioResult s : scenarios) {
            tokenCounts(s, vocab, out);
            determinism(s, out);
            variation(s, out);
        }
        ttftGrowth(scenarios, out);
        return out;
    }

    private static void tokenCounts(ScenarioResult s, int vocab, List<Warning> out) {
        for (RunSample r : s.runs()) {
            int made = r.tokens();
            if (made != s.decodeTokens()) {
                out.add(new Warning(TOKEN_COUNT_MISMATCH, "run " + r.index() + " generated " + made
                        + " tokens, the scenario asked for " + s.decodeTokens(), s.id()));
                return;
            }
        }
        for (RunSample r : s.runs()) {
            for (int id : r.generatedIds()) {
                if (id < 0 || id >= vocab) {
                    out.add(new Warning(INVALID_TOKEN_ID, "run " + r.index() + " generated id " + id
                            + " outside the vocabulary [0, " + vocab + ")", s.id()));
                    return;
                }
            }
        }
    }

    private static void determinism(ScenarioResult s, List<Warning> out) {
        List<RunSample> runs = s.runs();
        for (int i = 1; i < runs.size(); i++) {
            if (!runs.get(i).generatedIds().equals(runs.get(0).generatedIds())) {
                int at = firstDifference(runs.get(0).generatedIds(), runs.get(i).generatedIds());
                out.add(new Warning(NONDETERMINISTIC, "greedy decoding gave different tokens: run " + runs.get(i).index()
                        + " differs from run " + runs.get(0).index() + " at generated token " + at, s.id()));
                return;
            }
        }
    }

    private static int firstDifference(List<Integer> a, List<Integer> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return i;
            }
        }
        return n;
    }

    private static void variation(ScenarioResult s, List<Warning> out) {
        List<RunSample> measured = s.measuredRuns();
        if (measured.size() < 2) {
            return;
        }
        double ttftCv = Statistics.of(measured.stream().mapToDouble(RunSample::ttftMs).toArray()).cv();
        double tpsCv = Statistics.of(measured.stream().mapToDouble(RunSample::decodeTps).toArray()).cv();
        List<String> noisy = new ArrayList<>();
        if (ttftCv > CV_THRESHOLD) {
            noisy.add("TTFT " + percent(ttftCv));
        }
        if (tpsCv > CV_THRESHOLD) {
            noisy.add("decode TPS " + percent(tpsCv));
        }
        if (!noisy.isEmpty()) {
            out.add(new Warning(HIGH_CV, "coefficient of variation above " + percent(CV_THRESHOLD) + ": "
                    + String.join(", ", noisy) + "; the machine may be busy or throttling", s.id()));
        }
    }

    /** A longer prompt must take longer to prefill; equal or lower median TTFT suggests padding or caching. */
    private static void ttftGrowth(List<ScenarioResult> scenarios, List<Warning> out) {
        Map<Integer, ScenarioResult> fastestPerLength = new TreeMap<>();
        for (ScenarioResult s : scenarios) {
            if (s.measuredRuns().isEmpty()) {
                continue;
            }
            fastestPerLength.merge(s.promptTokens(), s,
                    (a, b) -> medianTtft(a) <= medianTtft(b) ? a : b);
        }
        List<ScenarioResult> sorted = fastestPerLength.values().stream()
                .sorted(Comparator.comparingInt(ScenarioResult::promptTokens)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            ScenarioResult shorter = sorted.get(i - 1);
            ScenarioResult longer = sorted.get(i);
            if (medianTtft(longer) <= medianTtft(shorter)) {
                out.add(new Warning(TTFT_NOT_GROWING, "median TTFT does not grow with prompt length: "
                        + longer.promptTokens() + " tokens took " + ms(medianTtft(longer)) + " ms, "
                        + shorter.promptTokens() + " tokens (" + shorter.id() + ") took " + ms(medianTtft(shorter))
                        + " ms; the engine may pad prompts or reuse a cache", longer.id()));
            }
        }
    }

    private static double medianTtft(ScenarioResult s) {
        return Statistics.of(s.measuredRuns().stream().mapToDouble(RunSample::ttftMs).toArray()).median();
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
