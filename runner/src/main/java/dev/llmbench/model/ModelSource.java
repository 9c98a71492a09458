package dev.llmbench.model;

import dev.llmbench.engine.EngineException;
import dev.llmbench.model.tokenizer.BpeTokenizer;
import dev.llmbench.results.ModelInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code --model} names, resolved and checked, before any weights are read: a Hugging Face folder
 * ({@link Folder}) or {@code synthetic:NAME} ({@link Synthetic}). Every engine opens its model through
 * {@link #resolve}, so {@code --model DIR|synthetic:NAME} means the same for all of them and every problem with it
 * gets the same message. An engine then takes the weights with {@link Folder#map} or {@link Synthetic#generate}
 * (host memory) or regenerates synthetic ones on its device from {@link SyntheticWeights}, and binds them by role
 * with {@link Weights#bind}.
 */
public sealed interface ModelSource {
    /** The prefix of a synthetic model's name: {@code synthetic:qwen2.5-1.5b}. */
    String SYNTHETIC_PREFIX = "synthetic:";

    /** The model's hyper-parameters. */
    ModelConfig config();

    /** The model's identity as the results file records it ({@code model} of the results JSON). */
    ModelInfo info();

    /** The model's tokenizer: its {@code tokenizer.json} when the folder has one; empty for synthetic models. */
    Optional<Tokenizer> tokenizer();

    /**
     * Resolves {@code --model}: {@code synthetic:NAME} (a {@link ModelConfig#preset}) or a Hugging Face model folder,
     * whose {@code config.json}, safetensors headers (dtypes, shapes against the config, offsets against the file
     * sizes) and {@code tokenizer.json} are read and checked here. No weight is read.
     *
     * @param spec what {@code --model} says
     * @param seed seed of synthetic weights (ignored for a folder)
     * @throws EngineException {@link EngineException.Kind#INVALID_INPUT}, the message naming the file, key or tensor
     *     and the fix
     */
    static ModelSource resolve(String spec, long seed) throws EngineException {
        Objects.requireNonNull(spec, "spec");
        if (spec.startsWith(SYNTHETIC_PREFIX)) {
            String preset = spec.substring(SYNTHETIC_PREFIX.length());
            ModelConfig config = ModelConfig.preset(preset).orElseThrow(() -> ModelConfig.invalid(
                    "--model " + spec + ": unknown synthetic model; choose one of " + SYNTHETIC_PREFIX
                            + String.join(", " + SYNTHETIC_PREFIX, ModelConfig.presetNames())));
            return new Synthetic(preset, seed, config);
        }
        return Folder.open(spec, Path.of(spec));
    }

    /**
     * A Hugging Face model folder whose config, safetensors headers and tokenizer were read and checked.
     *
     * @param folder    the folder
     * @param config    from its {@code config.json}
     * @param info      name (the folder's name), source {@code file}, dtype of the embedding, SHA-256 of
     *                  {@code config.json}
     * @param tokenizer from its {@code tokenizer.json}, when present
     * @param entries   every tensor of its safetensors files, in file order, as their headers place them
     */
    record Folder(Path folder, ModelConfig config, ModelInfo info, Optional<Tokenizer> tokenizer,
                  Map<String, Safetensors.Entry> entries) implements ModelSource {
        public Folder {
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(tokenizer, "tokenizer");
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        /**
         * Reads {@code folder} as {@link ModelSource#resolve} describes.
         *
         * @param spec what {@code --model} said, for messages and as the model's name when the folder has none
         */
        static Folder open(String spec, Path folder) throws EngineException {
            if (!Files.isDirectory(folder)) {
                throw ModelConfig.invalid("--model " + spec + ": not a folder; give a Hugging Face model folder "
                        + "(config.json, model.safetensors, tokenizer.json) or synthetic:NAME");
            }
            Path configFile = folder.resolve("config.json");
            if (!Files.isRegularFile(configFile)) {
                throw ModelConfig.invalid(folder + ": config.json is missing; the folder must hold what save_pretrained wrote");
            }
            byte[] configBytes;
            try {
                configBytes = Files.readAllBytes(configFile);
            } catch (IOException e) {
                throw ModelConfig.unreadable(configFile, e);
            }
            ModelConfig config = ModelConfig.parse(configFile, configBytes);
            Map<String, Safetensors.Entry> entries = Safetensors.scan(folder);
            check(config, entries, folder);
            Path name = folder.toAbsolutePath().normalize().getFileName();
            ModelInfo info = new ModelInfo(name == null ? spec : name.toString(), "file",
                    entries.get("model.embed_tokens.weight").dtype().label(), config.parameterCount(),
                    ModelConfig.sha256(configBytes), config.architecture());
            Path tokenizerFile = folder.resolve("tokenizer.json");
            Optional<Tokenizer> tokenizer = Files.isRegularFile(tokenizerFile)
                    ? Optional.of(BpeTokenizer.load(tokenizerFile)) : Optional.empty();
            return new Folder(folder, config, info, tokenizer, entries);
        }

        /**
         * Maps the safetensors files read-only into {@code arena}: the model's tensors, in
         * {@link Weights#expectedShapes} order, as slices of the mappings (nothing is copied). They pass
         * {@link Weights#bind}'s checks.
         *
         * @throws EngineException {@link EngineException.Kind#INVALID_INPUT} when a file cannot be mapped or changed
         *     since {@link #resolve}
         */
        public Checkpoint map(Arena arena) throws EngineException {
            check(config, entries, folder); // again: a Folder need not come from resolve
            List<Safetensors.Entry> used = new ArrayList<>();
            for (String name : Weights.expectedShapes(config).keySet()) {
                used.add(entries.get(name));
            }
            Checkpoint checkpoint = Safetensors.map(used, arena);
            Weights.bind(config, checkpoint.tensors(), checkpoint.fileOf(), folder.toString());
            return checkpoint;
        }

        /** {@link Weights#bind}'s checks on the headers. */
        private static void check(ModelConfig config, Map<String, Safetensors.Entry> entries, Path folder)
                throws EngineException {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, Path> fileOf = new LinkedHashMap<>();
            entries.forEach((name, e) -> {
                shapes.put(name, e.shape());
                fileOf.put(name, e.file());
            });
            Weights.check(config, shapes, fileOf, folder.toString());
        }
    }

    /**
     * {@code synthetic:NAME}: seeded random bf16 weights of a preset's exact shapes, made by {@link SyntheticWeights}.
     *
     * @param preset the name after {@code synthetic:}
     * @param seed   seed of the weights
     * @param config the preset's config
     */
    record Synthetic(String preset, long seed, ModelConfig config) implements ModelSource {
        public Synthetic {
            Objects.requireNonNull(preset, "preset");
            Objects.requireNonNull(config, "config");
        }

        /** Name {@code synthetic:NAME}, source {@code synthetic}, dtype bf16, SHA-256 of the canonical config. */
        @Override
        public ModelInfo info() {
            return new ModelInfo(SYNTHETIC_PREFIX + preset, "synthetic", DType.BF16.label(), config.parameterCount(),
                    ModelConfig.sha256(config.canonicalJson()), config.architecture());
        }

        /** None: prompts of synthetic models are seeded token ids. */
        @Override
        public Optional<Tokenizer> tokenizer() {
            return Optional.empty();
        }

        /** The weights: {@link SyntheticWeights#generate}{@code (config, seed, arena, threads)}. */
        public Map<String, Tensor> generate(Arena arena, int threads) throws EngineException {
            return SyntheticWeights.generate(config, seed, arena, threads);
        }

        /** The fill of every tensor, for engines that make the weights on their device. */
        public List<SyntheticWeights.Recipe> plan() {
            return SyntheticWeights.plan(config, seed);
        }
    }
}
