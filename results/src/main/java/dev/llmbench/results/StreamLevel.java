package dev.llmbench.results;

import java.util.ArrayList;
import java.util.List;

/**
 * One concurrency level of a scenario as the pages show it: aggregate output tokens per second, per-stream TTFT and
 * inter-token latency. One stream is the scenario's own measured runs (each run its own round: its tokens over its
 * TTFT plus its steps); more streams are its {@link ConcurrencyLevel}s.
 *
 * @param streams   simultaneous streams
 * @param outputTps aggregate output tokens/s, one sample per measured round
 * @param ttftMs    TTFT of every measured stream, ms
 * @param itlMs     every step of every measured stream, ms; null when the scenario decodes one token
 */
public record StreamLevel(int streams, Statistics outputTps, Statistics ttftMs, Statistics itlMs) {

    /** The levels of a scenario, one stream first; empty when it was run with one stream only. */
    public static List<StreamLevel> of(ScenarioResult s) {
        if (s.concurrency().isEmpty() || s.measuredRuns().isEmpty()) {
            return List.of();
        }
        List<StreamLevel> out = new ArrayList<>();
        List<Double> tps = new ArrayList<>();
        List<Double> ttft = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        for (RunSample r : s.measuredRuns()) {
            double wall = r.ttftMs() + r.stepMs().stream().mapToDouble(Double::doubleValue).sum();
            tps.add(wall > 0 ? r.tokens() * 1000.0 / wall : Double.NaN);
            ttft.add(r.ttftMs());
            itl.addAll(r.stepMs());
        }
        out.add(new StreamLevel(1, Statistics.of(tps), Statistics.of(ttft), itl.isEmpty() ? null : Statistics.of(itl)));
        for (ConcurrencyLevel level : s.concurrency()) {
            if (!level.measuredRounds().isEmpty()) {
                out.add(new StreamLevel(level.streams(), level.outputTps(), level.ttftMs(), level.itlMs()));
            }
        }
        return out;
    }
}
