package dev.llmbench.results;

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
 */
public record RunSample(int index, boolean warmup, double ttftMs, List<Double> stepMs, List<Integer> generatedIds,
                        KernelStats kernel) {
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
