package dev.llmbench.runner.testing;

import dev.llmbench.runner.measure.Clock;

/** A clock that only moves when the fake engine advances it, so that every sample is known in advance. */
public final class TestClock implements Clock {
    public static final TestClock INSTANCE = new TestClock();
    private long now = 1_000_000_000L;

    private TestClock() {
    }

    public void advance(long nanos) {
        now += nanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public String name() {
        return "test-clock";
    }
}
