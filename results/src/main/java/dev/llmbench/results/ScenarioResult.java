package dev.llmbench.results;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One scenario: a prompt of exactly {@code promptTokens} tokens, then exactly {@code decodeTokens} generated tokens.
 *
 * @param id           scenario id, e.g. {@code S1}; descriptions are localised by the site generator from it
 * @param promptTokens prompt length in tokens
 * @param decodeTokens generated tokens per run (the first comes from the prefill)
 * @param runs         warm-up and measured runs, in the order they ran (one stream)
 * @param concurrency  levels of several simultaneous streams ({@code --concurrency}), by streams ascending; empty when
 *                     none were run
 */
public record ScenarioResult(String id, int promptTokens, int decodeTokens, List<RunSample> runs,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConcurrencyLevel> concurrency) {
    public ScenarioResult {
        Checks.notBlank(id, "scenarios[].id");
        Checks.positive(promptTokens, "scenarios[].prompt_tokens");
        Checks.positive(decodeTokens, "scenarios[].decode_tokens");
        runs = List.copyOf(Checks.notNull(runs, "scenarios[].runs"));
        concurrency = concurrency == null ? List.of() : List.copyOf(concurrency);
        for (ConcurrencyLevel level : concurrency) {
            for (ConcurrencyLevel.Round round : level.rounds()) {
                checkSteps(id, decodeTokens, round.streams());
            }
        }
        checkSteps(id, decodeTokens, runs);
    }

    /** A scenario of one-stream runs only. */
    public ScenarioResult(String id, int promptTokens, int decodeTokens, List<RunSample> runs) {
        this(id, promptTokens, decodeTokens, runs, List.of());
    }

    public ScenarioResult withConcurrency(List<ConcurrencyLevel> levels) {
        return new ScenarioResult(id, promptTokens, decodeTokens, runs, levels);
    }

    private static void checkSteps(String id, int decodeTokens, List<RunSample> runs) {
        for (RunSample r : runs) {
            if (r.deliveredTokens() != null) {
                if (r.deliveredTokens() > decodeTokens) {
                    throw new IllegalArgumentException("scenarios[" + id + "].runs[" + r.index() + "].delivered_tokens is "
                            + r.deliveredTokens() + ", more than decode_tokens = " + decodeTokens);
                }
            } else if (r.stepMs().size() != decodeTokens - 1) {
                throw new IllegalArgumentException("scenarios[" + id + "].runs[" + r.index() + "].step_ms has "
                        + r.stepMs().size() + " entries, expected decode_tokens - 1 = " + (decodeTokens - 1));
            }
        }
    }

    /** Runs that count for statistics (warm-ups excluded). */
    public List<RunSample> measuredRuns() {
        return runs.stream().filter(r -> !r.warmup()).toList();
    }
}
