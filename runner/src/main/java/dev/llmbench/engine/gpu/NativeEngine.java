package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.model.Checkpoint;
import dev.llmbench.model.DType;
import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.ModelSource;
import dev.llmbench.model.SyntheticWeights;
import dev.llmbench.model.Tensor;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An engine behind the C ABI of {@code native/include/llmbench_engine.h} (CUDA, Metal), bound with the FFM API.
 *
 * <p>The model is resolved and mapped here, as for every engine ({@link ModelSource}); the library gets a table of
 * {@code lb_tensor} pointing into the mapped files, or, for a synthetic model, each tensor's generator parameters so
 * that it makes the same weights on its device. The timed calls reuse native buffers allocated at open: a step
 * allocates nothing on the Java heap.
 */
final class NativeEngine implements Engine {
    /** {@code lb_tensor}: name, dtype, rank, shape[4], data, bytes, synth_base, synth_center, synth_scale. */
    static final StructLayout TENSOR = MemoryLayout.structLayout(
            ADDRESS.withName("name"), JAVA_INT.withName("dtype"), JAVA_INT.withName("rank"),
            MemoryLayout.sequenceLayout(4, JAVA_LONG).withName("shape"), ADDRESS.withName("data"),
            JAVA_LONG.withName("bytes"), JAVA_LONG.withName("synth_base"), JAVA_FLOAT.withName("synth_center"),
            JAVA_FLOAT.withName("synth_scale"));
    /** {@code lb_model_config}. */
    static final StructLayout CONFIG = MemoryLayout.structLayout(
            JAVA_INT.withName("vocab_size"), JAVA_INT.withName("hidden_size"), JAVA_INT.withName("intermediate_size"),
            JAVA_INT.withName("num_layers"), JAVA_INT.withName("num_heads"), JAVA_INT.withName("num_kv_heads"),
            JAVA_INT.withName("head_dim"), JAVA_FLOAT.withName("rms_norm_eps"), JAVA_FLOAT.withName("rope_theta"),
            JAVA_INT.withName("tie_word_embeddings"));
    /** {@code lb_options}. */
    static final StructLayout OPTIONS = MemoryLayout.structLayout(
            JAVA_INT.withName("prefill_seq_len"), JAVA_INT.withName("max_cache_len"), JAVA_INT.withName("device_index"),
            JAVA_INT.withName("use_graphs"), JAVA_INT.withName("prefill_gemm"), JAVA_INT.withName("use_pdl"),
            JAVA_INT.withName("profile"), JAVA_INT.withName("kernel_timer"), JAVA_INT.withName("use_pipe"),
            JAVA_INT.withName("decode_ahead"), JAVA_INT.withName("kv_cache_dtype"));
    /** {@code lb_kernel_stats}: kernel_ms, kernel_count (and padding). */
    static final StructLayout KERNEL_STATS = MemoryLayout.structLayout(
            JAVA_DOUBLE.withName("kernel_ms"), JAVA_INT.withName("kernel_count"), MemoryLayout.paddingLayout(4));

    /**
     * The {@code --engine-opt} keys a native engine reads, with their defaults; {@code kv_cache}'s depends on the engine
     * ({@link #kvCacheDefault}).
     */
    static final Map<String, String> OPTION_DEFAULTS = Map.of(
            "graphs", "true", "pdl", "true", "prefill_gemm", "tc", "device", "0", "profile", "false",
            "kernel_timer", "events", "pipe", "true", "ahead", "true", "kv_cache", "f32");

    /**
     * The KV cache's type when {@code --engine-opt kv_cache} is not given: bf16 on the CUDA engine (the cache type of a
     * bf16 model in transformers and the serving engines, and half the bytes an attention step reads), f32 on the
     * Metal engine, which keeps no other. The tests that compare logits with the Java engine's and Hugging Face's to
     * 1e-3 ask for {@code kv_cache=f32}.
     */
    static String kvCacheDefault(String engineName) {
        return engineName.equals("cuda") ? "bf16" : "f32";
    }

