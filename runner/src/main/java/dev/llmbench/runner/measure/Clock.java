package dev.llmbench.runner.measure;

/**
 * The monotonic nanosecond clock of the protocol. Production uses {@link #SYSTEM}; tests inject a clock that the
 * test engine advances by known amounts, so that every statistic can be checked exactly.
 */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public String name() {
            return "System.nanoTime";
        }
    };

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();

    /** Recorded as {@code protocol.clock}. */
    String name();
}
