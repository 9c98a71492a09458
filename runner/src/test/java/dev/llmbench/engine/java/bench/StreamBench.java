package dev.llmbench.engine.java.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.Locale;

/**
 * STREAM-like read bandwidth of this machine: each thread sums its own part of a large off-heap array (far larger
 * than the last-level cache) with f32 vector adds, as four sequential streams; the best of several passes is
 * reported. Its result bounds the
 * decode speed of a bandwidth-bound engine: tokens/s &lt;= bandwidth / bytes of weights read per token.
 *
 * <p>A benchmark, not a test. Run from the repository root:
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *   -cp runner/target/classes:runner/target/test-classes:$(cat runner/target/cp.txt) \
 *   dev.llmbench.engine.java.bench.StreamBench [threads=2] [MiB=2048] [passes=8]
 * </pre>
 */
public final class StreamBench {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private StreamBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 2048;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        double best = measure(threads, mib << 20, passes, true);
        System.out.printf(Locale.ROOT, "read bandwidth, best of %d passes, %d threads, %d MiB: %.2f GB/s%n",
                passes, threads, mib, best);
        System.out.printf(Locale.ROOT, "decode bound for 3.09 GB/token (qwen2.5-1.5b bf16): %.2f tokens/s%n",
                best / 3.087428608);
    }

    /** Best read bandwidth in GB/s (1e9 bytes) over {@code passes} passes. */
    public static double measure(int threads, long bytes, int passes, boolean print) throws Exception {
        try (Arena arena = Arena.ofShared(); Streamer streamer = new Streamer(buffer(arena, bytes), threads)) {
            double best = 0;
            for (int p = 0; p < passes; p++) {
                double gbs = streamer.pass();
                best = Math.max(best, gbs);
                if (print) {
                    System.out.printf(Locale.ROOT, "pass %d: %.2f GB/s%n", p, gbs);
                }
            }
            return best;
        }
    }

    /**
     * A buffer of {@code bytes} for a {@link Streamer}, every 8 bytes distinct: pages of equal content (all zero,
     * say) may be merged by the host (KSM) or the kernel and then read from cache, which inflates the bandwidth
     * several times.
     */
    public static MemorySegment buffer(Arena arena, long bytes) {
        MemorySegment seg = arena.allocate(bytes, 64);
        long mix = 0x9E3779B97F4A7C15L;
        for (long i = 0; i + 8 <= bytes; i += 8) {
            // two floats in [1, 2): normal numbers, so that the sums run at full speed
            seg.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i,
                    (i * mix) >>> 9 & 0x007F_FFFF_007F_FFFFL | 0x3F80_0000_3F80_0000L);
        }
        return seg;
    }

    /**
     * Threads that stay up between passes over one buffer, each summing its own part. Fresh threads per pass read
     * measurably slower at first (the scheduler may start both on one core), which would set the bound too low.
     */
    public static final class Streamer implements AutoCloseable {
        private final MemorySegment seg;
        private final Thread[] threads;
        private final CyclicBarrier start;
        private final CyclicBarrier end;
        private final float[] sink;
        private final long part;
        private volatile boolean closed;

        public Streamer(MemorySegment seg, int threads) {
            this.seg = seg;
            this.threads = new Thread[threads];
            this.start = new CyclicBarrier(threads + 1);
            this.end = new CyclicBarrier(threads + 1);
            this.sink = new float[threads];
            this.part = seg.byteSize() / threads / 256 * 256; // four quarters of whole vectors
            for (int t = 0; t < threads; t++) {
                int id = t;
                this.threads[t] = Thread.ofPlatform().daemon().name("stream-" + t).start(() -> loop(id));
            }
        }

        private void loop(int id) {
            try {
                while (true) {
                    start.await();
                    if (closed) {
                        return;
                    }
                    sink[id] = sum(seg, id * part, part);
                    end.await();
                }
            } catch (InterruptedException | BrokenBarrierException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** One pass over the buffer on all threads; GB/s (1e9 bytes). */
        public double pass() throws Exception {
            long t0 = System.nanoTime();
            start.await();
            end.await();
            double s = (System.nanoTime() - t0) / 1e9;
            if (Float.isNaN(sink[0])) {
                throw new IllegalStateException("unreachable: keeps the sums alive");
            }
            return part * threads.length / s / 1e9;
        }

        @Override
        public void close() throws Exception {
            closed = true;
            start.await();
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    /**
     * Sums {@code bytes} from {@code off} as four quarters read side by side: four sequential streams per thread
     * keep more memory requests in flight than one, and read up to about 1.2x faster on this project's test
     * machine, so the bound is not set too low.
     */
    private static float sum(MemorySegment seg, long off, long bytes) {
        long step = F.vectorByteSize();
        long quarter = bytes / 4 / step * step;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long i = off; i < off + quarter; i += step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, seg, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, seg, i + quarter, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, seg, i + 2 * quarter, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, seg, i + 3 * quarter, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
