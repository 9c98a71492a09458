package dev.llmbench.runner.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmbench.engine.openai.ScriptedServer;
import dev.llmbench.results.BenchmarkResults;
import dev.llmbench.results.ResultsReader;
import dev.llmbench.results.RunSample;
import dev.llmbench.results.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.llmbench.engine.openai.ScriptedServer.DONE;
import static dev.llmbench.engine.openai.ScriptedServer.finish;
import static dev.llmbench.engine.openai.ScriptedServer.tokens;
import static dev.llmbench.engine.openai.ScriptedServer.usage;
import static org.assertj.core.api.Assertions.assertThat;

/** ./bench run --engine openai against servers that fail: the results file stays valid, says why, and resumes. */
class OpenAiRunFailuresTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** All tokens asked for, or only {@code cut} of them, then [DONE] (cut < 0) or a dropped connection. */
    public static ScriptedServer.Script answer(String body, int cut, boolean dropped) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int n = req.get("max_tokens").asInt();
        int made = cut < 0 ? n : Math.min(cut, n);
        List<ScriptedServer.Event> events = new ArrayList<>();
        for (int i = 0; i < made; i++) {
            events.add(new ScriptedServer.Event(100_000L * (i + 1), tokens(true, 7 + i)));
        }
        if (!dropped) {
            events.add(new ScriptedServer.Event(100_000L * (made + 1), finish(made < n ? "stop" : "length")
                    + usage(req.get("prompt").size(), made) + DONE));
        }
        return new ScriptedServer.Script(200, "text/event-stream", events);
    }

    private static Cli run(String url, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--engine", "openai", "--url", url, "--served-model", "m",
                "--model", "synthetic:tiny", "--suite", "quick", "--warmup", "0", "--runs", "2", "--json", out.toString(),
                "--quiet"));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void aServerThatStopsMidStreamLeavesAFailedFileThatResumes() throws Exception {
        Path out = dir.resolve("r.json");
        AtomicInteger requests = new AtomicInteger();
        // Q1 (2 runs) complete, then the connection drops in Q2's first run; every later request is answered whole
        try (ScriptedServer s = new ScriptedServer("m", b -> {
            boolean drop = requests.incrementAndGet() == 3;
            return answer(b, drop ? 5 : -1, drop);
        })) {
            Cli r = run(s.url(), out);
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("scenario Q2 failed: " + s.url() + "/completions closed the stream after 5 of 32"
                    + " tokens without its end ([DONE])").contains("--resume " + out);
            BenchmarkResults failed = ResultsReader.read(out);
            assertThat(failed.run().status()).isEqualTo(RunStatus.FAILED);
            assertThat(failed.run().error()).contains(s.url());
            assertThat(failed.scenarios()).extracting(x -> x.id()).containsExactly("Q1");

            Cli resumed = Cli.run("run", "--engine", "openai", "--url", s.url(), "--served-model", "m", "--model",
                    "synthetic:tiny", "--suite", "quick", "--resume", out.toString(), "--quiet");
            assertThat(resumed.code()).as(resumed.err()).isZero();
            BenchmarkResults done = ResultsReader.read(out);
            assertThat(done.run().status()).isEqualTo(RunStatus.COMPLETE);
            assertThat(done.scenarios()).extracting(x -> x.id()).containsExactly("Q1", "Q2", "Q3");
            assertThat(done.scenarios().getFirst()).isEqualTo(failed.scenarios().getFirst()); // kept, not run again
        }
        try (ScriptedServer other = new ScriptedServer("m", b -> answer(b, -1, false))) {
            Cli r = Cli.run("run", "--engine", "openai", "--url", other.url(), "--served-model", "m", "--model",
                    "synthetic:tiny", "--suite", "quick", "--resume", out.toString(), "--force", "--quiet");
            assertThat(r.code()).as(r.err()).isEqualTo(2); // another server is another set-up: refused, naming it
            assertThat(r.err()).contains("$.engine.settings.url");
        }
    }

    @Test
    void fewerTokensAreKeptMarkedAndWarnedAbout() throws Exception {
        Path out = dir.resolve("short.json");
        try (ScriptedServer s = new ScriptedServer("m", b -> answer(b, 10, false))) {
            Cli r = run(s.url(), out, "--scenarios", "Q1");
            assertThat(r.code()).as(r.err()).isZero();
        }
        BenchmarkResults b = ResultsReader.read(out);
        RunSample run = b.scenarios().get(0).runs().get(0);
        assertThat(run.deliveredTokens()).isEqualTo(10);
        assertThat(run.stepMs()).hasSize(9);
        assertThat(run.generatedIds()).hasSize(10);
        assertThat(b.warnings()).anySatisfy(w -> {
            assertThat(w.code()).isEqualTo("token_count_mismatch");
            assertThat(w.message()).contains("generated 10 tokens, the scenario asked for 16");
        });
        assertThat(Files.readString(out)).contains("\"delivered_tokens\" : 10");
    }

    @Test
    void theKeyIsSentButNeverWritten() throws Exception {
        Path out = dir.resolve("key.json");
        String key = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(key != null && key.length() > 3, "needs HOME set");
        try (ScriptedServer s = new ScriptedServer("m", b -> answer(b, -1, false))) {
            Cli r = run(s.url(), out, "--scenarios", "Q1", "--api-key-env", "HOME");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(s.authorizations()).isNotEmpty().allMatch(a -> a.equals("Bearer " + key));
        }
        assertThat(Files.readString(out)).doesNotContain(key).doesNotContain("HOME");
    }

    @Test
    void aRefusedConnectionExits3NamingTheUrl() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path out = dir.resolve("none.json");
        Cli r = run("http://127.0.0.1:" + port + "/v1", out);
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.cleanError()).as(r.err()).isTrue();
        assertThat(r.err()).contains("cannot connect to http://127.0.0.1:" + port + "/v1/models: connection refused");
        assertThat(out).doesNotExist();
    }
}
