package dev.llmbench.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.java.JavaEngineProvider;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import dev.llmbench.results.ScenarioResult;
import dev.llmbench.serve.EosIds;
import dev.llmbench.serve.OpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The openai engine end to end over loopback against a real {@code ./bench serve} server (the Java engine on the
 * tiny Hugging Face fixture): the greedy tokens it reports equal the Java engine's own, and the server's answers to
 * bad requests are JSON errors with the right status.
 */
class ServeEndToEndTest {
    static final String MODEL = Path.of("src/test/resources/fixtures/tiny-qwen2-f32").toAbsolutePath().toString();
    static final ObjectMapper JSON = new ObjectMapper();

    static Engine engine;
    static OpenAiServer server;
    static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        engine = new JavaEngineProvider().open(new EngineOptions(MODEL, 64, 512, 1, 42L, java.util.Map.of()));
        server = OpenAiServer.start(engine, "tiny", EosIds.of(MODEL), 512, 8, "test",
                new InetSocketAddress("127.0.0.1", 0));
        url = server.baseUrl().toString();
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    private static String[] openai(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--engine", "openai", "--url", url, "--served-model", "tiny",
                "--model", MODEL));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void generateOverTheServerGivesTheJavaEnginesGreedyTokens() throws Exception {
        Cli local = Cli.run("generate", "--engine", "java", "--model", MODEL, "--prompt", "서울의 날씨는", "--tokens", "12",
                "--format", "json", "--threads", "1");
        assertThat(local.code()).as(local.err()).isZero();
        String[] args = openai("--prompt", "서울의 날씨는", "--tokens", "12", "--format", "json");
        Cli remote = Cli.run(concat("generate", args));
        assertThat(remote.code()).as(remote.err()).isZero();
        JsonNode a = JSON.readTree(local.out());
        JsonNode b = JSON.readTree(remote.out());
        assertThat(b.get("prompt_ids")).isEqualTo(a.get("prompt_ids"));
        assertThat(b.get("generated_ids")).isEqualTo(a.get("generated_ids"));
        assertThat(b.get("generated_ids")).hasSize(12);
        assertThat(b.get("text")).isEqualTo(a.get("text"));
    }

    @Test
    void runOverTheServerMakesEveryTokenWithTheJavaEnginesIds() throws Exception {
        Path local = dir.resolve("java.json");
        Path remote = dir.resolve("openai.json");
        Cli java = Cli.run("run", "--engine", "java", "--model", MODEL, "--suite", "quick", "--scenarios", "Q1,Q2",
                "--warmup", "0", "--runs", "2", "--threads", "1", "--json", local.toString(), "--quiet");
        assertThat(java.code()).as(java.err()).isZero();
        Cli r = Cli.run(concat("run", openai("--suite", "quick", "--scenarios", "Q1,Q2", "--warmup", "1", "--runs", "2",
                "--json", remote.toString(), "--quiet")));
        assertThat(r.code()).as(r.err()).isZero();
        BenchmarkResults a = ResultsReader.read(local);
        BenchmarkResults b = ResultsReader.read(remote);
        assertThat(b.run().status()).isEqualTo(RunStatus.COMPLETE);
        assertThat(b.warnings()).extracting(w -> w.code()).doesNotContain("token_count_mismatch", "nondeterministic_output");
        assertThat(b.engine().name()).isEqualTo("openai");
        assertThat(b.engine().settings()).containsEntry("url", url).containsEntry("served_model", "tiny")
                .containsEntry("server_owned_by", "llmbench").containsEntry("server_version", "test")
                .containsEntry("server_header", "llmbench/test").containsEntry("prompt", "ids");
        assertThat(b.model()).isEqualTo(a.model());
        assertThat(b.load().peakMemoryBytes()).isNull();
        for (int i = 0; i < 2; i++) {
            ScenarioResult s = b.scenarios().get(i);
            List<Integer> expected = a.scenarios().get(i).runs().get(0).generatedIds();
            assertThat(s.runs()).hasSize(3);
            for (RunSample run : s.runs()) {
                assertThat(run.generatedIds()).isEqualTo(expected);
                assertThat(run.stepMs()).hasSize(s.decodeTokens() - 1);
                assertThat(run.deliveredTokens()).isNull();
                assertThat(run.eventTokens().stream().mapToInt(Integer::intValue).sum()).isEqualTo(s.decodeTokens());
            }
        }
    }

    @Test
    void textPromptsOfExactlyNTokensAreCheckedAgainstUsage() throws Exception {
        Path out = dir.resolve("text.json");
        Cli r = Cli.run(concat("run", openai("--suite", "quick", "--scenarios", "Q1,Q3", "--warmup", "0", "--runs", "1",
                "--engine-opt", "prompt=text", "--engine-opt", "token_ids=false", "--json", out.toString(), "--quiet")));
        assertThat(r.code()).as(r.err()).isZero();
        BenchmarkResults b = ResultsReader.read(out);
        assertThat(b.engine().settings()).containsEntry("prompt", "text").containsEntry("token_ids", false);
        assertThat(b.protocol().ignoreEos()).isTrue();
        for (ScenarioResult s : b.scenarios()) {
            RunSample run = s.runs().get(0);
            assertThat(run.generatedIds()).isEmpty(); // the server was not asked for ids
            assertThat(run.tokens()).isEqualTo(s.decodeTokens());
        }
        assertThat(b.warnings()).extracting(w -> w.code()).doesNotContain("token_count_mismatch");
    }

    @Test
    void aRunThatLetsTheServerStopAtEosSaysSo() throws Exception {
        Path out = dir.resolve("eos.json");
        Cli r = Cli.run(concat("run", openai("--suite", "quick", "--scenarios", "Q1", "--warmup", "0", "--runs", "1",
                "--engine-opt", "ignore_eos=false", "--json", out.toString(), "--quiet")));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(ResultsReader.read(out).protocol().ignoreEos()).isFalse();
    }

    @Test
    void chatAndWholeAnswers() throws Exception {
        HttpResponse<String> chat = post("/chat/completions", """
                {"model": "tiny", "messages": [{"role": "user", "content": "안녕하세요"}], "max_tokens": 3,
                 "ignore_eos": true, "return_token_ids": true}""");
        assertThat(chat.statusCode()).isEqualTo(200);
        JsonNode c = JSON.readTree(chat.body());
        assertThat(c.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(c.at("/choices/0/token_ids")).hasSize(3);
        assertThat(c.at("/usage/completion_tokens").asInt()).isEqualTo(3);
        assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("length");

        HttpResponse<String> stream = post("/chat/completions", """
                {"model": "tiny", "messages": [{"role": "user", "content": "안녕하세요"}], "max_tokens": 3,
                 "ignore_eos": true, "stream": true}""");
        assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(stream.body()).startsWith("data: {").contains("\"delta\":{\"role\":\"assistant\"}")
                .endsWith("data: [DONE]\n\n").doesNotContain("usage");
    }

    @Test
    void badRequestsGetJsonErrorsNamingTheField() throws Exception {
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [1, 2], \"temperature\": 0.8}"), 400, "temperature");
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [1, 99999]}"), 400, "prompt");
        assertError(post("/completions", "{\"prompt\": [1]}"), 400, "model");
        assertError(post("/completions", "{\"model\": \"other\", \"prompt\": [1]}"), 404, "model");
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [1], \"max_tokens\": 600}"), 400, "max_tokens");
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [[1], [2]]}"), 400, "prompt");
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [1], \"stop\": [\"x\"]}"), 400, "stop");
        assertError(post("/completions", "{\"model\": \"tiny\", \"prompt\": [1], \"stream_options\": {}}"), 400, "stream_options");
        HttpResponse<String> notJson = post("/completions", "{\"model\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).at("/error/message").asText()).contains("not valid JSON");
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/completions"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        HttpResponse<String> missing = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/embeddings"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/error/type").asText()).isEqualTo("not_found_error");
    }

    @Test
    void wrongServedModelAndMissingKeyAreInputErrors() {
        Cli wrong = Cli.run("generate", "--engine", "openai", "--url", url, "--served-model", "nope", "--model", MODEL,
                "--prompt-ids", "1,2", "--tokens", "2");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.cleanError()).as(wrong.err()).isTrue();
        assertThat(wrong.err()).contains(url + "/models lists [tiny], not nope");
        Cli key = Cli.run(concat("generate", openai("--api-key-env", "LLMBENCH_NO_SUCH_VARIABLE", "--prompt-ids", "1")));
        assertThat(key.code()).isEqualTo(2);
        assertThat(key.err()).contains("--api-key-env LLMBENCH_NO_SUCH_VARIABLE: the environment variable is not set");
        Cli notOpenai = Cli.run("generate", "--engine", "java", "--model", MODEL, "--url", url, "--prompt-ids", "1");
        assertThat(notOpenai.code()).isEqualTo(2);
        assertThat(notOpenai.err()).contains("--url is a setting of --engine openai");
    }

    @Test
    void serveRefusesWhatItCannotServe() throws Exception {
        Cli server = Cli.run("serve", "--engine", "openai", "--model", MODEL, "--url", url, "--served-model", "tiny");
        assertThat(server.code()).isEqualTo(2);
        assertThat(server.err()).contains("./bench serve needs an in-process engine (java, cuda, metal); openai is itself a server");
        Cli port = Cli.run("serve", "--model", MODEL, "--port", "70000");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be between 0 and 65535, got 70000");
        int taken = server().baseUrl().getPort();
        Cli busy = Cli.run("serve", "--model", MODEL, "--threads", "1", "--port", Integer.toString(taken));
        assertThat(busy.code()).isEqualTo(2);
        assertThat(busy.cleanError()).as(busy.err()).isTrue();
        assertThat(busy.err()).contains("cannot listen on 127.0.0.1:" + taken).contains("pick another --port");
    }

    private static OpenAiServer server() {
        return server;
    }

    private static void assertError(HttpResponse<String> r, int status, String param) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("param").asText()).isEqualTo(param);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(error.get("code").asInt()).isEqualTo(status);
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