    private final NativeLibrary lib;
    private final Arena arena; // mapped weights (valid until close: Metal wraps them without a copy), call buffers
    private final MemorySegment handle;
    private final MemorySegment ids;      // (max_cache_len) int32 prompt ids
    private final MemorySegment next;     // int32 result of prefill/decode
    private final MemorySegment stats;    // lb_kernel_stats
    private final MemorySegment bytes;    // int64 result
    private final boolean runsAhead;      // the library launches the next decode step before a call returns
    private final int maxPrompt;
    private final int vocab;
    private final EngineInfo info;
    private final ModelInfo modelInfo;
    private final Tokenizer tokenizer;
    private final Accelerator accelerator;
    private final double compileMs;
    private final double weightLoadMs;
    private final String memoryMethod;
    private boolean closed;
    /** Read after every step: made once, so that reading it allocates nothing. */
    private final NativeCall readStats;

    private NativeEngine(NativeLibrary lib, Arena arena, MemorySegment handle, EngineOptions options, ModelSource source,
                         Map<String, String> described, Map<String, Object> settingsIn, double compileMs,
                         double weightLoadMs, String engineName, String memoryMethod) {
        this.lib = lib;
        this.arena = arena;
        this.handle = handle;
        this.maxPrompt = options.maxCacheLen();
        this.ids = arena.allocate(JAVA_INT, maxPrompt);
        this.next = arena.allocate(JAVA_INT);
        this.stats = arena.allocate(KERNEL_STATS);
        this.bytes = arena.allocate(JAVA_LONG);
        this.readStats = () -> (int) lib.kernelStats.invokeExact(handle, stats);
        this.runsAhead = described.getOrDefault("decode_ahead", "off").startsWith("on");
        this.vocab = source.config().vocabSize();
        this.modelInfo = source.info();
        this.tokenizer = source.tokenizer().orElse(null);
        this.compileMs = compileMs;
        this.weightLoadMs = weightLoadMs;
        this.memoryMethod = memoryMethod;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("prefill_seq_len", options.prefillSeqLen());
        settings.put("max_cache_len", options.maxCacheLen());
        settingsIn.forEach(settings::put);
        described.forEach((k, v) -> {
            if (!k.equals("device") && !k.equals("driver")) {
                settings.put(k, v);
            }
        });
        this.info = new EngineInfo(engineName, version(), settings);
        String device = described.getOrDefault("device", engineName);
        this.accelerator = new Accelerator(device, described.get("driver"));
    }

