package dev.llmbench.results;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one set of validity rules over measured samples. The runner applies them whenever a scenario finishes and
 * writes what they find into the file; a reader (the site generator, {@code diff}) decides them again from the
 * samples ({@link #recheck}), so a file written by an older runner, or edited, shows what the rules say today and
 * each warning once; an imported old-tool file without raw samples gets the TTFT rule ({@link #ttftGrowth}).
 * Runtime observations (NaN in logits) are recorded by the runner as they happen ({@link #nonFiniteLogits}) and kept.
 */
public final class Validity {
    /** Coefficient of variation (sample stddev / mean) above which a scenario's samples are called noisy. */
    public static final double CV_THRESHOLD = 0.10;
    /** TTFT counts as flat when it grows by less than this factor while the prompt grows {@link #FLAT_PROMPT_RATIO}-fold. */
    public static final double FLAT_TTFT_RATIO = 1.25;
    public static final double FLAT_PROMPT_RATIO = 4.0;

    public static final String NAN_LOGITS = "nan_logits";
    public static final String TOKEN_COUNT_MISMATCH = "token_count_mismatch";
    public static final String INVALID_TOKEN_ID = "invalid_token_id";
    public static final String NONDETERMINISTIC = "nondeterministic_output";
    public static final String TTFT_NOT_GROWING = "ttft_not_growing";
    public static final String HIGH_CV = "high_cv";
    /** The codes a reader decides again from the samples; invalid ids need the vocabulary, which files do not carry. */
    public static final Set<String> RECHECKED = Set.of(TOKEN_COUNT_MISMATCH, NONDETERMINISTIC, HIGH_CV, TTFT_NOT_GROWING);

    private Validity() {
    }

    /** A scenario's median TTFT at its prompt length: what {@link #ttftGrowth} needs. */
    public record PromptTtft(String scenario, int promptTokens, double medianTtftMs) {
    }

    /**
     * The file's warnings as a reader shows them: those it recorded at run time, or could not be decided again
     * (invalid token ids), kept; the others decided again from its samples, in scenario order.
     */
    public static List<Warning> recheck(BenchmarkResults results) {
        List<Warning> out = new ArrayList<>();
        for (Warning w : results.warnings()) {
            if (!RECHECKED.contains(w.code())) {
                out.add(w);
            }
        }
        out.addAll(check(results.scenarios(), 0));
        return out;
    }

    public static Warning nonFiniteLogits(String scenario) {
        return new Warning(NAN_LOGITS, "the engine saw NaN or infinite values in the logits; the generated"
                + " tokens and timings may be meaningless", scenario);
    }

    /**
     * Warnings derived from the samples alone, in scenario order, then the cross-scenario TTFT check. Token ids are
     * checked against {@code vocab} when it is positive.
     */
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
        for (RunSample r : vocab > 0 ? s.runs() : List.<RunSample>of()) {
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

    private static void ttftGrowth(List<ScenarioResult> scenarios, List<Warning> out) {
        List<PromptTtft> medians = new ArrayList<>();
        for (ScenarioResult s : scenarios) {
            if (!s.measuredRuns().isEmpty()) {
                medians.add(new PromptTtft(s.id(), s.promptTokens(), medianTtft(s)));
            }
        }
        ttftGrowth(medians).ifPresent(out::add);
    }

    /**
     * A longer prompt must take longer to prefill. Taking the fastest scenario of each prompt length: a longer prompt
     * whose median TTFT is not above the next shorter one's is flagged (on the longer scenario); failing that, a TTFT
     * that grows by less than {@link #FLAT_TTFT_RATIO} while the prompt grows at least {@link #FLAT_PROMPT_RATIO}-fold
     * is flagged as flat. Either is the sign of a prefill padded to a fixed window or of a reused cache: TTFT then
     * does not measure the prompt. At most one warning.
     */
    public static Optional<Warning> ttftGrowth(List<PromptTtft> medians) {
        Map<Integer, PromptTtft> fastestPerLength = new TreeMap<>();
        for (PromptTtft m : medians) {
            fastestPerLength.merge(m.promptTokens(), m, (a, b) -> a.medianTtftMs() <= b.medianTtftMs() ? a : b);
        }
        List<PromptTtft> sorted = fastestPerLength.values().stream()
                .sorted(Comparator.comparingInt(PromptTtft::promptTokens)).toList();
        for (int i = 1; i < sorted.size(); i++) {
            PromptTtft shorter = sorted.get(i - 1);
            PromptTtft longer = sorted.get(i);
            if (longer.medianTtftMs() <= shorter.medianTtftMs()) {
                return Optional.of(new Warning(TTFT_NOT_GROWING, "median TTFT does not grow with prompt length: "
                        + longer.promptTokens() + " tokens took " + ms(longer.medianTtftMs()) + " ms, "
                        + shorter.promptTokens() + " tokens (" + shorter.scenario() + ") took " + ms(shorter.medianTtftMs())
                        + " ms; the engine may pad prompts or reuse a cache", longer.scenario()));
            }
        }
        if (sorted.size() >= 2) {
            PromptTtft first = sorted.getFirst();
            PromptTtft last = sorted.getLast();
            double lo = sorted.stream().mapToDouble(PromptTtft::medianTtftMs).min().orElseThrow();
            double hi = sorted.stream().mapToDouble(PromptTtft::medianTtftMs).max().orElseThrow();
            if ((double) last.promptTokens() / first.promptTokens() >= FLAT_PROMPT_RATIO && lo > 0 && hi / lo < FLAT_TTFT_RATIO) {
                return Optional.of(new Warning(TTFT_NOT_GROWING, String.format(Locale.ROOT, "TTFT stays between %.1f and"
                        + " %.1f ms while the prompt grows from %d to %d tokens: the prefill was probably padded to a fixed"
                        + " window, so TTFT does not measure the prompt", lo, hi, first.promptTokens(), last.promptTokens()),
                        null));
            }
        }
        return Optional.empty();
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
