package dev.llmbench.runner.testing;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;
import dev.llmbench.model.Tokenizer;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Test engine with known timings: it advances {@link TestClock} by fixed amounts, so a run of prompt length N that
 * is the k-th run of that length (k from 0) has TTFT {@code N * 0.01 + k * 0.1} ms and every decode step
 * {@code 1 + k * 0.05} ms. Models: {@code synthetic:tiny} (vocab 1000, no tokenizer), {@code synthetic:tok}
 * (UTF-8 bytes tokenizer, vocab 300). Options: {@code fail_prompt=N} throws in the prefill of length N,
 * {@code nan=true}, {@code drift=true} (ids change between runs), {@code flat_ttft=true} (TTFT ignores length),
 * {@code sleep_ms=N} (each decode step also sleeps, for tests that stop a real process mid-run),
 * {@code direct_fill=true} (a {@link Engine.CacheFiller} that takes {@code positions * 0.001} ms; the k-th fill of a
 * position counts as the k-th run of that length for the decode steps that follow).
 */
public class FakeEngineProvider implements EngineProvider {
    /** Called with the prompt length at every prefill; tests use it to interrupt a session mid-suite. */
    public static volatile IntConsumer onPrefill = len -> { };
    /** Every prompt the last opened engine saw, copied. */
    public static final List<int[]> PROMPTS = new ArrayList<>();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String description() {
        return "test engine with scripted timings";
    }

    @Override
    public Availability availability() {
        return Availability.yes("always");
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        String model = options.model();
        boolean tokenizer;
        String name;
        if (model.equals("synthetic:tiny")) {
            tokenizer = false;
            name = model;
        } else if (model.equals("synthetic:tok")) {
            tokenizer = true;
            name = model;
        } else if (model.startsWith("synthetic:")) {
            throw new EngineException(EngineException.Kind.INVALID_INPUT, "unknown synthetic model "
                    + model.substring("synthetic:".length()) + "; known: tiny, tok");
        } else {
            tokenizer = true;
            name = Path.of(model).getFileName().toString();
        }
        PROMPTS.clear();
        return new FakeEngine(name(), name, tokenizer, options);
    }

    static final class FakeEngine implements Engine {
        private final String engineName;
        private final String modelName;
        private final boolean hasTokenizer;
        private final int vocab;
        private final int failPrompt;
        private final boolean nan;
        private final boolean drift;
        private final boolean flatTtft;
        private final long sleepMs;
        private final boolean directFill;
        private final EngineOptions options;
        private final Map<Integer, Integer> runsPerLength = new HashMap<>();
        private int run;
        private boolean sawNan;

        FakeEngine(String engineName, String modelName, boolean hasTokenizer, EngineOptions options) {
            this.engineName = engineName;
            this.modelName = modelName;
            this.hasTokenizer = hasTokenizer;
            this.vocab = hasTokenizer ? 300 : 1000;
            this.options = options;
            Map<String, String> extra = options.extra();
            this.failPrompt = Integer.parseInt(extra.getOrDefault("fail_prompt", "-1"));
            this.nan = Boolean.parseBoolean(extra.getOrDefault("nan", "false"));
            this.drift = Boolean.parseBoolean(extra.getOrDefault("drift", "false"));
            this.flatTtft = Boolean.parseBoolean(extra.getOrDefault("flat_ttft", "false"));
            this.sleepMs = Long.parseLong(extra.getOrDefault("sleep_ms", "0"));
            this.directFill = Boolean.parseBoolean(extra.getOrDefault("direct_fill", "false"));
        }

        @Override
        public EngineInfo info() {
            return new EngineInfo(engineName, "0-test", Map.of("prefill_seq_len", options.prefillSeqLen(),
                    "max_cache_len", options.maxCacheLen()));
        }

        @Override
        public ModelInfo model() {
            return new ModelInfo(modelName, modelName.startsWith("synthetic:") ? "synthetic" : "file", "f32", 1234,
                    "00".repeat(32), "FakeForCausalLM");
        }

        @Override
        public int vocabSize() {
            return vocab;
        }

        @Override
        public Optional<Tokenizer> tokenizer() {
            if (!hasTokenizer) {
                return Optional.empty();
            }
            return Optional.of(new Tokenizer() {
                @Override
                public int[] encode(String text) {
                    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                    int[] ids = new int[bytes.length];
                    for (int i = 0; i < bytes.length; i++) {
                        ids[i] = bytes[i] & 0xff;
                    }
                    return ids;
                }

                @Override
                public String decode(int[] ids) {
                    byte[] bytes = new byte[ids.length];
                    for (int i = 0; i < ids.length; i++) {
                        bytes[i] = (byte) (ids[i] % 26 + 'a');
                    }
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            });
        }

        @Override
        public double compileMs() {
            return 1.5;
        }

        @Override
        public double weightLoadMs() {
            return 2.5;
        }

        @Override
        public Optional<CacheFiller> cacheFiller() {
            if (!directFill) {
                return Optional.empty();
            }
            return Optional.of((positions, seed) -> {
                run = runsPerLength.merge(-positions, 1, Integer::sum) - 1;
                TestClock.INSTANCE.advance(positions * 1_000L);
            });
        }

        @Override
        public int prefill(int[] ids, int length) {
            onPrefill.accept(length);
            if (length == failPrompt) {
                throw new IllegalStateException("scripted failure at prompt length " + length);
            }
            PROMPTS.add(Arrays.copyOf(ids, length));
            run = runsPerLength.merge(length, 1, Integer::sum) - 1;
            TestClock.INSTANCE.advance((flatTtft ? 500_000L : length * 10_000L) + run * 100_000L);
            long sum = 0;
            for (int i = 0; i < length; i++) {
                sum += ids[i];
            }
            return (int) ((sum * 31 + length) % vocab);
        }

        @Override
        public int decode(int tokenId) {
            TestClock.INSTANCE.advance(1_000_000L + run * 50_000L);
            if (sleepMs > 0) {
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (nan) {
                sawNan = true;
            }
            return (tokenId * 17 + 11 + (drift ? run : 0)) % vocab;
        }

        @Override
        public void reset() {
            sawNan = false;
        }

        @Override
        public boolean sawNonFiniteLogits() {
            return sawNan;
        }

        @Override
        public void close() {
        }
    }
}
