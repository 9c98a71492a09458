package dev.llmbench.runner.measure;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class TimedLoopTest {
    /** Advances by the call number, so every reading is known. */
    static final class CountingClock implements Clock {
        long now;
        long calls;

        @Override
        public long nanoTime() {
            calls++;
            now += calls;
            return now;
        }

        @Override
        public String name() {
            return "counting";
        }
    }

    @Test
    void oneClockReadPerTokenAndIdsInOrder() {
        CountingClock clock = new CountingClock();
        long[] marks = new long[5];
        int[] ids = new int[4];
        TimedLoop.run(new HarnessOverheadBenchmark.NoOpEngine(), clock, new int[]{7, 8, 9}, 2, 4, marks, ids);
        assertThat(clock.calls).isEqualTo(5);
        assertThat(marks).containsExactly(1, 3, 6, 10, 15);
        assertThat(ids).containsExactly(8, 9, 10, 11);
        var sample = ScenarioRunner.toSample(0, false, 4, marks, ids, null, null, null);
        assertThat(sample.ttftMs()).isEqualTo(2e-6);
        assertThat(sample.stepMs()).containsExactly(3e-6, 4e-6, 5e-6);
    }

    @Test
    void readingKernelStatsIsNotCountedInTheNextStep() {
        CountingClock clock = new CountingClock();
        long[] marks = new long[4];
        long[] paused = new long[3];
        int[] ids = new int[3];
        double[] kernelMs = new double[3];
        int[] kernelCount = new int[3];
        var timer = new dev.llmbench.engine.Engine.KernelTimer() {
            int calls;

            @Override
            public double lastKernelMs() {
                return ++calls * 0.5;
            }

            @Override
            public int lastKernelCount() {
                return 100 + calls;
            }
        };
        TimedLoop.runWithKernels(new HarnessOverheadBenchmark.NoOpEngine(), timer, clock, new int[]{7, 8}, 2, 3, marks,
                ids, kernelMs, kernelCount, paused);
        // clock readings 1, 3, 6, 10, 15, 21, 28: marks at 1, 3 | 10 | 21, pauses read at 6, 15, 28
        assertThat(marks).containsExactly(1, 3, 10, 21);
        assertThat(paused).containsExactly(3, 5, 7);
        var sample = ScenarioRunner.toSample(0, false, 3, marks, ids, kernelMs, kernelCount, paused);
        assertThat(sample.ttftMs()).isEqualTo(2e-6);
        assertThat(sample.stepMs()).containsExactly(4e-6, 6e-6);
        assertThat(kernelMs).containsExactly(0.5, 1.0, 1.5);
        assertThat(kernelCount).containsExactly(101, 102, 103);
    }

    @Test
    void aStepLaunchedAheadKeepsTheReadingInItsStep() throws RunCancelledException {
        // an engine whose device runs through the host's reading of the stats (its next step already launched): a
        // step is the whole time between two tokens on the host, and one that waits has the reading left out
        for (boolean waits : new boolean[]{true, false}) {
            var engine = new HarnessOverheadBenchmark.NoOpEngine() {
                @Override
                public java.util.Optional<KernelTimer> kernelTimer() {
                    return java.util.Optional.of(new KernelTimer() {
                        @Override
                        public double lastKernelMs() {
                            return 0.001;
                        }

                        @Override
                        public int lastKernelCount() {
                            return 1;
                        }

                        @Override
                        public boolean deviceWaitsForReading() {
                            return waits;
                        }
                    });
                }
            };
            var runner = new ScenarioRunner(engine, new CountingClock(), () -> false);
            var outcome = runner.run(new dev.llmbench.runner.scenario.Scenario("S", 2, 3), new int[]{7, 8}, 0, 1,
                    (scenario, sample, done, total) -> { });
            // clock readings 1, 3, 6, 10, 15, 21, 28: marks at 1, 3 | 10 | 21, the readings of the stats end at 6, 15, 28
            var steps = outcome.result().runs().get(0).stepMs();
            if (waits) {
                assertThat(steps).as("the device waits: the reading is left out").containsExactly(4e-6, 6e-6);
            } else {
                assertThat(steps).as("the device goes on: token to token").containsExactly(7e-6, 11e-6);
            }
        }
    }

    @Test
    void theTimedLoopDoesNotAllocate() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        var engine = new HarnessOverheadBenchmark.NoOpEngine();
        int[] prompt = new int[16];
        long[] marks = new long[100_002];
        int[] ids = new int[100_001];
        for (int i = 0; i < 5; i++) {
            TimedLoop.run(engine, Clock.SYSTEM, prompt, 16, 100_001, marks, ids);
        }
        long probe = threads.getThreadAllocatedBytes(thread);
        long probeCost = threads.getThreadAllocatedBytes(thread) - probe;
        long before = threads.getThreadAllocatedBytes(thread);
        TimedLoop.run(engine, Clock.SYSTEM, prompt, 16, 100_001, marks, ids);
        long allocated = threads.getThreadAllocatedBytes(thread) - before - probeCost;
        assertThat(allocated).isZero();
    }
}
