package dev.llmbench.engine.java;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPoolTest {
    @Test
    void everyUnitRunsExactlyOnce() {
        try (WorkerPool pool = new WorkerPool(3)) {
            AtomicIntegerArray seen = new AtomicIntegerArray(1000);
            WorkerPool.Op op = new WorkerPool.Op() {
                @Override
                void unit(int u, int worker) {
                    seen.incrementAndGet(u);
                }
            };
            for (int round = 0; round < 20; round++) {
                pool.run(op, 1000);
            }
            for (int u = 0; u < 1000; u++) {
                assertThat(seen.get(u)).as("unit %d", u).isEqualTo(20);
            }
        }
    }

    /** The caller's own unit throws while workers are still inside theirs: run waits for them before it throws. */
    @Test
    void aFailureOnTheCallerThreadWaitsForTheWorkers() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            WorkerPool.Op op = new WorkerPool.Op() {
                @Override
                void unit(int u, int worker) {
                    started.incrementAndGet();
                    if (worker == 0) {
                        while (inside.get() == 0) {
                            Thread.onSpinWait(); // until the worker is inside a unit
                        }
                        throw new IllegalArgumentException("unit " + u + " failed");
                    }
                    inside.incrementAndGet();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inside.decrementAndGet();
                }
            };
            assertThatThrownBy(() -> pool.run(op, 1000)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failed");
            assertThat(inside.get()).as("workers still inside the loop when run returned").isZero();
            assertThat(started.get()).as("units handed out after the failure").isLessThan(10);
            // the pool stays usable
            AtomicInteger count = new AtomicInteger();
            pool.run(new WorkerPool.Op() {
                @Override
                void unit(int u, int worker) {
                    count.incrementAndGet();
                }
            }, 100);
            assertThat(count.get()).isEqualTo(100);
        }
    }

    @Test
    void aWorkerFailureIsReported() {
        try (WorkerPool pool = new WorkerPool(2)) {
            WorkerPool.Op op = new WorkerPool.Op() {
                @Override
                void unit(int u, int worker) {
                    if (worker != 0) {
                        throw new IllegalStateException("worker unit " + u);
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            assertThatThrownBy(() -> pool.run(op, 200)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("worker thread failed");
        }
    }
}
