package dev.llmbench.engine.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.model.ModelSource;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.model.tokenizer.BpeTokenizer;
import dev.llmbench.model.tokenizer.TokenizerFormatException;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * A model behind an OpenAI-compatible server, timed from the token stream of {@code POST /completions}.
 *
 * <p>Each run asks for exactly the scenario's tokens: the prompt as token ids (or a text that encodes to exactly
 * that many tokens, {@code prompt=text}), {@code max_tokens} = {@code min_tokens} = M with {@code ignore_eos} and
 * {@code temperature 0}; the server's {@code usage} (asked with {@code stream_options.include_usage}) must agree
 * with both counts. TTFT runs from just before the request is handed to the HTTP client until the bytes of the
 * first token event arrive; each later token is stamped when the bytes of its event arrive.
 *
 * <p>The model named by {@code --model} gives the results file its model identity and the tokenizer of text
 * prompts; no weight is read. The server's own facts ({@code /models}, llama-server's {@code /props}, vLLM's
 * {@code /version}, the {@code server} header) go into the engine settings. The API key is read from the
 * environment for each request and kept nowhere else.
 */
final class OpenAiEngine implements StreamingEngine {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** How often a waiting run checks the time since the last byte arrived. */
    private static final long POLL_MS = 200;

    private final OpenAiSettings settings;
    private final HttpClient client;
    private final URI completions;
    private final ModelInfo model;
    private final int vocab;
    private final Optional<Tokenizer> tokenizer;
    private final EngineInfo info;
    private final Map<Integer, String> textPrompts = new ConcurrentHashMap<>();

    private OpenAiEngine(OpenAiSettings settings, HttpClient client, ModelSource source, Optional<Tokenizer> tokenizer,
                         Map<String, Object> serverFacts) {
        this.settings = settings;
        this.client = client;
        this.completions = URI.create(settings.baseUrl() + "/completions");
        this.model = source.info();
        this.vocab = source.config().vocabSize();
        this.tokenizer = tokenizer;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("url", settings.baseUrl().toString());
        s.put("served_model", settings.servedModel());
        s.put("prompt", settings.prompt());
        s.put("ignore_eos", settings.ignoreEos());
        s.put("token_ids", settings.tokenIds());
        s.put("timeout_s", settings.timeoutS());
        s.putAll(serverFacts);
        this.info = new EngineInfo("openai", version(), s);
    }

