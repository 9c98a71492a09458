package dev.llmbench.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.StreamingEngine.StreamException;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;

/**
 * The body of one streamed completion: reads the clock the moment bytes arrive, before any parsing, then parses
 * the server-sent events they complete and stamps every token they carry with that time. Tokens per event come from
 * the event's {@code token_ids} (vLLM's {@code return_token_ids}, {@code ./bench serve}), else its
 * {@code logprobs.tokens}, else one per event that carries generated text. A non-200 answer is kept as its error.
 */
final class TokenStream implements HttpResponse.BodySubscriber<Void> {
    /** Bytes of an error body kept for the message. */
    private static final int MAX_ERROR_BODY = 8192;

    private final String url;
    private final ObjectMapper json;
    private final LongSupplier clock;
    private final long[] marks;
    private final int[] ids;
    private final int asked;
    private final int[] eventTokens;
    private final StringBuilder text = new StringBuilder();
    private final CompletableFuture<Void> body = new CompletableFuture<>();
    private final SseParser parser = new SseParser(this::event);

    private volatile Flow.Subscription subscription;
    private volatile long lastArrivalNs;
    private int status;
    private String contentType = "";
    private String serverHeader;
    private ByteArrayOutputStream errorBody;
    private long arrivalNs;
    private int tokens;
    private int events;
    private Boolean idsKnown;
    private boolean done;
    private String finishReason;
    private long usagePrompt = -1;
    private long usageCompletion = -1;

    /** @param url what messages name; marks and ids as {@link dev.llmbench.engine.StreamingEngine#stream} fills them */
    TokenStream(String url, ObjectMapper json, LongSupplier clock, long[] marks, int[] ids, int asked) {
        this.url = url;
        this.json = json;
        this.clock = clock;
        this.marks = marks;
        this.ids = ids;
        this.asked = asked;
        this.eventTokens = new int[asked];
        this.lastArrivalNs = clock.getAsLong();
    }

    /** The handler: every answer goes to this subscriber, which keeps the status and headers. */
    HttpResponse.BodySubscriber<Void> bind(HttpResponse.ResponseInfo info) {
        status = info.statusCode();
        contentType = info.headers().firstValue("content-type").orElse("");
        serverHeader = info.headers().firstValue("server").orElse(null);
        if (status != 200) {
            errorBody = new ByteArrayOutputStream();
        }
        return this;
    }

