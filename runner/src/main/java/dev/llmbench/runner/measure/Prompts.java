package dev.llmbench.runner.measure;

import dev.llmbench.model.Tokenizer;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Prompts of exactly N tokens. With a tokenizer: a fixed multilingual text, encoded once, repeated and cut to N
 * tokens (the ids are fed as they are, never re-encoded, so the length is exact). Without: ids drawn from a seeded
 * generator in {@code [0, vocab)}. Every scenario's prompt is a prefix of one long sequence.
 */
public final class Prompts {
    public static final String SOURCE_TOKENIZER = "tokenizer";
    public static final String SOURCE_SEEDED = "seeded";

    /** Korean first, as the pages are; English, Japanese, Chinese, digits, code and punctuation for coverage. */
    public static final String TEXT = """
            대규모 언어 모델의 추론 속도는 프롬프트 처리(prefill)와 토큰 생성(decode) 두 단계로 나누어 측정합니다. \
            Large language model inference has two phases: prefill reads the whole prompt at once, and decode \
            produces one token at a time from the key-value cache. 言語モデルの推論は、プロンプトの処理と\
            トークンの生成に分かれます。大型语言模型的推理分为预填充和解码两个阶段。 \
            Throughput = tokens / seconds; TTFT ≈ 12.5 ms at 64 tokens, 101 ms at 1,024 tokens (2026-01-15). \
            for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // f32 accumulation \
            서울, 부산, 대전 — 메모리 대역폭이 디코드 속도의 상한을 정합니다!
            """;

    private Prompts() {
    }

    public static String source(Optional<Tokenizer> tokenizer) {
        return tokenizer.isPresent() ? SOURCE_TOKENIZER : SOURCE_SEEDED;
    }

    /**
     * @throws IllegalStateException when the tokenizer returns no ids or ids outside {@code [0, vocab)}
     */
    public static int[] build(Optional<Tokenizer> tokenizer, int vocab, long seed, int length) {
        if (vocab <= 0) {
            throw new IllegalStateException("engine reports a vocabulary of " + vocab + " tokens");
        }
        int[] ids = new int[length];
        if (tokenizer.isPresent()) {
            int[] base = tokenizer.get().encode(TEXT);
            if (base == null || base.length == 0) {
                throw new IllegalStateException("the model's tokenizer encoded the prompt text to no tokens");
            }
            for (int id : base) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalStateException("the model's tokenizer produced id " + id
                            + " outside the vocabulary [0, " + vocab + ")");
                }
            }
            for (int i = 0; i < length; i++) {
                ids[i] = base[i % base.length];
            }
        } else {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < length; i++) {
                ids[i] = random.nextInt(vocab);
            }
        }
        return ids;
    }
}
