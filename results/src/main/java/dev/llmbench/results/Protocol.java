package dev.llmbench.results;

/**
 * How the samples were taken.
 *
 * @param suite           suite name ({@code default}, {@code quick}) or the suite file's name
 * @param warmupRuns      warm-up runs per scenario (recorded, marked, excluded from statistics)
 * @param measuredRuns    measured runs per scenario
 * @param clock           the clock, e.g. {@code System.nanoTime}
 * @param timerOverheadNs measured cost of one clock read, nanoseconds
 * @param ignoreEos       true: every run generates exactly the asked number of tokens
 * @param promptSource    {@code tokenizer} (fixed text through the model's tokenizer) or {@code seeded} (ids from a seeded generator)
 * @param seed            seed of the prompt generator
 */
public record Protocol(String suite, int warmupRuns, int measuredRuns, String clock, double timerOverheadNs,
                       boolean ignoreEos, String promptSource, long seed) {
    public Protocol {
        Checks.notBlank(suite, "protocol.suite");
        Checks.nonNegative(warmupRuns, "protocol.warmup_runs");
        Checks.positive(measuredRuns, "protocol.measured_runs");
        Checks.notBlank(clock, "protocol.clock");
        Checks.finiteNonNegative(timerOverheadNs, "protocol.timer_overhead_ns");
        Checks.notBlank(promptSource, "protocol.prompt_source");
    }
}
