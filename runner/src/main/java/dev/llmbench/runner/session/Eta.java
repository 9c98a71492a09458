package dev.llmbench.runner.session;

import dev.llmbench.results.RunSample;
import dev.llmbench.runner.scenario.Scenario;

/**
 * Time-left estimate from the rates seen so far: ms per prompt token (prefill) and ms per decode step, applied to
 * the runs still to come.
 */
final class Eta {
    private double ttftMs;
    private long promptTokens;
    private double stepMs;
    private long steps;

    void add(Scenario scenario, RunSample sample) {
        ttftMs += sample.ttftMs();
        promptTokens += scenario.promptTokens();
        for (double s : sample.stepMs()) {
            stepMs += s;
        }
        steps += sample.stepMs().size();
    }

    /** Seconds for {@code runs} more runs of {@code scenario}; NaN before the first sample. */
    double secondsFor(Scenario scenario, int runs) {
        if (promptTokens == 0 || steps == 0) {
            return Double.NaN;
        }
        double perRun = scenario.promptTokens() * (ttftMs / promptTokens)
                + (scenario.decodeTokens() - 1) * (stepMs / steps);
        return runs * perRun / 1000.0;
    }
}
