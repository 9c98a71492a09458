package dev.llmbench.engine.java;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of threads running one parallel loop at a time, with no allocation per loop: the caller publishes a
 * preallocated {@link Op}, every thread (the caller included) takes units from a shared counter until none are left,
 * and the caller returns when all threads are done. Dynamic hand-out keeps both cores busy when one is
 * descheduled by other load. Idle workers spin briefly (loops of a decode step follow each other within
 * microseconds), then park.
 */
final class WorkerPool implements AutoCloseable {
    /** How long an idle worker spins before parking, ns. */
    private static final long SPIN_NS = 200_000;

    /** A loop body over units {@code [0, units)}; parameters live in the subclass's fields, set before each run. */
    abstract static class Op {
        private final AtomicInteger next = new AtomicInteger();
        private int units;

        /** Runs one unit on thread {@code worker} (0 = the caller, then 1..size-1). */
        abstract void unit(int u, int worker);

        final void drain(int worker) {
            int u;
            while ((u = next.getAndIncrement()) < units) {
                unit(u, worker);
            }
        }
    }

    private final int size;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Op op;
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;

    WorkerPool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be >= 1, got " + size);
        }
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int i = 0; i < workers.length; i++) {
            int id = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("llmbench-java-" + id).unstarted(() -> work(id));
            workers[i].start();
        }
    }

    int size() {
        return size;
    }

    /**
     * Runs {@code op} over {@code units} units on all threads and returns when every unit is done. When a unit throws,
     * on any thread, no further units are handed out, and the call still returns only once every thread has left the
     * loop (so the next call never finds a worker in this one); it then throws the caller's exception, with a
     * worker's added as suppressed, or the worker's.
     */
    void run(Op op, int units) {
        if (units <= 0) {
            return;
        }
        op.units = units;
        op.next.set(0);
        if (workers.length == 0 || units == 1) {
            op.drain(0);
            return;
        }
        this.op = op;
        pending.set(workers.length);
        generation++; // only the caller thread writes it; volatile write publishes op and its fields
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        Throwable own = null;
        try {
            op.drain(0);
        } catch (Throwable t) {
            own = t;
            op.next.set(units); // the workers finish the unit they hold and take no other
        }
        int spins = 0;
        while (pending.get() != 0) {
            if (++spins < 10_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a worker was descheduled: give it the core
            }
        }
        Throwable f = failure;
        failure = null;
        if (own != null) {
            if (f != null) {
                own.addSuppressed(f);
            }
            if (own instanceof RuntimeException e) {
                throw e;
            }
            if (own instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(own);
        }
        if (f != null) {
            throw new IllegalStateException("worker thread failed: " + f, f);
        }
    }

    private void work(int id) {
        long seen = 0;
        while (true) {
            long start = 0;
            int spins = 0;
            while (generation == seen) {
                if (closed) {
                    return;
                }
                if ((++spins & 63) == 0) {
                    long now = System.nanoTime();
                    if (start == 0) {
                        start = now;
                    } else if (now - start > SPIN_NS) {
                        LockSupport.park(this);
                        continue;
                    }
                }
                Thread.onSpinWait();
            }
            seen = generation;
            try {
                op.drain(id);
            } catch (Throwable t) {
                failure = t;
                op.next.set(op.units); // no further units for anyone
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
