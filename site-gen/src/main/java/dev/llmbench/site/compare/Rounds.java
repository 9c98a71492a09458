package dev.llmbench.site.compare;

import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.LoadMetrics;
import dev.llmbench.results.Protocol;
import dev.llmbench.results.RunInfo;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.results.Statistics;
import dev.llmbench.results.Warning;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One revision's rounds of a comparison, merged into one results file: each round is a separate process that ran
 * the suite with a few measured runs; together they hold every sample of that revision. Per scenario the
 * warm-ups of all rounds come first, then the measured runs in round order, renumbered. Load times are the median
 * over the rounds, peak memory the highest round's peak.
 */
public final class Rounds {
    private Rounds() {
    }

    /**
     * @throws IllegalArgumentException when the rounds did not measure the same thing (engine, settings, model,
     *                                  protocol, scenarios, machine) or one did not complete; the message names it
     */
    public static BenchmarkResults merge(List<BenchmarkResults> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no rounds to merge");
        }
        BenchmarkResults first = rounds.getFirst();
        for (int i = 0; i < rounds.size(); i++) {
            BenchmarkResults r = rounds.get(i);
            String where = "round " + (i + 1);
            if (r.run().status() != RunStatus.COMPLETE) {
                throw new IllegalArgumentException(where + " is " + r.run().status().name().toLowerCase()
                        + (r.run().error() == null ? "" : ": " + r.run().error()));
            }
            same(where, "engine", first, r, BenchmarkResults::engine);
            same(where, "model", first, r, BenchmarkResults::model);
            same(where, "environment", first, r, BenchmarkResults::environment);
            same(where, "release", first, r, b -> b.run().release());
            same(where, "tool", first, r, b -> b.run().tool());
            same(where, "protocol", first, r, b -> List.of(b.protocol().suite(), b.protocol().clock(),
                    b.protocol().ignoreEos(), b.protocol().promptSource(), b.protocol().seed()));
            same(where, "scenarios", first, r, b -> b.scenarios().stream()
                    .map(s -> s.id() + ":" + s.promptTokens() + "+" + s.decodeTokens()).toList());
        }

        List<ScenarioResult> scenarios = new ArrayList<>();
        for (int s = 0; s < first.scenarios().size(); s++) {
            ScenarioResult proto = first.scenarios().get(s);
            List<RunSample> warmups = new ArrayList<>();
            List<RunSample> measured = new ArrayList<>();
            for (BenchmarkResults r : rounds) {
                for (RunSample run : r.scenarios().get(s).runs()) {
                    (run.warmup() ? warmups : measured).add(run);
                }
            }
            List<RunSample> runs = new ArrayList<>();
            for (RunSample run : warmups) {
                runs.add(renumbered(run, runs.size()));
            }
            for (RunSample run : measured) {
                runs.add(renumbered(run, runs.size()));
            }
            scenarios.add(new ScenarioResult(proto.id(), proto.promptTokens(), proto.decodeTokens(), runs));
        }

        Protocol p = first.protocol();
        Protocol protocol = new Protocol(p.suite(), rounds.stream().mapToInt(r -> r.protocol().warmupRuns()).sum(),
                rounds.stream().mapToInt(r -> r.protocol().measuredRuns()).sum(), p.clock(),
                median(rounds, r -> r.protocol().timerOverheadNs()), p.ignoreEos(), p.promptSource(), p.seed());
        LoadMetrics l = first.load();
        LoadMetrics load = new LoadMetrics(median(rounds, r -> r.load().compileMs()), median(rounds, r -> r.load().weightLoadMs()),
                max(rounds, r -> r.load().peakMemoryBytes()), l.peakMemoryMethod(),
                max(rounds, r -> r.load().deviceMemoryBytes()), l.deviceMemoryMethod());
        RunInfo run = new RunInfo(first.run().release(), RunStatus.COMPLETE, first.run().startedAt(),
                rounds.getLast().run().finishedAt(), null, first.run().tool());
        LinkedHashSet<Warning> warnings = new LinkedHashSet<>();
        rounds.forEach(r -> warnings.addAll(r.warnings()));
        return new BenchmarkResults(first.schemaVersion(), run, first.environment(), first.engine(), first.model(),
                protocol, load, scenarios, List.copyOf(warnings));
    }

    private static RunSample renumbered(RunSample r, int index) {
        return new RunSample(index, r.warmup(), r.ttftMs(), r.stepMs(), r.generatedIds(), r.kernel());
    }

    private static <T> void same(String where, String what, BenchmarkResults first, BenchmarkResults other,
                                 Function<BenchmarkResults, T> part) {
        T a = part.apply(first);
        T b = part.apply(other);
        if (!Objects.equals(a, b)) {
            throw new IllegalArgumentException(where + " measured a different " + what + " than round 1: " + b + " instead of " + a);
        }
    }

    private static double median(List<BenchmarkResults> rounds, Function<BenchmarkResults, Double> value) {
        return Statistics.of(rounds.stream().map(value).toList()).median();
    }

    private static Long max(List<BenchmarkResults> rounds, Function<BenchmarkResults, Long> value) {
        return rounds.stream().map(value).filter(Objects::nonNull).max(Long::compare).orElse(null);
    }
}
