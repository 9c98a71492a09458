package dev.llmbench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.llmbench.engine.Engine;
import dev.llmbench.model.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible HTTP server over one in-process engine ({@code ./bench serve}): {@code GET /v1/models},
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}, streamed as server-sent events or answered
 * whole, plus {@code GET /health} and {@code GET /version}.
 *
 * <p>The engine makes one answer at a time, on one thread of its own: requests wait their turn in arrival order, and
 * one that would find {@code maxQueue} requests already waiting is refused with 503 and {@code Retry-After}. Each
 * token is written and flushed as soon as the engine returns it (TCP_NODELAY on, so no token waits for the next).
 */
public final class OpenAiServer implements AutoCloseable {
    /** Largest request body read, bytes. */
    static final int MAX_BODY = 8 << 20;

    static {
        // the JDK's server leaves Nagle's algorithm on unless told; a token event must not wait for the next
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Engine engine;
    private final String servedModel;
    private final Set<Integer> eosIds;
    private final int maxCacheLen;
    private final int maxQueue;
    private final String version;
    private final long created = Instant.now().getEpochSecond();
    private final HttpServer http;
    private final ExecutorService engineThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "llmbench-serve-engine");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    private OpenAiServer(Engine engine, String servedModel, Set<Integer> eosIds, int maxCacheLen, int maxQueue,
                         String version, HttpServer http) {
        this.engine = engine;
        this.servedModel = servedModel;
        this.eosIds = Set.copyOf(eosIds);
        this.maxCacheLen = maxCacheLen;
        this.maxQueue = maxQueue;
        this.version = version;
        this.http = http;
    }

    /**
     * Starts serving.
     *
     * @param eosIds      the model's end-of-sequence ids: an answer stops at one unless {@code ignore_eos}
     * @param maxCacheLen the engine's KV cache capacity: longer requests are refused with 400
     * @param maxQueue    requests that may wait for the engine; one more is refused with 503
     * @param address     where to listen; port 0 picks a free port ({@link #baseUrl()} says which)
     * @throws IOException when the address cannot be bound
     */
    public static OpenAiServer start(Engine engine, String servedModel, Set<Integer> eosIds, int maxCacheLen,
                                     int maxQueue, String version, InetSocketAddress address) throws IOException {
        HttpServer http = HttpServer.create(address, 64);
        OpenAiServer server = new OpenAiServer(engine, servedModel, eosIds, maxCacheLen, maxQueue, version, http);
        http.createContext("/", server::handle);
        http.setExecutor(server.requests);
        http.start();
        return server;
    }

