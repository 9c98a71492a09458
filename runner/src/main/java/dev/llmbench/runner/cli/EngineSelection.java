package dev.llmbench.runner.cli;

import dev.llmbench.results.ExitCode;
import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options shared by {@code run} and {@code generate}: which engine, which model, and the engine's settings. */
public final class EngineSelection {
    static final String SYNTHETIC = "synthetic:";
    static final String OPENAI = "openai";

    @Option(names = "--engine", paramLabel = "ENGINE")
    String engine;

    @Option(names = "--model", paramLabel = "DIR|synthetic:NAME")
    String model;

    @Option(names = "--prefill-seq-len", paramLabel = "N")
    int prefillSeqLen = EngineOptions.DEFAULT_PREFILL_SEQ_LEN;

    @Option(names = "--max-cache-len", paramLabel = "N")
    int maxCacheLen = EngineOptions.DEFAULT_MAX_CACHE_LEN;

    @Option(names = "--threads", paramLabel = "N")
    int threads = 0;

    @Option(names = "--seed", paramLabel = "N")
    long seed = 42L;

    @Option(names = "--engine-opt", paramLabel = "KEY=VALUE")
    Map<String, String> engineOpts = new LinkedHashMap<>();

    @Option(names = "--native-lib", paramLabel = "PATH")
    Path nativeLib;

    @Option(names = "--url", paramLabel = "URL")
    String url;

    @Option(names = "--served-model", paramLabel = "NAME")
    String servedModel;

    @Option(names = "--api-key-env", paramLabel = "VAR")
    String apiKeyEnv;

    @Option(names = "--tokenizer", paramLabel = "DIR")
    String tokenizer;

    /** The provider named by {@code --engine}: exit 2 when missing or unknown, exit 3 when it cannot run here. */
    EngineProvider provider() {
        if (engine == null || engine.isBlank()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "engine.required", known());
        }
        applyNativeLib();
        return provider(engine, "--engine");
    }

    /**
     * Points the engine of {@code --engine} at the library {@code --native-lib} names: the native engines look at the
     * system property {@code llmbench.<engine>.lib} first (dev.llmbench.engine.gpu.NativeLibrary).
     */
    void applyNativeLib() {
        if (nativeLib == null) {
            return;
        }
        if (engine == null || engine.isBlank()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "native.lib.engine");
        }
        if (!Files.isRegularFile(nativeLib)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "native.lib.missing", nativeLib);
        }
        System.setProperty("llmbench." + engine + ".lib", nativeLib.toAbsolutePath().toString());
    }

    static EngineProvider provider(String name, String option) {
        EngineCatalog.Entry entry = EngineCatalog.find(name).orElseThrow(() ->
                CliException.of(ExitCode.INVALID_INPUT, "engine.unknown", name, option, known()));
        if (!entry.available()) {
            throw CliException.of(ExitCode.UNAVAILABLE, "engine.unavailable", name, entry.reason());
        }
        return entry.provider();
    }

    private static String known() {
        var names = EngineCatalog.names();
        return names.isEmpty() ? Messages.get("engine.none") : String.join(", ", names);
    }

    /** Checks {@code --model} before any engine is asked: exit 2 naming the folder and what it needs. */
    void checkModel() {
        if (model == null || model.isBlank()) {
            throw CliException.of(ExitCode.INVALID_INPUT, "model.required");
        }
        if (model.startsWith(SYNTHETIC)) {
            if (model.length() == SYNTHETIC.length()) {
                throw CliException.of(ExitCode.INVALID_INPUT, "model.synthetic.empty");
            }
            return;
        }
        Path dir;
        try {
            dir = Path.of(model);
        } catch (InvalidPathException e) {
            throw CliException.of(ExitCode.INVALID_INPUT, "model.missing", model);
        }
        if (!Files.exists(dir)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "model.missing", model);
        }
        if (!Files.isDirectory(dir)) {
            throw CliException.of(ExitCode.INVALID_INPUT, "model.not.folder", model);
        }
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw CliException.of(ExitCode.INVALID_INPUT, "model.no.config", model);
        }
    }

    EngineOptions options() {
        if (prefillSeqLen <= 0) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.positive", "--prefill-seq-len", prefillSeqLen);
        }
        if (maxCacheLen <= 0) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.positive", "--max-cache-len", maxCacheLen);
        }
        if (threads < 0) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.threads", threads);
        }
        return new EngineOptions(model, prefillSeqLen, maxCacheLen, threads, seed, withServer(engineOpts));
    }

    /** As {@link #options()}, for {@code ./bench serve}: there {@code --served-model} names what it serves. */
    EngineOptions optionsForServe() {
        String served = servedModel;
        servedModel = null;
        try {
            return options();
        } finally {
            servedModel = served;
        }
    }

    /** {@code --url}, {@code --served-model}, {@code --api-key-env}, {@code --tokenizer}: settings of the openai engine. */
    private Map<String, String> withServer(Map<String, String> opts) {
        Map<String, String> all = new LinkedHashMap<>(opts);
        String[][] server = {{"--url", "url", url}, {"--served-model", "served_model", servedModel},
                {"--api-key-env", "api_key_env", apiKeyEnv}, {"--tokenizer", "tokenizer", tokenizer}};
        for (String[] o : server) {
            if (o[2] == null) {
                continue;
            }
            if (!OPENAI.equals(engine)) {
                throw CliException.of(ExitCode.INVALID_INPUT, "server.option", o[0]);
            }
            all.put(o[1], o[2]);
        }
        return all;
    }

    /** Opens the model on the engine, mapping the engine's error kinds to exit codes. */
    static Engine open(EngineProvider provider, EngineOptions options) {
        try {
            Engine engine = provider.open(options);
            if (engine == null) {
                throw CliException.of(ExitCode.INTERNAL, "engine.internal", provider.name(), "open returned nothing");
            }
            return engine;
        } catch (EngineException e) {
            String key = switch (e.kind()) {
                case INVALID_INPUT -> "engine.invalid.input";
                case UNAVAILABLE -> "engine.open.unavailable";
                case INTERNAL -> "engine.internal";
            };
            ExitCode code = switch (e.kind()) {
                case INVALID_INPUT -> ExitCode.INVALID_INPUT;
                case UNAVAILABLE -> ExitCode.UNAVAILABLE;
                case INTERNAL -> ExitCode.INTERNAL;
            };
            throw e.kind() == EngineException.Kind.INTERNAL
                    ? CliException.of(code, key, provider.name(), e.getMessage())
                    : CliException.of(code, key, provider.name(), options.model(), e.getMessage());
        }
    }
}
