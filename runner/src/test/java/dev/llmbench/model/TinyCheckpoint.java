package dev.llmbench.model;

import dev.llmbench.engine.EngineException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The synthetic tiny model's tensors (seed 42) and Hugging Face folders written from them, for loading tests. */
public final class TinyCheckpoint implements AutoCloseable {
    public static final ModelConfig TINY = ModelConfig.preset("tiny").orElseThrow();
    private final Arena arena = Arena.ofShared();
    private final Map<String, Tensor> tensors;

    public TinyCheckpoint() throws EngineException {
        tensors = SyntheticWeights.generate(TINY, 42, arena, 2);
    }

    /** The tensors, by name, in checkpoint order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The arena the tensors live in, for tests that add their own. */
    public Arena arena() {
        return arena;
    }

    /** Writes {@code config.json} and {@code model.safetensors} (the tensors {@code ts} in {@code dtype}) into dir. */
    public static Path write(Path dir, DType dtype, Map<String, Tensor> ts, String config, Map<String, String> dtypeNames)
            throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), ts.values(), dtype, dtypeNames);
        return dir;
    }

    /** The tiny model in {@code dtype}, untied, {@code rope_theta} at the top level of config.json. */
    public Path write(Path dir, DType dtype) throws IOException {
        return write(dir, dtype, tensors, SafetensorsWriter.configJson(TINY, dtype.label(), false), Map.of());
    }

    @Override
    public void close() {
        arena.close();
    }
}
