package dev.llmbench.runner.cli;

import dev.llmbench.results.ExitCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.runner.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ./bench generate}: one prompt through one engine, greedy; the sanity check of an engine. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        resourceBundle = "dev.llmbench.runner.cli.Messages")
final class GenerateCommand implements Callable<Integer> {
    enum Format { text, json }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @ParentCommand
    RunnerMain main;

    @Mixin
    EngineSelection selection;

    @Option(names = "--prompt", paramLabel = "TEXT")
    String prompt;

    @Option(names = "--prompt-ids", paramLabel = "1,2,3", split = ",")
    List<Integer> promptIds;

    @Option(names = "--tokens", paramLabel = "N")
    int tokens = 32;

    @Option(names = "--format", paramLabel = "text|json")
    Format format = Format.text;

    @Override
    public Integer call() {
        EngineProvider provider = selection.provider();
        selection.checkModel();
        if ((prompt == null) == (promptIds == null || promptIds.isEmpty())) {
            throw CliException.of(ExitCode.INVALID_INPUT, "generate.prompt.one");
        }
        if (tokens < 1 || tokens > Scenario.MAX_TOKENS) {
            throw CliException.of(ExitCode.INVALID_INPUT, "option.range", "--tokens", 1, Scenario.MAX_TOKENS, tokens);
        }
        EngineOptions options = selection.options();
        try (Engine engine = EngineSelection.open(provider, options)) {
            Optional<Tokenizer> tokenizer = engine.tokenizer();
            int[] ids = promptIds(engine, tokenizer);
            if (ids.length + tokens - 1 > options.maxCacheLen()) {
                throw CliException.of(ExitCode.INVALID_INPUT, "generate.cache", ids.length, tokens,
                        options.maxCacheLen());
            }
            if (engine instanceof StreamingEngine streaming) {
                return generateStreamed(streaming, ids, tokenizer);
            }
            int[] generated = generate(engine, ids);
            String text = tokenizer.map(t -> t.decode(generated)).orElse(null);
            if (tokenizer.isEmpty()) {
                main.err.println(Messages.get("generate.no.tokenizer.ids", engine.model().name()));
            }
            print(ids, generated, text);
            return ExitCode.OK.code();
        }
    }

    private int[] promptIds(Engine engine, Optional<Tokenizer> tokenizer) {
        if (prompt != null) {
            if (tokenizer.isEmpty()) {
                throw CliException.of(ExitCode.INVALID_INPUT, "generate.no.tokenizer", engine.model().name());
            }
            int[] ids = tokenizer.get().encode(prompt);
            if (ids.length == 0) {
                throw CliException.of(ExitCode.INVALID_INPUT, "generate.prompt.empty");
            }
            return ids;
        }
        int vocab = engine.vocabSize();
        int[] ids = new int[promptIds.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = promptIds.get(i);
            if (id == null || id < 0 || id >= vocab) {
                throw CliException.of(ExitCode.INVALID_INPUT, "generate.id.range", i, id, vocab);
            }
            ids[i] = id;
        }
        return ids;
    }

    /** A server's run: its ids when it reports them (else none), and its text as it sent it. */
    private int generateStreamed(StreamingEngine engine, int[] ids, Optional<Tokenizer> tokenizer) {
        long[] marks = new long[tokens + 1];
        int[] out = new int[tokens];
        StreamingEngine.Run run;
        try {
            run = engine.stream(ids, ids.length, tokens, System::nanoTime, marks, out);
        } catch (StreamingEngine.StreamException e) {
            throw new CliException(ExitCode.FAILURE, e.getMessage());
        }
        int[] generated = run.idsKnown() ? Arrays.copyOf(out, run.tokens()) : new int[0];
        if (!run.idsKnown()) {
            main.err.println(Messages.get("generate.server.no.ids", run.tokens()));
        }
        if (run.tokens() < tokens) {
            main.err.println(Messages.get("generate.server.short", run.tokens(), tokens));
        }
        String text = run.idsKnown() && tokenizer.isPresent() ? tokenizer.get().decode(generated) : run.text();
        print(ids, generated, text);
        return run.tokens() < tokens ? ExitCode.FAILURE.code() : ExitCode.OK.code();
    }

    private int[] generate(Engine engine, int[] ids) {
        int[] out = new int[tokens];
        engine.reset();
        int token = engine.prefill(ids, ids.length);
        out[0] = token;
        for (int i = 1; i < tokens; i++) {
            token = engine.decode(token);
            out[i] = token;
        }
        if (engine.sawNonFiniteLogits()) {
            main.err.println(Messages.get("generate.nan"));
        }
        return out;
    }

    private void print(int[] ids, int[] generated, String text) {
        if (format == Format.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("prompt_ids", ids);
            doc.put("generated_ids", generated);
            doc.put("text", text);
            try {
                main.out.println(JSON.writeValueAsString(doc));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise the generate output", e);
            }
            return;
        }
        main.out.println(Messages.get("generate.prompt.ids", Arrays.toString(ids)));
        main.out.println(Messages.get("generate.generated.ids", Arrays.toString(generated)));
        if (text != null) {
            main.out.println(Messages.get("generate.text", text));
        }
    }
}
