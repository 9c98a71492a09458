package dev.llmbench.engine.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmbench.engine.StreamingEngine;
import dev.llmbench.results.Statistics;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark (not a test): how exactly the openai engine times a token stream, and what it costs per token.
 *
 * <ol>
 *   <li>One stream against {@link ScriptedServer}: the first token 50 ms after the request, then one event every
 *       5 ms, every 10th event a burst of 3 tokens. The truth is the server's clock right after each write (same
 *       JVM, same {@code System.nanoTime}); reported: the client's TTFT and step errors against it (median, p90,
 *       p99 of the absolute error) over 20 requests.</li>
 *   <li>64 streams at once at 1,000 tokens/s in total (each stream an event every 64 ms, 100 tokens): every token
 *       must arrive, and the same errors are reported.</li>
 *   <li>The client's own cost per token: a recorded event stream fed straight into the stream reader, ns and bytes
 *       allocated per token.</li>
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -ntp -pl runner -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * $JAVA_HOME/bin/java -cp runner/target/test-classes:runner/target/classes:$(cat runner/target/test-classpath.txt) \
 *     dev.llmbench.engine.openai.StreamTimingBenchmark
 * </pre>
 */
public final class StreamTimingBenchmark {
    private static final long MS = 1_000_000;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        System.out.println("load average before: " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                + ", cores: " + Runtime.getRuntime().availableProcessors());
        single();
        concurrent(64, 100, 64 * MS);
        cost();
        System.out.println("load average after: " + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** An answer of {@code n} tokens: the first event at {@code first}, then one every {@code every}, bursts of 3. */
    static ScriptedServer.Script script(String body, long first, long every, int burstEvery) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        int n = req.get("max_tokens").asInt();
        List<ScriptedServer.Event> events = new ArrayList<>();
        long at = first;
        int made = 0;
        while (made < n) {
            int k = burstEvery > 0 && events.size() % burstEvery == burstEvery - 1 ? Math.min(3, n - made) : 1;
            int[] ids = new int[k];
            for (int j = 0; j < k; j++) {
                ids[j] = made + j;
            }
            events.add(new ScriptedServer.Event(at, ScriptedServer.tokens(true, ids)));
            made += k;
            at += every;
        }
        events.add(new ScriptedServer.Event(at, ScriptedServer.finish("length")
                + ScriptedServer.usage(req.get("prompt").size(), n) + ScriptedServer.DONE));
        return new ScriptedServer.Script(200, "text/event-stream", events);
    }

    /** Per-token errors of one stream: client arrival marks against the server's write times. */
    record Errors(double ttftUs, double[] stepUs, double[] latencyUs) {
    }

    static Errors errors(long[] marks, int tokens, int[] eventTokens, long[] written) {
        long[] truth = new long[tokens + 1];
        int t = 0;
        for (int e = 0; e < eventTokens.length; e++) {
            for (int k = 0; k < eventTokens[e]; k++) {
                truth[++t] = written[e];
            }
        }
        double ttft = ((marks[1] - marks[0]) - (truth[1] - marks[0])) / 1e3;
        double[] steps = new double[tokens - 1];
        double[] latency = new double[tokens];
        for (int i = 1; i < tokens; i++) {
            steps[i - 1] = Math.abs((marks[i + 1] - marks[i]) - (truth[i + 1] - truth[i])) / 1e3;
        }
        for (int i = 0; i < tokens; i++) {
            latency[i] = (marks[i + 1] - truth[i + 1]) / 1e3;
        }
        return new Errors(ttft, steps, latency);
    }

    static void single() throws Exception {
        int requests = 20;
        int tokens = 200;
        try (ScriptedServer server = new ScriptedServer("m", b -> script(b, 50 * MS, 5 * MS, 10));
             OpenAiEngine engine = OpenAiEngineTest.open(server.url(), Map.of("timeout_s", "30"))) {
            List<Double> ttft = new ArrayList<>();
            List<Double> steps = new ArrayList<>();
            List<Double> latency = new ArrayList<>();
            for (int r = 0; r < requests + 3; r++) {
                long[] marks = new long[tokens + 1];
                int[] ids = new int[tokens];
                StreamingEngine.Run run = engine.stream(new int[16], 16, tokens, System::nanoTime, marks, ids);
                ScriptedServer.Sent sent = server.sent().get(r);
                if (r < 3) {
                    continue; // warm-up
                }
                Errors e = errors(marks, run.tokens(), run.eventTokens(), sent.writtenNs());
                ttft.add(Math.abs(e.ttftUs()));
                Arrays.stream(e.stepUs()).forEach(steps::add);
                Arrays.stream(e.latencyUs()).forEach(latency::add);
            }
            report("1 stream, first token at 50 ms, then every 5 ms, every 10th event 3 tokens; " + requests + " requests",
                    ttft, steps, latency);
        }
    }

