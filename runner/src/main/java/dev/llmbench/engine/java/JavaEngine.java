package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.model.Checkpoint;
import dev.llmbench.model.ModelSource;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.model.Weights;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.lang.foreign.Arena;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pure-Java CPU engine: takes the model from {@link ModelSource} (a Hugging Face Qwen2 folder, memory-mapped, or
 * a synthetic model generated off-heap), then runs {@link Qwen2Model} on a fixed {@link WorkerPool}.
 */
final class JavaEngine implements Engine {
    private final Arena arena;
    private final WorkerPool pool;
    private final Weights weights;
    private final Qwen2Model model;
    private final EngineInfo info;
    private final ModelInfo modelInfo;
    private final Tokenizer tokenizer;
    private final double weightLoadMs;
    private final int vocab;

    private JavaEngine(Arena arena, WorkerPool pool, Weights weights, EngineOptions options, ModelInfo modelInfo,
                       Tokenizer tokenizer, double weightLoadMs, String weightSource) {
        this.arena = arena;
        this.pool = pool;
        this.modelInfo = modelInfo;
        this.tokenizer = tokenizer;
        this.weightLoadMs = weightLoadMs;
        this.vocab = weights.config().vocabSize();
        this.weights = weights;
        this.model = new Qwen2Model(weights, pool, arena, options.prefillSeqLen(), options.maxCacheLen());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("prefill_seq_len", options.prefillSeqLen());
        settings.put("max_cache_len", options.maxCacheLen());
        settings.put("threads", pool.size());
        settings.put("kv_cache_dtype", "f32");
        settings.put("accumulate_dtype", "f32");
        settings.put("vector_bits", Kernels.F.vectorBitSize());
        settings.put("weights", weightSource);
        this.info = new EngineInfo("java", version(), settings);
    }

    static String version() {
        String v = JavaEngine.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** {@link ModelSource#resolve}, then the weights mapped or generated and bound by role, then the forward pass. */
    static JavaEngine open(EngineOptions options) throws EngineException {
        if (!options.extra().isEmpty()) { // a setting it would ignore would still be taken as measured
            String first = options.extra().keySet().iterator().next();
            throw new EngineException(EngineException.Kind.INVALID_INPUT, "--engine-opt " + first + "="
                    + options.extra().get(first) + ": the java engine has no --engine-opt settings (its KV cache is f32; "
                    + "--threads sets its threads); remove it");
        }
        ModelSource source = ModelSource.resolve(options.model(), options.seed());
        int threads = options.threads() > 0 ? options.threads() : Tuning.THREADS;
        Arena arena = Arena.ofShared();
        WorkerPool pool = new WorkerPool(Math.max(1, threads));
        try {
            long t0 = System.nanoTime();
            Weights weights;
            String weightSource;
            switch (source) {
                case ModelSource.Folder folder -> {
                    Checkpoint checkpoint = folder.map(arena);
                    weights = Weights.bind(folder.config(), checkpoint.tensors(), checkpoint.fileOf(),
                            folder.folder().toString());
                    weightSource = "mmap";
                }
                case ModelSource.Synthetic synthetic -> {
                    weights = Weights.bind(synthetic.config(), synthetic.generate(arena, pool.size()), Map.of(),
                            "synthetic model");
                    weightSource = "synthetic off-heap, seed " + synthetic.seed();
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            return new JavaEngine(arena, pool, weights, options, source.info(), source.tokenizer().orElse(null), ms,
                    weightSource);
        } catch (EngineException | RuntimeException | Error e) {
            pool.close();
            arena.close();
            throw e;
        }
    }

    /** The weights, for tests in this package. */
    Weights weights() {
        return weights;
    }

    /** The model that runs this engine's forward passes (its logits and cache), for tests in this package. */
    Qwen2Model qwen2Model() {
        return model;
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
        return 0; // nothing is compiled ahead; the JIT warms up during the runner's warm-up runs
    }

    @Override
    public double weightLoadMs() {
        return weightLoadMs;
    }

    @Override
    public int prefill(int[] ids, int length) {
        return model.prefill(ids, length);
    }

    @Override
    public int decode(int tokenId) {
        return model.decode(tokenId);
    }

    @Override
    public void reset() {
        model.reset();
    }

    @Override
    public Optional<CacheFiller> cacheFiller() {
        return Optional.of(model::fillCache);
    }

    @Override
    public boolean sawNonFiniteLogits() {
        return model.sawNonFinite();
    }

    @Override
    public void close() {
        pool.close();
        arena.close();
    }
}
