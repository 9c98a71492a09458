package dev.llmbench.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.engine.StreamingEngine.StreamException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static dev.llmbench.engine.openai.ScriptedServer.DONE;
import static dev.llmbench.engine.openai.ScriptedServer.finish;
import static dev.llmbench.engine.openai.ScriptedServer.tokens;
import static dev.llmbench.engine.openai.ScriptedServer.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The openai engine against scripted servers: what it records, and each way a server can fail it. */
class OpenAiEngineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long MS = 1_000_000;

    static OpenAiEngine open(String url, Map<String, String> more) throws EngineException {
        Map<String, String> extra = new java.util.HashMap<>(Map.of("url", url, "served_model", "m", "timeout_s", "2"));
        extra.putAll(more);
        EngineOptions options = new EngineOptions("synthetic:tiny", 256, 2048, 0, 42L, extra);
        return OpenAiEngine.open(OpenAiSettings.of(options), options);
    }

    /** A stream of {@code n} tokens, 1 ms apart, every event a single token with its id, then usage and [DONE]. */
    static ScriptedServer.Script good(String body, boolean withIds, int burstEvery) {
        JsonNode req = read(body);
        int n = req.get("max_tokens").asInt();
        List<ScriptedServer.Event> events = new ArrayList<>();
        long at = MS;
        for (int i = 0; i < n; ) {
            int k = burstEvery > 0 && events.size() % burstEvery == burstEvery - 1 ? Math.min(3, n - i) : 1;
            int[] ids = new int[k];
            for (int j = 0; j < k; j++) {
                ids[j] = 100 + i + j;
            }
            events.add(new ScriptedServer.Event(at, tokens(withIds, ids)));
            i += k;
            at += MS;
        }
        events.add(new ScriptedServer.Event(at, finish("length") + usage(req.get("prompt").size(), n) + DONE));
        return new ScriptedServer.Script(200, "text/event-stream", events);
    }

    static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static StreamingEngine.Run stream(OpenAiEngine engine, int promptTokens, int decode, long[] marks, int[] ids) {
        return engine.stream(new int[promptTokens], promptTokens, decode, System::nanoTime, marks, ids);
    }

    static ScriptedServer server(Function<String, ScriptedServer.Script> script) throws IOException {
        return new ScriptedServer("m", script);
    }

    @Test
    void requestAsksForExactCountsGreedyAndUsage() throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        try (ScriptedServer s = server(b -> {
            seen.add(read(b));
            return good(b, true, 0);
        }); OpenAiEngine engine = open(s.url(), Map.of())) {
            long[] marks = new long[9];
            int[] ids = new int[8];
            StreamingEngine.Run run = stream(engine, 5, 8, marks, ids);
            assertThat(run.tokens()).isEqualTo(8);
            assertThat(run.idsKnown()).isTrue();
            assertThat(ids).containsExactly(100, 101, 102, 103, 104, 105, 106, 107);
            for (int i = 0; i < 8; i++) {
                assertThat(marks[i + 1]).isGreaterThanOrEqualTo(marks[i]); // events may arrive together
            }
            JsonNode req = seen.get(0);
            assertThat(req.get("model").asText()).isEqualTo("m");
            assertThat(req.get("prompt")).hasSize(5);
            assertThat(req.get("max_tokens").asInt()).isEqualTo(8);
            assertThat(req.get("min_tokens").asInt()).isEqualTo(8);
            assertThat(req.get("ignore_eos").asBoolean()).isTrue();
            assertThat(req.get("temperature").asDouble()).isZero();
            assertThat(req.get("stream").asBoolean()).isTrue();
            assertThat(req.at("/stream_options/include_usage").asBoolean()).isTrue();
            assertThat(engine.info().settings()).containsEntry("server_owned_by", "scripted")
                    .containsEntry("server_header", "scripted/1");
        }
    }

    @Test
    void aBurstOfTokensInOneEventIsRecordedAsOne() throws Exception {
        try (ScriptedServer s = server(b -> good(b, false, 3)); OpenAiEngine engine = open(s.url(), Map.of())) {
            // without ids a burst looks like one token: usage then disagrees, and no time is made up for the others
            assertThatThrownBy(() -> stream(engine, 4, 10, new long[11], new int[10]))
                    .hasMessageContaining("reported 10 completion tokens (usage.completion_tokens) but its stream carried 6");
        }
        try (ScriptedServer s = server(b -> good(b, true, 3)); OpenAiEngine engine = open(s.url(), Map.of())) {
            long[] marks = new long[11];
            int[] ids = new int[10];
            StreamingEngine.Run run = stream(engine, 4, 10, marks, ids);
            assertThat(run.eventTokens()).containsExactly(1, 1, 3, 1, 1, 3);
            assertThat(marks[4]).isEqualTo(marks[3]).isEqualTo(marks[5]); // one arrival time for the burst
        }
    }

    @Test
    void usageThatDisagreesWithTheStreamIsAnError() throws Exception {
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "text/event-stream", List.of(
                new ScriptedServer.Event(MS, tokens(false, 1) + tokens(false, 2) + finish("length") + usage(4, 3) + DONE))));
             OpenAiEngine engine = open(s.url(), Map.of())) {
            assertThatThrownBy(() -> stream(engine, 4, 3, new long[4], new int[3]))
                    .isInstanceOf(StreamException.class)
                    .hasMessageContaining(s.url() + "/completions reported 3 completion tokens")
                    .hasMessageContaining("its stream carried 2");
        }
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "text/event-stream", List.of(
                new ScriptedServer.Event(MS, tokens(true, 1) + finish("length") + usage(5, 1) + DONE))));
             OpenAiEngine engine = open(s.url(), Map.of())) {
            assertThatThrownBy(() -> stream(engine, 4, 1, new long[2], new int[1]))
                    .hasMessageContaining("counted 5 prompt tokens (usage.prompt_tokens) for a prompt of 4");
        }
    }

    @Test
    void fewerTokensThanAskedAreReportedNotInvented() throws Exception {
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "text/event-stream", List.of(
                new ScriptedServer.Event(MS, tokens(true, 1) + tokens(true, 2) + finish("stop") + usage(4, 2) + DONE))));
             OpenAiEngine engine = open(s.url(), Map.of())) {
            StreamingEngine.Run run = stream(engine, 4, 6, new long[7], new int[6]);
            assertThat(run.tokens()).isEqualTo(2);
        }
    }

    @Test
    void eachFailureNamesTheUrl() throws Exception {
        String[][] cases = {
                {"stops", tokens(true, 1), "closed the stream after 1 of 4 tokens without its end ([DONE])"},
                {"garbage", "data: {not json\n\n", "sent an event that is not JSON: {not json"},
                {"error", "data: {\"error\": {\"message\": \"out of memory\"}}\n\n", "reported an error mid-stream after 0 tokens: out of memory"},
                {"more", tokens(true, 1, 2, 3, 4, 5) + DONE, "sent 5 tokens, more than the 4 asked for"},
                {"none", finish("stop") + DONE, "ended the stream without a token"},
        };
        for (String[] c : cases) {
            try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "text/event-stream",
                    List.of(new ScriptedServer.Event(MS, c[1])))); OpenAiEngine engine = open(s.url(), Map.of())) {
                assertThatThrownBy(() -> stream(engine, 4, 4, new long[5], new int[4])).as(c[0])
                        .isInstanceOf(StreamException.class)
                        .hasMessageContaining(s.url() + "/completions")
                        .hasMessageContaining(c[2]);
            }
        }
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(500, "application/json", List.of(
                new ScriptedServer.Event(MS, "{\"error\": {\"message\": \"the model crashed\"}}"))));
             OpenAiEngine engine = open(s.url(), Map.of())) {
            assertThatThrownBy(() -> stream(engine, 4, 4, new long[5], new int[4]))
                    .hasMessage(s.url() + "/completions answered HTTP 500: the model crashed");
        }
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "application/json", List.of(
                new ScriptedServer.Event(MS, "{\"choices\": []}")))); OpenAiEngine engine = open(s.url(), Map.of())) {
            assertThatThrownBy(() -> stream(engine, 4, 4, new long[5], new int[4]))
                    .hasMessageContaining("not an event stream (text/event-stream)");
        }
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ScriptedServer s = server(b -> new ScriptedServer.Script(200, "text/event-stream", List.of(
                new ScriptedServer.Event(MS, tokens(true, 1)), new ScriptedServer.Event(60_000 * MS, DONE))));
             OpenAiEngine engine = open(s.url(), Map.of("timeout_s", "1"))) {
            assertThatThrownBy(() -> stream(engine, 4, 4, new long[5], new int[4]))
                    .hasMessageContaining(s.url() + "/completions sent nothing for 1 s after 1 tokens");
        }
    }

    @Test
    void refusedConnectionIsUnavailableNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        assertThatThrownBy(() -> open(url, Map.of()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.UNAVAILABLE))
                .hasMessageContaining("cannot connect to " + url + "/models: connection refused");
    }

    @Test
    void badSettingsAreInputErrors() {
        assertThatThrownBy(() -> open("ftp://x/v1", Map.of())).hasMessageContaining("needs http:// or https://");
        assertThatThrownBy(() -> open("http://user:pw@127.0.0.1:1/v1", Map.of())).hasMessageContaining("--api-key-env");
        assertThatThrownBy(() -> open("http://127.0.0.1:1/v1", Map.of("prompt", "words"))).hasMessageContaining("prompt=words");
        assertThatThrownBy(() -> open("http://127.0.0.1:1/v1", Map.of("graphs", "true"))).hasMessageContaining("not a setting of the openai engine");
        assertThatThrownBy(() -> open("http://127.0.0.1:1/v1", Map.of("prompt", "text"))).hasMessageContaining("needs a tokenizer");
    }
}
