package dev.llmbench.runner.measure;

import java.util.Arrays;

/** Measures the cost of one clock read, recorded as {@code protocol.timer_overhead_ns}. */
public final class TimerOverhead {
    private static final int BATCHES = 101;
    private static final int READS_PER_BATCH = 1000;
    /** Keeps the reads from being optimised away. */
    private static volatile long sink;

    private TimerOverhead() {
    }

    /** Median over batches of (time of a batch of back-to-back reads) / reads, in nanoseconds. */
    public static double measureNs(Clock clock) {
        double[] perRead = new double[BATCHES];
        long acc = 0;
        for (int b = 0; b < BATCHES; b++) {
            long start = clock.nanoTime();
            for (int i = 0; i < READS_PER_BATCH; i++) {
                acc += clock.nanoTime();
            }
            long end = clock.nanoTime();
            perRead[b] = (double) (end - start) / (READS_PER_BATCH + 1);
        }
        sink = acc;
        Arrays.sort(perRead);
        return Math.max(0.0, perRead[BATCHES / 2]);
    }
}
