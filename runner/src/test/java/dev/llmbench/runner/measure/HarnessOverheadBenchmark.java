package dev.llmbench.runner.measure;

import dev.llmbench.engine.Engine;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;
import dev.llmbench.runner.scenario.Scenario;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Benchmark (not a test): what the harness itself costs per decode step, measured with an engine that does no
 * work, and whether the timed loop allocates. Target: under 1 microsecond per step, 0 bytes allocated.
 *
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * $JAVA_HOME/bin/java --add-modules=jdk.incubator.vector \
 *     -cp runner/target/test-classes:runner/target/classes:$(cat runner/target/test-classpath.txt) \
 *     dev.llmbench.runner.measure.HarnessOverheadBenchmark
 * </pre>
 */
public final class HarnessOverheadBenchmark {
    private static final int STEPS = 1_000_000;
    private static final int REPEATS = 15;

    public static void main(String[] args) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        NoOpEngine engine = new NoOpEngine();
        int[] prompt = new int[16];
        long[] marks = new long[STEPS + 2];
        int[] ids = new int[STEPS + 1];

        for (int i = 0; i < 20; i++) {
            TimedLoop.run(engine, Clock.SYSTEM, prompt, prompt.length, 100_000, marks, ids);
        }

        long probe = threads.getThreadAllocatedBytes(thread);
        long probeCost = threads.getThreadAllocatedBytes(thread) - probe;
        double[] perStep = new double[REPEATS];
        long maxAllocated = 0;
        for (int r = 0; r < REPEATS; r++) {
            long before = threads.getThreadAllocatedBytes(thread);
            TimedLoop.run(engine, Clock.SYSTEM, prompt, prompt.length, STEPS + 1, marks, ids);
            long allocated = threads.getThreadAllocatedBytes(thread) - before - probeCost;
            maxAllocated = Math.max(maxAllocated, allocated);
            perStep[r] = (double) (marks[STEPS + 1] - marks[1]) / STEPS;
        }
        Arrays.sort(perStep);

        // the whole scenario path: timed loop plus conversion of the samples afterwards (outside the timing)
        Scenario scenario = new Scenario("B", 16, 100_001);
        ScenarioRunner runner = new ScenarioRunner(engine, Clock.SYSTEM, () -> false);
        double[] scenarioPerStep = new double[5];
        for (int r = 0; r < 5; r++) {
            long t0 = System.nanoTime();
            try {
                runner.run(scenario, prompt, 0, 1, (s, sample, done, total) -> { });
            } catch (RunCancelledException e) {
                throw new IllegalStateException(e);
            }
            scenarioPerStep[r] = (double) (System.nanoTime() - t0) / 100_000;
        }
        Arrays.sort(scenarioPerStep);

        System.out.printf(Locale.ROOT, "clock read (protocol.timer_overhead_ns): %.1f ns%n", TimerOverhead.measureNs(Clock.SYSTEM));
        System.out.printf(Locale.ROOT, "timed loop, no-op engine: median %.1f ns/step, min %.1f, max %.1f (%d x %d steps)%n",
                perStep[REPEATS / 2], perStep[0], perStep[REPEATS - 1], REPEATS, STEPS);
        System.out.printf(Locale.ROOT, "allocated inside the timed loop: %d bytes (worst of %d runs of %d steps)%n",
                maxAllocated, REPEATS, STEPS);
        System.out.printf(Locale.ROOT, "whole run incl. sample conversion after the loop: median %.1f ns/step%n",
                scenarioPerStep[2]);
        System.out.printf(Locale.ROOT, "checksum %d%n", ids[STEPS]);
    }

    /** Does no work: the measured time is the harness's. */
    static class NoOpEngine implements Engine {
        @Override
        public EngineInfo info() {
            return new EngineInfo("noop", "0", null);
        }

        @Override
        public ModelInfo model() {
            return new ModelInfo("noop", "synthetic", "f32", 1, "0", null);
        }

        @Override
        public int vocabSize() {
            return 1024;
        }

        @Override
        public Optional<Tokenizer> tokenizer() {
            return Optional.empty();
        }

        @Override
        public double compileMs() {
            return 0;
        }

        @Override
        public double weightLoadMs() {
            return 0;
        }

        @Override
        public int prefill(int[] ids, int length) {
            return ids[length - 1];
        }

        @Override
        public int decode(int tokenId) {
            return (tokenId + 1) & 1023;
        }

        @Override
        public void reset() {
        }

        @Override
        public void close() {
        }
    }
}
