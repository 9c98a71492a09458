package dev.llmbench.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Speed of loading and encoding, measured by hand (tests never time anything). Loads the fixture tokenizer
 * and a Qwen2-size one (151,643 tokens and 151,387 merges, grown from the fixture by seeded random merges), then
 * encodes 10,000 characters of the reference texts: once cold, then the best of 20 warm runs.
 *
 * <pre>
 * ./mvnw -q -pl runner -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp runner/target/test-classes:runner/target/classes:$(cat /tmp/cp.txt) \
 *     dev.llmbench.model.tokenizer.EncodeSpeed
 * </pre>
 */
public final class EncodeSpeed {
    private EncodeSpeed() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode reference = Fixtures.read("tokenizer-reference.json");
        StringBuilder text = new StringBuilder();
        for (int k = 0; text.length() < 10_000; k++) {
            for (JsonNode c : reference.get("encode")) {
                text.append(c.get("text").asText()).append(" #").append(k).append('\n');
            }
        }
        String sample = text.substring(0, 10_000);
        measure("fixture (1,283 tokens)", Fixtures.tokenizerJson(), sample);
        Path big = Files.createTempFile("qwen2-size-tokenizer", ".json");
        try {
            Files.writeString(big, grown(151_643).toString());
            measure("Qwen2 size (151,646 tokens, " + Files.size(big) / 1_000_000 + " MB)", big, sample);
        } finally {
            Files.deleteIfExists(big);
        }
    }

    private static void measure(String name, Path file, String sample) throws Exception {
        long t0 = System.nanoTime();
        BpeTokenizer tokenizer = BpeTokenizer.load(file);
        long t1 = System.nanoTime();
        int[] ids = tokenizer.encode(sample);
        long t2 = System.nanoTime();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 20; r++) {
            String varied = sample.replace('#', (char) ('a' + r)); // new pre-tokens each run, not only cache hits
            long s = System.nanoTime();
            tokenizer.encode(varied);
            best = Math.min(best, (System.nanoTime() - s) / 1e6);
        }
        long d0 = System.nanoTime();
        tokenizer.decode(ids);
        long d1 = System.nanoTime();
        System.out.printf("%s: load %.0f ms; encode 10,000 chars -> %d ids: cold %.1f ms, warm best %.2f ms;"
                + " decode %.2f ms%n", name, (t1 - t0) / 1e6, ids.length, (t2 - t1) / 1e6, best, (d1 - d0) / 1e6);
    }

    /** The fixture tokenizer with random merges of its shorter tokens added until it has {@code size} tokens. */
    private static ObjectNode grown(int size) {
        ObjectNode root = (ObjectNode) Fixtures.read("tiny-qwen2-f32/tokenizer.json");
        ObjectNode vocab = (ObjectNode) root.get("model").get("vocab");
        ArrayNode merges = (ArrayNode) root.get("model").get("merges");
        List<String> tokens = new ArrayList<>();
        vocab.fieldNames().forEachRemaining(tokens::add);
        Random random = new Random(1);
        while (vocab.size() < size) {
            int pool = tokens.size() / 2 + 300;
            String a = tokens.get(random.nextInt(pool));
            String b = tokens.get(random.nextInt(pool));
            if (a.length() + b.length() > 16 || vocab.has(a + b)) {
                continue;
            }
            vocab.put(a + b, vocab.size());
            tokens.add(a + b);
            merges.add(Fixtures.JSON.createArrayNode().add(a).add(b));
        }
        int id = size;
        for (JsonNode t : root.get("added_tokens")) {
            ((ObjectNode) t).put("id", id++);
        }
        return root;
    }
}