    static String version() {
        String v = OpenAiEngine.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    static OpenAiEngine open(OpenAiSettings settings, EngineOptions options) throws EngineException {
        ModelSource source = ModelSource.resolve(options.model(), options.seed());
        Optional<Tokenizer> tokenizer = source.tokenizer();
        if (settings.tokenizer() != null) {
            Path file = Path.of(settings.tokenizer()).resolve("tokenizer.json");
            if (!Files.isRegularFile(file)) {
                throw new EngineException(EngineException.Kind.INVALID_INPUT, "--tokenizer " + settings.tokenizer()
                        + ": the folder has no tokenizer.json; pass the model's Hugging Face folder");
            }
            try {
                tokenizer = Optional.of(BpeTokenizer.load(file));
            } catch (TokenizerFormatException e) {
                throw new EngineException(EngineException.Kind.INVALID_INPUT, e.getMessage());
            }
        }
        if (settings.prompt().equals("text") && tokenizer.isEmpty()) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, "--engine-opt prompt=text needs a tokenizer:"
                    + " pass --tokenizer DIR (a folder with the served model's tokenizer.json) or a --model folder that has one");
        }
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                // the reading thread stamps and parses each event itself: no hand-over to a pool thread that may be
                // asleep (the parsing is short and never blocks)
                .executor(Runnable::run)
                .connectTimeout(Duration.ofSeconds(Math.min(settings.timeoutS(), 10)))
                .build();
        Map<String, Object> facts = ServerFacts.probe(client, settings, JSON);
        return new OpenAiEngine(settings, client, source, tokenizer, facts);
    }

    @Override
    public Run stream(int[] prompt, int promptTokens, int decodeTokens, LongSupplier clock, long[] marks, int[] ids) {
        HttpRequest request = request(completions, settings, settings.timeoutS())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(prompt, promptTokens, decodeTokens)))
                .build();
        TokenStream tokens = new TokenStream(completions.toString(), JSON, clock, marks, ids, decodeTokens);
        marks[0] = clock.getAsLong();
        CompletableFuture<HttpResponse<Void>> answer = client.sendAsync(request, tokens::bind);
        await(answer, tokens, clock);
        if (tokens.tokens() == 0) {
            throw new StreamException(completions + " ended the stream without a token (finish_reason "
                    + tokens.finishReason() + ")");
        }
        if (tokens.usagePrompt() >= 0 && tokens.usagePrompt() != promptTokens) {
            throw new StreamException(completions + " counted " + tokens.usagePrompt() + " prompt tokens (usage.prompt_tokens)"
                    + " for a prompt of " + promptTokens + (settings.prompt().equals("text")
                    ? ": the server's tokenizer differs from --tokenizer; pass the served model's own tokenizer folder"
                    : ": the server adds tokens of its own (a BOS token?); the prompt length would not be exact"));
        }
        if (tokens.usageCompletion() >= 0 && tokens.usageCompletion() != tokens.tokens()) {
            throw new StreamException(completions + " reported " + tokens.usageCompletion() + " completion tokens"
                    + " (usage.completion_tokens) but its stream carried " + tokens.tokens() + ": the times cannot be"
                    + " matched to tokens; a server that sends token ids (return_token_ids) or logprobs avoids this");
        }
        return new Run(tokens.tokens(), tokens.idsKnown(), tokens.eventTokens(), tokens.text());
    }

    /** Waits for the whole stream; a server silent for {@code timeout_s} is given up on. */
    private void await(CompletableFuture<HttpResponse<Void>> answer, TokenStream tokens, LongSupplier clock) {
        long idleNs = TimeUnit.SECONDS.toNanos(settings.timeoutS());
        while (true) {
            try {
                answer.get(POLL_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (clock.getAsLong() - tokens.lastArrivalNs() > idleNs) {
                    StreamException why = new StreamException(completions + " sent nothing for " + settings.timeoutS()
                            + " s after " + tokens.tokens() + " tokens; raise --engine-opt timeout_s=N if the server is"
                            + " this slow");
                    tokens.cancel(why);
                    answer.cancel(true);
                    throw why;
                }
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new StreamException(completions + ": interrupted while waiting for the stream");
            } catch (ExecutionException e) {
                throw failure(completions, e.getCause());
            }
        }
    }

    static StreamException failure(URI url, Throwable cause) {
        if (cause instanceof StreamException s) {
            return s;
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new StreamException("cannot connect to " + url + ": no answer to the connection; check --url", cause);
        }
        if (cause instanceof ConnectException) {
            return new StreamException("cannot connect to " + url + ": connection refused; is the server running"
                    + " and is --url right?", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new StreamException(url + " did not answer within the timeout; raise --engine-opt timeout_s=N if the"
                    + " server is this slow", cause);
        }
        if (cause instanceof IOException io) {
            return new StreamException(url + ": the connection failed: "
                    + (io.getMessage() == null ? io.toString() : io.getMessage()), io);
        }
        return new StreamException(url + ": " + cause, cause);
    }

    static HttpRequest.Builder request(URI uri, OpenAiSettings settings, int timeoutS) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutS));
        String key = settings.apiKey();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private byte[] body(int[] prompt, int promptTokens, int decodeTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", settings.servedModel());
        if (settings.prompt().equals("text")) {
            body.put("prompt", textPrompts.computeIfAbsent(promptTokens,
                    n -> ExactText.of(tokenizer.orElseThrow(), prompt, n)));
        } else {
            ArrayNode ids = body.putArray("prompt");
            for (int i = 0; i < promptTokens; i++) {
                ids.add(prompt[i]);
            }
        }
        body.put("max_tokens", decodeTokens);
        body.put("temperature", 0);
        if (settings.ignoreEos()) {
            body.put("ignore_eos", true);
            body.put("min_tokens", decodeTokens);
        }
        if (settings.tokenIds()) {
            body.put("return_token_ids", true);
        }
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public EngineInfo info() {
        return info;
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return tokenizer;
    }

    @Override
    public double compileMs() {
        return 0;
    }

    @Override
    public double weightLoadMs() {
        return 0;
    }

    /** Not offered: a server makes a whole run per request; the runner calls {@link #stream}. */
    @Override
    public int prefill(int[] ids, int length) {
        throw new UnsupportedOperationException("the openai engine streams whole runs: call stream()");
    }

    /** Not offered: a server makes a whole run per request; the runner calls {@link #stream}. */
    @Override
    public int decode(int tokenId) {
        throw new UnsupportedOperationException("the openai engine streams whole runs: call stream()");
    }

    @Override
    public void reset() {
        // every request starts a new sequence
    }

    @Override
    public void close() {
        client.close();
    }
}