    @Override
    public CompletionStage<Void> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        long now = clock.getAsLong();
        lastArrivalNs = now;
        if (body.isDone()) {
            return;
        }
        try {
            if (errorBody != null) {
                for (ByteBuffer b : buffers) {
                    while (b.hasRemaining() && errorBody.size() < MAX_ERROR_BODY) {
                        errorBody.write(b.get());
                    }
                }
                return;
            }
            if (!contentType.startsWith("text/event-stream")) {
                throw new StreamException(url + " answered with " + (contentType.isEmpty() ? "no content type"
                        : contentType) + ", not an event stream (text/event-stream): the server ignored \"stream\": true");
            }
            arrivalNs = now;
            for (ByteBuffer b : buffers) {
                parser.feed(b);
            }
        } catch (RuntimeException e) {
            fail(e instanceof StreamException se ? se
                    : new StreamException(url + " sent a malformed event: " + e.getMessage(), e));
        }
    }

    @Override
    public void onError(Throwable t) {
        fail(new StreamException(url + ": the connection failed after " + tokens + " of " + asked + " tokens: "
                + (t.getMessage() == null ? t.toString() : t.getMessage()), t));
    }

    @Override
    public void onComplete() {
        if (body.isDone()) {
            return;
        }
        if (errorBody != null) {
            fail(new StreamException(url + " answered HTTP " + status + ": " + errorMessage()));
            return;
        }
        if (!done && tokens < asked) {
            fail(new StreamException(url + " closed the stream after " + tokens + " of " + asked
                    + " tokens without its end ([DONE]): the server stopped mid-stream"));
            return;
        }
        body.complete(null);
    }

    /** Stops reading (a timeout or an error found here). */
    void cancel(StreamException why) {
        fail(why);
    }

    private void fail(StreamException e) {
        if (body.completeExceptionally(e)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    private void event(String data) {
        if (done) {
            return;
        }
        if (data.equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode node;
        try {
            node = json.readTree(data);
        } catch (Exception e) {
            throw new StreamException(url + " sent an event that is not JSON: " + abbreviate(data));
        }
        if (node == null || !node.isObject()) {
            throw new StreamException(url + " sent an event that is not a JSON object: " + abbreviate(data));
        }
        JsonNode error = node.get("error");
        if (error != null && !error.isNull()) {
            throw new StreamException(url + " reported an error mid-stream after " + tokens + " tokens: "
                    + (error.isObject() && error.has("message") ? error.get("message").asText() : error.toString()));
        }
        JsonNode usage = node.get("usage");
        if (usage != null && usage.isObject()) {
            usagePrompt = usage.path("prompt_tokens").asLong(-1);
            usageCompletion = usage.path("completion_tokens").asLong(-1);
        }
        JsonNode choices = node.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            return; // the usage event, or a keep-alive
        }
        JsonNode choice = choices.get(0);
        if (choice.hasNonNull("finish_reason")) {
            finishReason = choice.get("finish_reason").asText();
        }
        JsonNode delta = choice.get("delta");
        JsonNode content = delta != null ? delta.get("content") : choice.get("text");
        String piece = content == null || content.isNull() ? null : content.asText();
        JsonNode tokenIds = choice.get("token_ids");
        if (tokenIds == null && delta != null) {
            tokenIds = delta.get("token_ids");
        }
        int n;
        boolean withIds = tokenIds != null && tokenIds.isArray();
        if (withIds) {
            n = tokenIds.size();
        } else if (Boolean.TRUE.equals(idsKnown)) {
            n = 0; // a server that names its tokens sends none without: this closes the answer (held-back text)
        } else if (choice.path("logprobs").path("tokens").isArray()) {
            n = choice.path("logprobs").path("tokens").size();
        } else if (choice.path("logprobs").path("content").isArray()) {
            n = choice.path("logprobs").path("content").size();
        } else {
            // one token per event that carries text; an empty text with the finish reason is the closing event, and
            // a chat delta that only names the role opens the answer
            boolean opening = delta != null && delta.has("role");
            n = piece != null && (!piece.isEmpty() || finishReason == null && !opening) ? 1 : 0;
        }
        if (n == 0) {
            return;
        }
        if (idsKnown == null) {
            idsKnown = withIds;
        } else if (idsKnown != withIds) {
            throw new StreamException(url + " sent token ids in some events and not in others");
        }
        if (tokens + n > asked) {
            throw new StreamException(url + " sent " + (tokens + n) + " tokens, more than the " + asked
                    + " asked for (max_tokens)");
        }
        for (int k = 0; k < n; k++) {
            if (withIds) {
                JsonNode id = tokenIds.get(k);
                if (!id.canConvertToInt() || id.asInt() < 0) {
                    throw new StreamException(url + " sent token id " + id + ", not a non-negative integer");
                }
                ids[tokens] = id.asInt();
            }
            marks[tokens + 1] = arrivalNs;
            tokens++;
        }
        eventTokens[events++] = n;
        if (piece != null) {
            text.append(piece);
        }
    }

    private String errorMessage() {
        String raw = errorBody.toString(StandardCharsets.UTF_8);
        try {
            JsonNode node = json.readTree(raw);
            JsonNode error = node == null ? null : node.get("error");
            if (error != null && error.isObject() && error.has("message")) {
                return error.get("message").asText();
            }
            if (error != null && error.isTextual()) {
                return error.asText();
            }
            if (node != null && node.has("detail")) {
                return node.get("detail").toString();
            }
        } catch (Exception notJson) {
            // the raw body says it best
        }
        return raw.isBlank() ? "(no body)" : abbreviate(raw.strip());
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    long lastArrivalNs() {
        return lastArrivalNs;
    }

    int tokens() {
        return tokens;
    }

    boolean idsKnown() {
        return idsKnown != null && idsKnown;
    }

    int[] eventTokens() {
        return java.util.Arrays.copyOf(eventTokens, events);
    }

    String text() {
        return text.toString();
    }

    String finishReason() {
        return finishReason;
    }

    String serverHeader() {
        return serverHeader;
    }

    /** {@code usage.prompt_tokens}, or -1 when the server sent no usage. */
    long usagePrompt() {
        return usagePrompt;
    }

    /** {@code usage.completion_tokens}, or -1 when the server sent no usage. */
    long usageCompletion() {
        return usageCompletion;
    }
}
