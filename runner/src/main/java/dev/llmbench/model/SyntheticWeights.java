package dev.llmbench.model;

import dev.llmbench.engine.EngineException;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one definition of the weights of {@code synthetic:NAME}: deterministic random bf16 values of a config's exact
 * shapes. The Java engine fills them on the host with {@link #generate}; a native engine may regenerate the same bits
 * on its device from the functions below instead of copying them.
 *
 * <p>Matrices are uniform in {@code ±sqrt(3 / in_features)} (unit variance in, unit variance out), norm weights
 * {@code 1 ± 0.1}, biases {@code ±0.1}: activations stay O(1) through every layer and the logits are finite.
 *
 * <h2>The bits</h2>
 *
 * Tensors are numbered {@code t = 0, 1, ...} in {@link Weights#expectedShapes} order (the embedding first, then 12
 * tensors per layer, the final norm, and {@code lm_head.weight} last when untied). Element {@code i} (flat,
 * row-major) of tensor {@code t} with name {@code n} and shape {@code s} is a pure function of {@code (seed, t, i)},
 * so any thread may fill any range and the result never depends on the thread count:
 * <pre>{@code
 * base = tensorBase(seed, t)                          // mix(seed ^ (t + 1) * 0x9E3779B97F4A7C15)
 * h    = mix(base + (i >>> 2) * 0xD1B54A32D192ED03)   // one SplitMix64 hash per 4 elements
 * u    = (h >>> (16 * (i & 3))) & 0xFFFF               // element i takes 16 bits of it, lowest first
 * bf16 = element(u, center(n), scale(n, s))
 * }</pre>
 * Integer arithmetic is unsigned 64-bit and wraps ({@code uint64_t} in C); {@code >>>} is a logical shift.
 * {@link #element} computes in f32 with every operation rounded on its own: a native version must not contract it
 * into a fused multiply-add (CUDA: {@code __fmul_rn} and {@code __fadd_rn}; Metal: fast math off), and should be checked
 * against the pinned values below. {@link #scale} takes the square root in double and rounds it to f32 once.
 * Each element is stored as 2 little-endian bytes.
 *
 * <h2>Pinned values</h2>
 *
 * {@code synthetic:tiny}, seed 42 ({@code SyntheticWeightsTest} checks them):
 * <ul>
 *   <li>{@code tensorBase(42, 0) = 0xBDD732262FEB6E95L};</li>
 *   <li>{@code model.embed_tokens.weight} ({@code t = 0}), elements 0..3: {@code 0xBD81 0xBC52 0x3E1B 0x3DAF}
 *       (-0.06298828, -0.012817383, 0.15136719, 0.08544922);</li>
 *   <li>{@code model.layers.1.mlp.down_proj.weight} ({@code t = 24}, shape (64, 160)), element 5000:
 *       {@code 0xBC92} (-0.017822266);</li>
 *   <li>{@code model.norm.weight} ({@code t = 25}), element 0: {@code 0x3F67} (0.90234375);</li>
 *   <li>SHA-256 of the bytes of all 27 tensors, in order, one after the other:
 *       {@code dcc8d14738783b8a3b30ee92441d753fc3c937084ce7f0f09a1705f18ffb45f4}.</li>
 * </ul>
 */
public final class SyntheticWeights {
    /** Golden-ratio increment that separates the tensors' hash streams. */
    static final long TENSOR_STEP = 0x9E3779B97F4A7C15L;
    /** Odd increment that separates the 4-element groups within a tensor. */
    static final long GROUP_STEP = 0xD1B54A32D192ED03L;
    /** Elements per work unit (a multiple of 4: one hash makes four elements). */
    private static final int CHUNK = 1 << 20;
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private SyntheticWeights() {
    }

    /**
     * How one tensor is filled: everything a device kernel needs to regenerate it.
     *
     * @param index  position in {@link Weights#expectedShapes} order
     * @param name   tensor name
     * @param shape  dimensions, outermost first
     * @param base   {@link #tensorBase}{@code (seed, index)}
     * @param center {@link #center}{@code (name)}
     * @param scale  {@link #scale}{@code (name, shape)}
     */
    public record Recipe(int index, String name, long[] shape, long base, float center, float scale) {
        public Recipe {
            shape = shape.clone();
        }

        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The bf16 bits of element {@code i}: the scalar definition {@link #generate} must agree with. */
        public short bits(long i) {
            long h = mix(base + (i >>> 2) * GROUP_STEP);
            return element((int) ((h >>> (16 * (i & 3))) & 0xFFFF), center, scale);
        }

        /** Equal when every component is, the shape compared by its elements. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Recipe r && index == r.index && name.equals(r.name) && Arrays.equals(shape, r.shape)
                    && base == r.base && Float.compare(center, r.center) == 0 && Float.compare(scale, r.scale) == 0;
        }

        @Override
        public int hashCode() {
            return (Objects.hash(index, name, base, center, scale) * 31) + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Recipe[" + index + " " + name + " " + Arrays.toString(shape) + " base=0x" + Long.toHexString(base)
                    + " center=" + center + " scale=" + scale + "]";
        }
    }

    /** The recipe of every tensor of a Qwen2 checkpoint of config {@code c}, in {@link Weights#expectedShapes} order. */
    public static List<Recipe> plan(ModelConfig c, long seed) {
        List<Recipe> plan = new ArrayList<>();
        for (Map.Entry<String, long[]> e : Weights.expectedShapes(c).entrySet()) {
            int t = plan.size();
            plan.add(new Recipe(t, e.getKey(), e.getValue(), tensorBase(seed, t), center(e.getKey()),
                    scale(e.getKey(), e.getValue())));
        }
        return Collections.unmodifiableList(plan);
    }

    /**
     * Half-width of the uniform distribution of a tensor: 0.1 for norm weights ({@code *norm.weight}) and biases
     * ({@code *.bias}); {@code (float) Math.sqrt(3.0 / shape[1])} (double, rounded to f32 once) for matrices.
     */
    public static float scale(String tensorName, long[] shape) {
        if (tensorName.endsWith("norm.weight")) {
            return 0.1f;
        }
        if (tensorName.endsWith(".bias")) {
            return 0.1f;
        }
        return (float) Math.sqrt(3.0 / shape[1]);
    }

    /** Center of the distribution of a tensor: 1 for norm weights ({@code *norm.weight}), else 0. */
    public static float center(String tensorName) {
        return tensorName.endsWith("norm.weight") ? 1f : 0f;
    }

    /** The SplitMix64 finalizer (Stafford's mix 13): a bijective 64-bit hash. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * bf16 bits of {@code center + scale * u}, {@code u} uniform in [-1, 1) from 16 bits: in f32,
     * {@code f = center + (float) (bits16 - 32768) * (scale / 32768f)} (no fused multiply-add), then rounded to the
     * nearest bf16, ties to even: {@code (bits(f) + 0x7FFF + ((bits(f) >>> 16) & 1)) >>> 16}.
     *
     * @param bits16 a value in {@code [0, 65536)}
     */
    public static short element(int bits16, float center, float scale) {
        float f = center + (bits16 - 32768) * (scale / 32768f);
        int b = Float.floatToRawIntBits(f);
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    /** Hash base of tensor number {@code tensorIndex} ({@link Weights#expectedShapes} order, from 0). */
    public static long tensorBase(long seed, int tensorIndex) {
        return mix(seed ^ (tensorIndex + 1) * TENSOR_STEP);
    }

    /**
     * The named tensors of a Qwen2 checkpoint of config {@code c}, filled from {@code seed}, in
     * {@link Weights#expectedShapes} order: host copies in one off-heap block of {@code arena}, each tensor 64-byte
     * aligned. The fill runs on {@code threads} threads (the caller among them; 0 = all available processors), and
     * its result does not depend on their number.
     *
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT} when the block cannot be allocated
     */
    public static Map<String, Tensor> generate(ModelConfig c, long seed, Arena arena, int threads)
            throws EngineException {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        List<Recipe> plan = plan(c, seed);
        long[] offsets = new long[plan.size()];
        long total = 0;
        for (int i = 0; i < plan.size(); i++) {
            offsets[i] = total;
            total += (plan.get(i).numel() * 2 + 63) & ~63L; // 64-byte aligned tensors
        }
        MemorySegment block = allocateUnzeroed(total, arena);
        if (block == null) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, "synthetic weights need " + (total >> 20)
                    + " MiB of native memory and the allocation failed; free memory or choose a smaller model"
                    + " (e.g. synthetic:qwen2.5-0.5b)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        MemorySegment[] data = new MemorySegment[plan.size()];
        int[] unitEnd = new int[plan.size()];
        int units = 0;
        for (int i = 0; i < plan.size(); i++) {
            Recipe r = plan.get(i);
            long n = r.numel();
            data[i] = block.asSlice(offsets[i], n * 2);
            tensors.put(r.name(), new Tensor(r.name(), DType.BF16, r.shape(), data[i]));
            units = Math.addExact(units, Math.toIntExact((n + CHUNK - 1) / CHUNK));
            unitEnd[i] = units;
        }
        int unitCount = units;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            try {
                int t = 0;
                for (int u; (u = next.getAndIncrement()) < unitCount; ) {
                    while (u >= unitEnd[t]) { // units are handed out in increasing order
                        t++;
                    }
                    long first = (long) (u - (t == 0 ? 0 : unitEnd[t - 1])) * CHUNK;
                    Recipe r = plan.get(t);
                    fill(r, data[t], first, Math.min(first + CHUNK, r.numel()));
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
                next.set(unitCount);
            }
        };
        int n = Math.min(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads, Math.max(1, unitCount));
        Thread[] helpers = new Thread[n - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = Thread.ofPlatform().daemon().name("llmbench-synthetic-" + (i + 1)).start(drain);
        }
        drain.run();
        boolean interrupted = false;
        for (Thread h : helpers) {
            while (true) {
                try {
                    h.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the helpers write into the arena: wait for them before returning
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable f = failure.get();
        if (f != null) {
            throw new IllegalStateException("filling synthetic weights failed: " + f, f);
        }
        return tensors;
    }

    /**
     * {@code bytes} of native memory, 64-byte aligned, freed when {@code arena} closes, or null when there is not so
     * much. Unlike {@link Arena#allocate}, it is not zeroed first: {@link #generate} writes every tensor byte, and
     * zeroing 3 GB on one thread (with its page faults) took longer than the fill itself. Falls back to
     * {@link Arena#allocate} where the C library's {@code aligned_alloc} cannot be found.
     */
    private static MemorySegment allocateUnzeroed(long bytes, Arena arena) {
        Linker linker = Linker.nativeLinker();
        var alloc = linker.defaultLookup().find("aligned_alloc");
        var free = linker.defaultLookup().find("free");
        if (alloc.isEmpty() || free.isEmpty()) {
            try {
                return arena.allocate(bytes, 64);
            } catch (OutOfMemoryError e) {
                return null;
            }
        }
        MethodHandle allocate = linker.downcallHandle(alloc.get(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        MethodHandle release = linker.downcallHandle(free.get(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        MemorySegment p;
        try {
            p = (MemorySegment) allocate.invokeExact(64L, bytes);
        } catch (Throwable t) {
            throw new IllegalStateException("aligned_alloc failed: " + t, t);
        }
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        return p.reinterpret(bytes, arena, segment -> {
            try {
                release.invokeExact(segment);
            } catch (Throwable t) {
                throw new IllegalStateException("free failed: " + t, t);
            }
        });
    }

    /** Longs (4-element groups) a vector step hashes: the platform's preferred vector shape. */
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** The same bits as 16-bit fields: one per element, in element order (little-endian lanes). */
    private static final VectorSpecies<Short> SHORTS = VectorShape.preferredShape().withLanes(short.class);
    /** Half of the elements of a step, as f32 and as their f32 bits. */
    private static final VectorSpecies<Float> FLOATS = VectorShape.preferredShape().withLanes(float.class);
    private static final VectorSpecies<Integer> INTS = VectorShape.preferredShape().withLanes(int.class);
    /** The vector loop of {@link #fill}; {@code -Dllmbench.synthetic.scalar=true} turns it off (SyntheticBench). */
    private static final boolean VECTOR_FILL = !Boolean.getBoolean("llmbench.synthetic.scalar");
    /** Elements a vector step fills: 4 per hashed long. */
    static final int STEP = 4 * LONGS.length();
    private static final LongVector GROUP_OFFSETS = LongVector.zero(LONGS).addIndex(1).mul(GROUP_STEP);

    /**
     * Elements {@code [first, end)} of {@code r} into {@code seg}; {@code first} is a multiple of 4. Whole vector
     * steps run {@link #element} on every lane with the Vector API (the same operations in the same order, so the
     * same bits: lanewise multiply then add, no fused multiply-add); the rest runs it one element at a time.
     */
    private static void fill(Recipe r, MemorySegment seg, long first, long end) {
        float s = r.scale();
        float c0 = r.center();
        long base = r.base();
        float k = s / 32768f;
        long i = first;
        if (VECTOR_FILL && FLOATS.length() * 2 == SHORTS.length()) {
            for (; i + STEP <= end; i += STEP) {
                LongVector z = GROUP_OFFSETS.add(base + (i >>> 2) * GROUP_STEP);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 30)).mul(0xBF58476D1CE4E5B9L);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 27)).mul(0x94D049BB133111EBL);
                z = z.lanewise(VectorOperators.XOR, z.lanewise(VectorOperators.LSHR, 31));
                // bits16 - 32768 is bits16 with its top bit flipped, read as a signed short
                ShortVector u = ((ShortVector) z.reinterpretShape(SHORTS, 0)).lanewise(VectorOperators.XOR, (short) 0x8000);
                for (int part = 0; part < 2; part++) {
                    FloatVector f = ((FloatVector) u.convertShape(VectorOperators.S2F, FLOATS, part)).mul(k).add(c0);
                    IntVector b = (IntVector) f.reinterpretShape(INTS, 0);
                    IntVector rounded = b.add(0x7FFF).add(b.lanewise(VectorOperators.LSHR, 16).and(1))
                            .lanewise(VectorOperators.LSHR, 16);
                    ShortVector out = (ShortVector) rounded.convertShape(VectorOperators.I2S,
                            SHORTS.withShape(VectorShape.forBitSize(SHORTS.vectorBitSize() / 2)), 0);
                    out.intoMemorySegment(seg, (i + (long) part * FLOATS.length()) * 2, ByteOrder.LITTLE_ENDIAN);
                }
            }
        }
        for (; i < end; i += 4) {
            long h = mix(base + (i >>> 2) * GROUP_STEP);
            if (i + 4 <= end) {
                long packed = (element((int) (h & 0xFFFF), c0, s) & 0xFFFFL)
                        | (element((int) ((h >>> 16) & 0xFFFF), c0, s) & 0xFFFFL) << 16
                        | (element((int) ((h >>> 32) & 0xFFFF), c0, s) & 0xFFFFL) << 32
                        | (element((int) (h >>> 48), c0, s) & 0xFFFFL) << 48;
                seg.set(LONG_LE, i * 2, packed);
            } else {
                for (long j = i; j < end; j++) {
                    seg.set(Tensor.SHORT, j * 2, element((int) ((h >>> (16 * (j - i))) & 0xFFFF), c0, s));
                }
            }
        }
    }
}