    static void concurrent(int streams, int tokens, long every) throws Exception {
        try (ScriptedServer server = new ScriptedServer("m", b -> script(b, 50 * MS, every, 0));
             OpenAiEngine engine = OpenAiEngineTest.open(server.url(), Map.of("timeout_s", "30"));
             ExecutorService pool = Executors.newFixedThreadPool(streams)) {
            for (int round = 0; round < 2; round++) { // the first round warms up
                List<Future<long[][]>> futures = new ArrayList<>();
                long cpu0 = processCpuNs();
                long wall0 = System.nanoTime();
                for (int s = 0; s < streams; s++) {
                    int[] prompt = new int[16];
                    prompt[0] = s; // names the stream, so its answer is found among the server's records
                    futures.add(pool.submit(() -> {
                        long[] marks = new long[tokens + 1];
                        int[] ids = new int[tokens];
                        StreamingEngine.Run run = engine.stream(prompt, 16, tokens, System::nanoTime, marks, ids);
                        return new long[][]{marks, {run.tokens()}, Arrays.stream(run.eventTokens()).asLongStream().toArray()};
                    }));
                }
                List<long[][]> done = new ArrayList<>();
                for (Future<long[][]> f : futures) {
                    done.add(f.get());
                }
                long wall = System.nanoTime() - wall0;
                long cpu = processCpuNs() - cpu0;
                if (round == 0) {
                    continue;
                }
                List<ScriptedServer.Sent> all = server.sent();
                List<ScriptedServer.Sent> sent = all.subList(all.size() - streams, all.size());
                ScriptedServer.Sent[] byStream = new ScriptedServer.Sent[streams];
                for (ScriptedServer.Sent s : sent) {
                    byStream[JSON.readTree(s.body()).get("prompt").get(0).asInt()] = s;
                }
                List<Double> ttft = new ArrayList<>();
                List<Double> steps = new ArrayList<>();
                List<Double> latency = new ArrayList<>();
                long lost = 0;
                for (int k = 0; k < streams; k++) {
                    long[][] d = done.get(k);
                    long[] marks = d[0];
                    int got = (int) d[1][0];
                    lost += tokens - got;
                    int[] events = Arrays.stream(d[2]).mapToInt(x -> (int) x).toArray();
                    Errors e = errors(marks, got, events, byStream[k].writtenNs());
                    ttft.add(Math.abs(e.ttftUs()));
                    Arrays.stream(e.stepUs()).forEach(steps::add);
                    Arrays.stream(e.latencyUs()).forEach(latency::add);
                }
                double rate = streams * (double) tokens / (wall / 1e9);
                report(String.format(Locale.ROOT, "%d streams, %d tokens each, an event every %d ms each: %.0f tokens/s"
                        + " in total, %d tokens lost", streams, tokens, every / MS, rate, lost), ttft, steps, latency);
                System.out.printf(Locale.ROOT, "  process CPU (client and scripted server together): %.1f us per token%n",
                        cpu / 1e3 / (streams * (double) tokens));
            }
        }
    }

    /** The client's own cost: a recorded stream of single-token events fed straight into the reader. */
    static void cost() {
        int tokens = 200_000;
        StringBuilder one = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            one.append("data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"text\":\" 토큰\",\"finish_reason\":null,\"token_ids\":[" + (1000 + i) + "]}]}\n\n");
        }
        byte[] chunk = one.toString().getBytes(StandardCharsets.UTF_8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        double best = Double.MAX_VALUE;
        double bytes = 0;
        for (int rep = 0; rep < 8; rep++) {
            long[] marks = new long[tokens + 1];
            int[] ids = new int[tokens];
            TokenStream stream = new TokenStream("bench", JSON, System::nanoTime, marks, ids, tokens);
            stream.bind(new Info());
            stream.onSubscribe(new java.util.concurrent.Flow.Subscription() {
                public void request(long n) {
                }

                public void cancel() {
                }
            });
            long alloc0 = threads.getThreadAllocatedBytes(thread);
            long t0 = System.nanoTime();
            for (int i = 0; i < tokens / 100; i++) {
                // one event per read, as a server that flushes every token delivers them
                for (int e = 0; e < 100; e++) {
                    int from = e * (chunk.length / 100);
                    stream.onNext(List.of(ByteBuffer.wrap(chunk, from, chunk.length / 100)));
                }
            }
            long ns = System.nanoTime() - t0;
            long alloc = threads.getThreadAllocatedBytes(thread) - alloc0;
            if (stream.tokens() != tokens) {
                throw new IllegalStateException("read " + stream.tokens() + " of " + tokens + " tokens");
            }
            best = Math.min(best, ns / (double) tokens);
            bytes = alloc / (double) tokens;
        }
        System.out.printf(Locale.ROOT, "client cost: %.2f us per token (best of 8 x %d tokens), %.0f bytes allocated per token%n",
                best / 1e3, tokens, bytes);
    }

    private static void report(String what, List<Double> ttft, List<Double> steps, List<Double> latency) {
        Statistics t = Statistics.of(ttft);
        Statistics s = Statistics.of(steps);
        Statistics l = Statistics.of(latency);
        System.out.println(what);
        System.out.printf(Locale.ROOT, "  TTFT |error|: median %.1f us, max %.1f us (%d streams)%n", t.median(), t.max(), t.n());
        System.out.printf(Locale.ROOT, "  step |error|: median %.1f us, p90 %.1f us, p99 %.1f us (%d steps)%n",
                s.median(), s.percentile(90), s.percentile(99), s.n());
        System.out.printf(Locale.ROOT, "  write-to-stamp latency: median %.1f us, p99 %.1f us%n", l.median(), l.percentile(99));
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Response info of a 200 event stream, for feeding the reader without a connection. */
    private static final class Info implements java.net.http.HttpResponse.ResponseInfo {
        public int statusCode() {
            return 200;
        }

        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of("content-type", List.of("text/event-stream")), (a, b) -> true);
        }

        public java.net.http.HttpClient.Version version() {
            return java.net.http.HttpClient.Version.HTTP_1_1;
        }
    }
}
