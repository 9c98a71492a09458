package dev.llmbench.results;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * One run of a scenario with its raw timings.
 *
 * @param index        0-based position among the scenario's runs (warm-ups first)
 * @param warmup       true for warm-up runs, which statistics leave out
 * @param ttftMs       host wall clock from handing the prompt to the engine until the first generated id is on the host, ms
 * @param stepMs       host wall clock of each later token, ms; length {@code decode_tokens - 1}
 * @param generatedIds the generated token ids (length {@code decode_tokens}); may be empty when not kept
 * @param kernel       device-side kernel statistics when the engine measures them, else null
 * @param deliveredTokens tokens the engine delivered when it stopped short of {@code decode_tokens} (a server that
 *                     ended its stream early), else null: {@code step_ms} then has {@code delivered_tokens - 1} entries
 * @param eventTokens  for engines timed from a token stream: tokens carried by each stream event, in order (a burst of
 *                     3 tokens in one event is a 3, and its two later tokens have a step time of 0); else null
 */
public record RunSample(int index, boolean warmup, double ttftMs, List<Double> stepMs, List<Integer> generatedIds,
                        KernelStats kernel,
                        @JsonInclude(JsonInclude.Include.NON_NULL) Integer deliveredTokens,
                        @JsonInclude(JsonInclude.Include.NON_NULL) List<Integer> eventTokens) {
    public RunSample {
        Checks.nonNegative(index, "runs[].index");
        Checks.finiteNonNegative(ttftMs, "runs[].ttft_ms");
        stepMs = List.copyOf(Checks.notNull(stepMs, "runs[].step_ms"));
        for (int i = 0; i < stepMs.size(); i++) {
            Checks.finiteNonNegative(stepMs.get(i), "runs[].step_ms[" + i + "]");
        }
        generatedIds = generatedIds == null ? List.of() : List.copyOf(generatedIds);
        if (kernel != null && kernel.stepKernelMs().size() != stepMs.size()) {
            throw new IllegalArgumentException("runs[].kernel.step_kernel_ms has " + kernel.stepKernelMs().size()
                    + " entries, expected one per decode step (" + stepMs.size() + ")");
        }
        if (deliveredTokens != null) {
            Checks.positive(deliveredTokens, "runs[].delivered_tokens");
            if (stepMs.size() != deliveredTokens - 1) {
                throw new IllegalArgumentException("runs[].step_ms has " + stepMs.size()
                        + " entries, expected delivered_tokens - 1 = " + (deliveredTokens - 1));
            }
        }
        if (eventTokens != null) {
            eventTokens = List.copyOf(eventTokens);
            int sum = 0;
            for (int i = 0; i < eventTokens.size(); i++) {
                sum += Checks.positive(eventTokens.get(i), "runs[].event_tokens[" + i + "]");
            }
            if (sum != stepMs.size() + 1) {
                throw new IllegalArgumentException("runs[].event_tokens add up to " + sum
                        + " tokens, the run has " + (stepMs.size() + 1));
            }
        }
    }

    /** A run of an engine that made every token asked for and was not timed from a stream. */
    public RunSample(int index, boolean warmup, double ttftMs, List<Double> stepMs, List<Integer> generatedIds,
                     KernelStats kernel) {
        this(index, warmup, ttftMs, stepMs, generatedIds, kernel, null, null);
    }

    /**
     * Tokens this run made: its generated ids when kept, else one for the TTFT and one per step. A run whose count
     * differs from its scenario's {@code decode_tokens} is invalid (the {@code token_count_mismatch} warning).
     */
    public int tokens() {
        return generatedIds.isEmpty() ? stepMs.size() + 1 : generatedIds.size();
    }

    /** Decode tokens per second of this run: (tokens - 1) / sum of step times. NaN when there are no steps. */
    public double decodeTps() {
        double sum = 0;
        for (double s : stepMs) {
            sum += s;
        }
        return stepMs.isEmpty() || sum <= 0 ? Double.NaN : stepMs.size() * 1000.0 / sum;
    }

    /** Prefill tokens per second of this run: prompt tokens / TTFT. NaN when the TTFT is 0. */
    public double prefillTps(int promptTokens) {
        return ttftMs > 0 ? promptTokens * 1000.0 / ttftMs : Double.NaN;
    }

    /** Per-step tokens per second of decode step {@code i}: 1000 / step ms. NaN when the step took no time. */
    public double stepTps(int i) {
        double ms = stepMs.get(i);
        return ms > 0 ? 1000.0 / ms : Double.NaN;
    }

    /**
     * Device-side time measured by the engine.
     *
     * @param prefillKernelMs   kernel time of the prefill, ms
     * @param prefillKernelCount kernels launched by the prefill
     * @param stepKernelMs      kernel time per decode step, ms (same length as step_ms)
     * @param stepKernelCount   kernels launched per decode step
     */
    public record KernelStats(double prefillKernelMs, int prefillKernelCount, List<Double> stepKernelMs,
                              List<Integer> stepKernelCount) {
        public KernelStats {
            Checks.finiteNonNegative(prefillKernelMs, "runs[].kernel.prefill_kernel_ms");
            Checks.nonNegative(prefillKernelCount, "runs[].kernel.prefill_kernel_count");
            stepKernelMs = List.copyOf(Checks.notNull(stepKernelMs, "runs[].kernel.step_kernel_ms"));
            stepKernelCount = List.copyOf(Checks.notNull(stepKernelCount, "runs[].kernel.step_kernel_count"));
            if (stepKernelMs.size() != stepKernelCount.size()) {
                throw new IllegalArgumentException("runs[].kernel.step_kernel_ms and step_kernel_count differ in length");
            }
        }
    }
}