    /** {@code http://host:port/v1}. */
    public URI baseUrl() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + a.getPort() + "/v1");
    }

    /** Stops listening, lets the answer in progress end within a second, and stops the engine thread. */
    @Override
    public void close() {
        http.stop(1);
        engineThread.shutdownNow();
        requests.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                switch (path) {
                    case "/v1/models" -> {
                        allow(method, "GET");
                        ObjectNode list = JSON.createObjectNode().put("object", "list");
                        list.putArray("data").add(modelCard());
                        send(ex, 200, list);
                    }
                    case "/v1/completions", "/v1/chat/completions" -> {
                        allow(method, "POST");
                        complete(ex, path.equals("/v1/chat/completions"));
                    }
                    case "/health" -> {
                        allow(method, "GET");
                        send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                    }
                    case "/version" -> {
                        allow(method, "GET");
                        send(ex, 200, JSON.createObjectNode().put("version", version));
                    }
                    default -> {
                        if (path.equals("/v1/models/" + servedModel)) {
                            allow(method, "GET");
                            send(ex, 200, modelCard());
                        } else {
                            throw new ApiError(404, "not_found_error", null, "no such endpoint: " + method + " " + path
                                    + "; this server has GET /v1/models, POST /v1/completions, POST /v1/chat/completions");
                        }
                    }
                }
            } catch (ApiError e) {
                error(ex, e);
            }
        } catch (IOException clientGone) {
            // the client closed the connection; nothing is left to answer
        }
    }

    private ObjectNode modelCard() {
        return JSON.createObjectNode().put("id", servedModel).put("object", "model").put("created", created)
                .put("owned_by", "llmbench").put("max_model_len", maxCacheLen);
    }

    private static void allow(String method, String allowed) throws ApiError {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "invalid_request_error", null, method + " is not allowed here; use " + allowed);
        }
    }

    private void complete(HttpExchange ex, boolean chat) throws IOException, ApiError {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new ApiError(413, "invalid_request_error", null, "the request body is larger than " + MAX_BODY + " bytes");
            }
            body = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiError.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
        Optional<Tokenizer> tokenizer = engine.tokenizer();
        CompletionRequest request = CompletionRequest.parse(body, chat, servedModel, tokenizer, engine.vocabSize(),
                maxCacheLen);
        if (waiting.incrementAndGet() > maxQueue) {
            waiting.decrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new ApiError(503, "server_busy", null, maxQueue + " requests are already waiting for the engine,"
                    + " which answers one at a time; retry later");
        }
        Answer answer = new Answer(ex, request, (chat ? "chatcmpl-" : "cmpl-") + ids.incrementAndGet(), tokenizer);
        Future<?> done = engineThread.submit(() -> {
            waiting.decrementAndGet();
            answer.run();
            return null;
        });
        try {
            done.get();
        } catch (InterruptedException e) {
            done.cancel(true);
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (!answer.started) {
                throw new ApiError(500, "server_error", null, "the engine failed: " + cause);
            }
            // mid-stream: the error event was written by the answer itself
        }
    }

    /** One answer, made on the engine thread. */
    private final class Answer {
        private final HttpExchange ex;
        private final CompletionRequest request;
        private final String id;
        private final Optional<Tokenizer> tokenizer;
        volatile boolean started;

        Answer(HttpExchange ex, CompletionRequest request, String id, Optional<Tokenizer> tokenizer) {
            this.ex = ex;
            this.request = request;
            this.id = id;
            this.tokenizer = tokenizer;
        }

        void run() throws IOException {
            IncrementalText text = tokenizer.map(IncrementalText::new).orElse(null);
            OutputStream out = null;
            if (request.stream()) {
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.getResponseHeaders().set("Cache-Control", "no-cache");
                ex.getResponseHeaders().set("Server", "llmbench/" + version);
                ex.sendResponseHeaders(200, 0);
                started = true;
                out = ex.getResponseBody();
                if (request.chat()) {
                    ObjectNode first = chunk();
                    ObjectNode choice = ((ArrayNode) first.get("choices")).addObject().put("index", 0);
                    choice.putObject("delta").put("role", "assistant");
                    choice.putNull("finish_reason");
                    event(out, first);
                }
            }
            int[] prompt = request.prompt();
            int[] generated = new int[request.maxTokens()];
            int count = 0;
            String finish = "length";
            StringBuilder whole = new StringBuilder();
            try {
                engine.reset();
                int token = engine.prefill(prompt, prompt.length);
                while (true) {
                    if (eosIds.contains(token) && !request.ignoreEos() && count >= request.minTokens()) {
                        finish = "stop";
                        break;
                    }
                    generated[count++] = token;
                    String piece = text == null ? "" : text.next(token);
                    if (text != null && count == request.maxTokens()) {
                        // the last token carries any text still held back, so the closing event carries none
                        piece += text.rest();
                    }
                    if (out != null) {
                        event(out, tokenChunk(piece, token));
                    } else {
                        whole.append(piece);
                    }
                    if (count == request.maxTokens()) {
                        break;
                    }
                    token = engine.decode(token);
                }
            } catch (RuntimeException e) {
                if (out == null) {
                    throw e;
                }
                ObjectNode error = JSON.createObjectNode();
                error.putObject("error").put("message", "the engine failed after " + count + " tokens: " + e)
                        .put("type", "server_error");
                event(out, error);
                throw e;
            }
            String rest = text == null ? "" : text.rest();
            if (out == null) {
                whole.append(rest);
                send(ex, 200, whole(generated, count, finish, whole.toString()));
                return;
            }
            ObjectNode last = chunk();
            ObjectNode choice = ((ArrayNode) last.get("choices")).addObject().put("index", 0);
            if (request.chat()) {
                choice.putObject("delta").put("content", rest);
            } else {
                choice.put("text", rest);
            }
            choice.put("finish_reason", finish);
            event(out, last);
            if (request.includeUsage()) {
                ObjectNode usage = chunk();
                usage.set("usage", usage(count));
                event(out, usage);
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        private ObjectNode chunk() {
            ObjectNode c = JSON.createObjectNode().put("id", id)
                    .put("object", request.chat() ? "chat.completion.chunk" : "text_completion")
                    .put("created", Instant.now().getEpochSecond()).put("model", servedModel);
            c.putArray("choices");
            return c;
        }

        private ObjectNode tokenChunk(String piece, int token) {
            ObjectNode c = chunk();
            ObjectNode choice = ((ArrayNode) c.get("choices")).addObject().put("index", 0);
            if (request.chat()) {
                choice.putObject("delta").put("content", piece);
            } else {
                choice.put("text", piece);
            }
            choice.putNull("finish_reason");
            if (request.returnIds()) {
                choice.putArray("token_ids").add(token);
            }
            return c;
        }

        private ObjectNode whole(int[] generated, int count, String finish, String text) {
            ObjectNode c = JSON.createObjectNode().put("id", id)
                    .put("object", request.chat() ? "chat.completion" : "text_completion")
                    .put("created", Instant.now().getEpochSecond()).put("model", servedModel);
            ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
            if (request.chat()) {
                choice.putObject("message").put("role", "assistant").put("content", text);
            } else {
                choice.put("text", text);
            }
            choice.put("finish_reason", finish);
            if (request.returnIds()) {
                ArrayNode tokens = choice.putArray("token_ids");
                for (int i = 0; i < count; i++) {
                    tokens.add(generated[i]);
                }
                ArrayNode promptIds = c.putArray("prompt_token_ids");
                for (int p : request.prompt()) {
                    promptIds.add(p);
                }
            }
            c.set("usage", usage(count));
            return c;
        }

        private ObjectNode usage(int count) {
            int prompt = request.prompt().length;
            return JSON.createObjectNode().put("prompt_tokens", prompt).put("completion_tokens", count)
                    .put("total_tokens", prompt + count);
        }
    }

    private static void event(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Server", "llmbench/" + version);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void error(HttpExchange ex, ApiError e) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error").put("message", e.getMessage()).put("type", e.type);
        if (e.param == null) {
            error.putNull("param");
        } else {
            error.put("param", e.param);
        }
        error.put("code", e.status);
        send(ex, e.status, body);
    }
}
