package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.Tokenizer;
import dev.llmbench.engine.java.tokenizer.BpeTokenizer;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pure-Java CPU engine: loads a Hugging Face Qwen2 folder (memory-mapped safetensors) or a synthetic model,
 * then runs {@link Qwen2Model} on a fixed {@link WorkerPool}.
 */
final class JavaEngine implements Engine {
    static final String SYNTHETIC = "synthetic:";

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

    static JavaEngine open(EngineOptions options) throws EngineException {
        int threads = options.threads() > 0 ? options.threads() : Tuning.THREADS;
        Arena arena = Arena.ofShared();
        WorkerPool pool = new WorkerPool(Math.max(1, threads));
        try {
            long t0 = System.nanoTime();
            String spec = options.model();
            if (spec.startsWith(SYNTHETIC)) {
                String preset = spec.substring(SYNTHETIC.length());
                ModelConfig config = ModelConfig.preset(preset).orElseThrow(() -> ModelConfig.invalid(
                        "--model " + spec + ": unknown synthetic model; choose one of synthetic:"
                                + String.join(", synthetic:", new java.util.TreeSet<>(ModelConfig.PRESETS.keySet()))));
                Weights weights = SyntheticWeights.generate(config, options.seed(), arena, pool);
                double ms = (System.nanoTime() - t0) / 1e6;
                ModelInfo mi = new ModelInfo(spec, "synthetic", "bf16", config.parameterCount(),
                        ModelConfig.sha256(config.canonicalJson()), config.architecture());
                return new JavaEngine(arena, pool, weights, options, mi, null, ms, "synthetic off-heap, seed " + options.seed());
            }
            Path folder = Path.of(spec);
            if (!Files.isDirectory(folder)) {
                throw ModelConfig.invalid("--model " + spec + ": not a folder; give a Hugging Face model folder "
                        + "(config.json, model.safetensors, tokenizer.json) or synthetic:NAME");
            }
            Path configFile = folder.resolve("config.json");
            if (!Files.isRegularFile(configFile)) {
                throw ModelConfig.invalid(folder + ": config.json is missing; the folder must hold what save_pretrained wrote");
            }
            ModelConfig config = ModelConfig.read(configFile);
            Safetensors.Checkpoint ckpt = Safetensors.open(folder, arena);
            Weights weights = Weights.bind(config, ckpt.tensors(), ckpt.fileOf(), folder.toString());
            double ms = (System.nanoTime() - t0) / 1e6;
            String sha;
            try {
                sha = ModelConfig.sha256(Files.readAllBytes(configFile));
            } catch (IOException e) {
                throw ModelConfig.invalid(configFile + ": cannot read (" + e.getMessage() + ")");
            }
            Path name = folder.toAbsolutePath().normalize().getFileName();
            ModelInfo mi = new ModelInfo(name == null ? spec : name.toString(), "file", weights.dtype().label(),
                    config.parameterCount(), sha, config.architecture());
            return new JavaEngine(arena, pool, weights, options, mi, loadTokenizer(folder), ms, "mmap");
        } catch (EngineException | RuntimeException | Error e) {
            pool.close();
            arena.close();
            throw e;
        }
    }

    /** The model's tokenizer when the folder has {@code tokenizer.json}. */
    private static Tokenizer loadTokenizer(Path folder) throws EngineException {
        Path file = folder.resolve("tokenizer.json");
        return Files.isRegularFile(file) ? BpeTokenizer.load(file) : null;
    }

    /** The weights, for tests in this package. */
    Weights weights() {
        return weights;
    }

    /** The forward pass, for tests in this package. */
    Qwen2Model forward() {
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
    public boolean sawNonFiniteLogits() {
        return model.sawNonFinite();
    }

    @Override
    public void close() {
        pool.close();
        arena.close();
    }
}