    static String version() {
        String v = NativeEngine.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Resolves the model, hands it to the library's {@code lb_open} and returns the engine.
     *
     * @param engineName   {@code cuda} or {@code metal}, as written to the results file
     * @param memoryMethod how the library measures peak device memory, as the results file says it
     */
    static NativeEngine open(NativeLibrary lib, String engineName, EngineOptions options, String memoryMethod)
            throws EngineException {
        Map<String, String> opts = engineOptions(engineName, options.extra());
        int device = parseInt(opts, "device");
        boolean graphs = parseBool(opts, "graphs");
        boolean pdl = parseBool(opts, "pdl");
        boolean pipe = parseBool(opts, "pipe");
        boolean ahead = parseBool(opts, "ahead");
        boolean profile = parseBool(opts, "profile");
        String gemm = opts.get("prefill_gemm");
        if (!gemm.equals("tc") && !gemm.equals("f32")) {
            throw invalid("--engine-opt prefill_gemm=" + gemm + ": choose tc (tensor cores, inputs in the weight dtype) "
                    + "or f32 (exact f32 on the CUDA cores)");
        }
        String kvCache = opts.get("kv_cache");
        if (!kvCache.equals("f32") && !kvCache.equals("bf16")) {
            throw invalid("--engine-opt kv_cache=" + kvCache + ": choose bf16 (keys and values rounded to bf16 as they are "
                    + "written: half the cache's bytes) or f32; the " + engineName + " engine's default is "
                    + kvCacheDefault(engineName));
        }
        String timer = opts.get("kernel_timer");
        if (!timer.equals("events") && !timer.equals("cupti")) {
            throw invalid("--engine-opt kernel_timer=" + timer + ": choose events (GPU timestamps around each call's "
                    + "kernels) or cupti (the time any kernel ran, from CUPTI's records)");
        }
        ModelSource source = ModelSource.resolve(options.model(), options.seed());
        Arena arena = Arena.ofShared();
        try {
            double mapMs;
            MemorySegment table;
            int count;
            long t0 = System.nanoTime();
            if (source instanceof ModelSource.Folder folder) {
                Checkpoint ckpt = folder.map(arena);
                mapMs = (System.nanoTime() - t0) / 1e6;
                count = ckpt.tensors().size();
                table = arena.allocate(TENSOR, count);
                int i = 0;
                for (Tensor t : ckpt.tensors().values()) {
                    fill(table.asSlice(i++ * TENSOR.byteSize(), TENSOR.byteSize()), arena, t.name(), t.dtype(), t.shape(),
                            t.data(), t.data().byteSize(), 0L, 0f, 0f);
                }
            } else {
                List<SyntheticWeights.Recipe> plan = ((ModelSource.Synthetic) source).plan();
                mapMs = 0;
                count = plan.size();
                table = arena.allocate(TENSOR, count);
                for (SyntheticWeights.Recipe r : plan) {
                    long numel = 1;
                    for (long d : r.shape()) {
                        numel *= d;
                    }
                    fill(table.asSlice(r.index() * TENSOR.byteSize(), TENSOR.byteSize()), arena, r.name(), DType.BF16,
                            r.shape(), MemorySegment.NULL, numel * 2, r.base(), r.center(), r.scale());
                }
            }
            MemorySegment config = config(arena, source.config());
            MemorySegment o = arena.allocate(OPTIONS);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("prefill_seq_len")), options.prefillSeqLen());
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("max_cache_len")), options.maxCacheLen());
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("device_index")), device);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("use_graphs")), graphs ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("prefill_gemm")), gemm.equals("f32") ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("use_pdl")), pdl ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("profile")), profile ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("kernel_timer")),
                    timer.equals("cupti") ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("use_pipe")), pipe ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("decode_ahead")), ahead ? 1 : 0);
            o.set(JAVA_INT, OPTIONS.byteOffset(MemoryLayout.PathElement.groupElement("kv_cache_dtype")),
                    abiDtype(kvCache.equals("bf16") ? DType.BF16 : DType.F32));
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment compile = arena.allocate(JAVA_DOUBLE);
            MemorySegment load = arena.allocate(JAVA_DOUBLE);
            int rc = (int) lib.open.invokeExact(config, table, count, o, out, compile, load);
            check(lib, rc, "lb_open");
            MemorySegment handle = out.get(ADDRESS, 0);
            Map<String, String> described = describe(lib, handle, arena);
            Map<String, Object> settings = new LinkedHashMap<>();
            if (engineName.equals("cuda")) {
                settings.put("cuda_graphs", graphs && !profile);
            }
            if (profile) {
                settings.put("profile", true); // an event pair around every kernel: slower, for diagnosis only
            }
            settings.put("weights", source instanceof ModelSource.Synthetic ? "synthetic, made on the device, seed "
                    + options.seed() : "mmap, copied to the device");
            return new NativeEngine(lib, arena, handle, options, source, described, settings,
                    compile.get(JAVA_DOUBLE, 0), mapMs + load.get(JAVA_DOUBLE, 0), engineName, memoryMethod);
        } catch (EngineException | RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new EngineException(EngineException.Kind.INTERNAL, "lb_open call failed: " + t, t);
        }
    }

    private static void fill(MemorySegment t, Arena arena, String name, DType dtype, long[] shape, MemorySegment data,
                             long byteCount, long base, float center, float scale) throws EngineException {
        if (shape.length > 4) {
            throw invalid("tensor " + name + " has rank " + shape.length + "; the native engines take rank 1 to 4");
        }
        t.set(ADDRESS, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("name")), arena.allocateFrom(name));
        t.set(JAVA_INT, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("dtype")), abiDtype(dtype));
        t.set(JAVA_INT, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("rank")), shape.length);
        long shapeOff = TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("shape"));
        for (int i = 0; i < 4; i++) {
            t.set(JAVA_LONG, shapeOff + 8L * i, i < shape.length ? shape[i] : 0L);
        }
        t.set(ADDRESS, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("data")), data);
        t.set(JAVA_LONG, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("bytes")), byteCount);
        t.set(JAVA_LONG, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("synth_base")), base);
        t.set(JAVA_FLOAT, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("synth_center")), center);
        t.set(JAVA_FLOAT, TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("synth_scale")), scale);
    }

    /** {@code lb_dtype}: LB_F32 = 0, LB_F16 = 1, LB_BF16 = 2. */
    static int abiDtype(DType d) {
        return switch (d) {
            case F32 -> 0;
            case F16 -> 1;
            case BF16 -> 2;
        };
    }

    private static MemorySegment config(Arena arena, ModelConfig c) {
        MemorySegment s = arena.allocate(CONFIG);
        int[] ints = {c.vocabSize(), c.hiddenSize(), c.intermediateSize(), c.numLayers(), c.numHeads(), c.numKvHeads(),
                c.headDim()};
        for (int i = 0; i < ints.length; i++) {
            s.set(JAVA_INT, 4L * i, ints[i]);
        }
        s.set(JAVA_FLOAT, CONFIG.byteOffset(MemoryLayout.PathElement.groupElement("rms_norm_eps")), (float) c.rmsNormEps());
        s.set(JAVA_FLOAT, CONFIG.byteOffset(MemoryLayout.PathElement.groupElement("rope_theta")), (float) c.ropeTheta());
        s.set(JAVA_INT, CONFIG.byteOffset(MemoryLayout.PathElement.groupElement("tie_word_embeddings")),
                c.tieWordEmbeddings() ? 1 : 0);
        return s;
    }

    /** {@code --engine-opt} keys checked against {@link #OPTION_DEFAULTS}, the engine's defaults filled in. */
    static Map<String, String> engineOptions(String engineName, Map<String, String> extra) throws EngineException {
        Map<String, String> m = new LinkedHashMap<>(OPTION_DEFAULTS);
        m.put("kv_cache", kvCacheDefault(engineName));
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (!OPTION_DEFAULTS.containsKey(e.getKey())) {
                throw invalid("--engine-opt " + e.getKey() + ": unknown setting; the native engines read "
                        + String.join(", ", new TreeSet<>(OPTION_DEFAULTS.keySet())));
            }
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    private static int parseInt(Map<String, String> m, String key) throws EngineException {
        try {
            int v = Integer.parseInt(m.get(key).trim());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw invalid("--engine-opt " + key + "=" + m.get(key) + ": expected a whole number >= 0");
        }
    }

    private static boolean parseBool(Map<String, String> m, String key) throws EngineException {
        String v = m.get(key).trim();
        if (Set.of("true", "on", "1").contains(v)) {
            return true;
        }
        if (Set.of("false", "off", "0").contains(v)) {
            return false;
        }
        throw invalid("--engine-opt " + key + "=" + v + ": expected true or false");
    }

    private static EngineException invalid(String message) {
        return new EngineException(EngineException.Kind.INVALID_INPUT, message);
    }

    private static Map<String, String> describe(NativeLibrary lib, MemorySegment handle, Arena arena) throws Throwable {
        MemorySegment buf = arena.allocate(2048);
        int rc = (int) lib.describe.invokeExact(handle, buf, 2048L);
        check(lib, rc, "lb_describe");
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : buf.getString(0, StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return m;
    }

    /** Turns a library return code into an exception of the matching kind, with the library's message. */
    static void check(NativeLibrary lib, int rc, String call) throws EngineException {
        if (rc == 0) {
            return;
        }
        EngineException.Kind kind = switch (rc) {
            case -2 -> EngineException.Kind.INVALID_INPUT;
            case -3 -> EngineException.Kind.UNAVAILABLE;
            default -> EngineException.Kind.INTERNAL;
        };
        throw new EngineException(kind, call + ": " + lib.lastError());
    }

    /** A failed timed call: the runner records the scenario as failed with this message. */
    private IllegalStateException failure(int rc, String call) {
        return new IllegalStateException(call + " failed (" + rc + "): " + lib.lastError());
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public ModelInfo model() {
        return modelInfo;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    @Override
    public double compileMs() {
        return compileMs;
    }

    @Override
    public double weightLoadMs() {
        return weightLoadMs;
    }

    @Override
    public int prefill(int[] prompt, int length) {
        if (length > maxPrompt) {
            throw new IllegalArgumentException("prompt of " + length + " tokens does not fit the KV cache of " + maxPrompt
                    + " (--max-cache-len)");
        }
        if (length <= 0 || length > prompt.length) {
            throw new IllegalArgumentException("prompt length " + length + " outside [1, " + prompt.length + "]");
        }
        MemorySegment.copy(prompt, 0, ids, JAVA_INT, 0, length);
        int rc;
        try {
            rc = (int) lib.prefill.invokeExact(handle, ids, length, next);
        } catch (Throwable t) {
            throw new IllegalStateException("lb_prefill call failed: " + t, t);
        }
        if (rc != 0) {
            throw failure(rc, "lb_prefill");
        }
        return next.get(JAVA_INT, 0);
    }

    @Override
    public int decode(int tokenId) {
        int rc;
        try {
            rc = (int) lib.decode.invokeExact(handle, tokenId, next);
        } catch (Throwable t) {
            throw new IllegalStateException("lb_decode call failed: " + t, t);
        }
        if (rc != 0) {
            throw failure(rc, "lb_decode");
        }
        return next.get(JAVA_INT, 0);
    }

    @Override
    public void reset() {
        call("lb_reset", () -> (int) lib.reset.invokeExact(handle));
    }

    /**
     * The direct fill through {@code lb_fill_cache}: the library writes the Java engine's values (the same hash of
     * seed, layer and index) into its device cache, so both engines decode from the same cache.
     */
    @Override
    public Optional<CacheFiller> cacheFiller() {
        return Optional.of(this::fillCache);
    }

    private void fillCache(int positions, long seed) {
        checkFill(positions, maxPrompt);
        int rc = fillCacheUnchecked(positions, seed);
        if (rc == -2) { // LB_E_INVALID: the library's own check of the position
            throw new IllegalArgumentException("lb_fill_cache: " + lib.lastError());
        }
        if (rc != 0) {
            throw failure(rc, "lb_fill_cache");
        }
    }

    /** {@code lb_fill_cache} without the Java side's check: its return code (tests of the library's own check). */
    int fillCacheUnchecked(int positions, long seed) {
        try {
            return (int) lib.fillCache.invokeExact(handle, positions, seed);
        } catch (Throwable t) {
            throw new IllegalStateException("lb_fill_cache call failed: " + t, t);
        }
    }

    /** {@link CacheFiller#fill}'s contract, checked before the call: {@code positions} in {@code [1, max_cache_len)}. */
    static void checkFill(int positions, int maxCacheLen) {
        if (positions < 1 || positions >= maxCacheLen) {
            throw new IllegalArgumentException("cannot fill " + positions + " cache positions: expected 1 to "
                    + (maxCacheLen - 1) + " (max_cache_len " + maxCacheLen + " less the position the next step writes)");
        }
    }

    /** A library call returning an lb return code. */
    @FunctionalInterface
    private interface NativeCall {
        int invoke() throws Throwable;
    }

    /**
     * Makes a library call outside the timed path (the lambda may allocate) and turns a failure into an exception
     * with the library's message. prefill and decode make their calls inline instead.
     */
    private void call(String name, NativeCall c) {
        int rc;
        try {
            rc = c.invoke();
        } catch (Throwable t) {
            throw new IllegalStateException(name + " call failed: " + t, t);
        }
        if (rc != 0) {
            throw failure(rc, name);
        }
    }

    @Override
    public boolean sawNonFiniteLogits() {
        try {
            return (int) lib.sawNonFinite.invokeExact(handle) != 0;
        } catch (Throwable t) {
            throw new IllegalStateException("lb_saw_non_finite call failed: " + t, t);
        }
    }

    /** Logits of the last position of the last call, f32, length {@link #vocabSize()}: for correctness tests. */
    float[] lastLogits() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(JAVA_FLOAT, vocab);
            call("lb_last_logits", () -> (int) lib.lastLogits.invokeExact(handle, buf, vocab));
            return buf.toArray(JAVA_FLOAT);
        }
    }

    @Override
    public Optional<KernelTimer> kernelTimer() {
        return Optional.of(new KernelTimer() {
            private double ms;
            private int count;

            private void read() {
                call("lb_last_kernel_stats", readStats);
                ms = stats.get(JAVA_DOUBLE, 0);
                count = stats.get(JAVA_INT, 8);
            }

            @Override
            public double lastKernelMs() {
                read();
                return ms;
            }

            @Override
            public int lastKernelCount() {
                return count; // read with lastKernelMs, which the runner calls first
            }

            @Override
            public boolean deviceWaitsForReading() {
                return !runsAhead;
            }
        });
    }

    @Override
    public Optional<Accelerator> accelerator() {
        return Optional.of(accelerator);
    }

    @Override
    public Optional<DeviceMemory> deviceMemory() {
        call("lb_peak_device_memory", () -> (int) lib.peakMemory.invokeExact(handle, bytes));
        return Optional.of(new DeviceMemory(bytes.get(JAVA_LONG, 0), memoryMethod));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lib.close.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("lb_close call failed: " + t, t);
        } finally {
            arena.close();
        }
    }
}
