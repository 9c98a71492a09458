package dev.llmbench.engine.openai;

import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;

/**
 * What {@code --engine openai} is opened with, from {@link EngineOptions#extra()}: the CLI puts {@code --url},
 * {@code --served-model}, {@code --api-key-env} and {@code --tokenizer} there as {@code url}, {@code served_model},
 * {@code api_key_env}, {@code tokenizer}, beside the {@code --engine-opt} keys below.
 *
 * @param baseUrl      the API's base, e.g. {@code http://127.0.0.1:8080/v1} (no trailing slash)
 * @param servedModel  the model name the server knows
 * @param apiKeyEnv    the environment variable that holds the API key, or null; the key itself is never kept here
 * @param tokenizer    a folder whose {@code tokenizer.json} builds text prompts, or null (the model's own)
 * @param prompt       {@code ids}: token-id prompts; {@code text}: text of exactly N tokens, checked against usage
 * @param ignoreEos    send {@code ignore_eos} and {@code min_tokens} so the server makes every token asked for
 * @param tokenIds     send {@code return_token_ids} so events carry their token ids
 * @param timeoutS     seconds to wait for the answer's headers, and for each next event
 */
record OpenAiSettings(URI baseUrl, String servedModel, String apiKeyEnv, String tokenizer, String prompt,
                      boolean ignoreEos, boolean tokenIds, int timeoutS) {
    static final Set<String> KEYS = Set.of("url", "served_model", "api_key_env", "tokenizer", "prompt", "ignore_eos",
            "token_ids", "timeout_s");

    static OpenAiSettings of(EngineOptions options) throws EngineException {
        Map<String, String> x = options.extra();
        for (String key : x.keySet()) {
            if (!KEYS.contains(key)) {
                throw invalid("--engine-opt " + key + ": not a setting of the openai engine; it knows prompt=ids|text,"
                        + " ignore_eos=true|false, token_ids=true|false, timeout_s=N");
            }
        }
        String url = x.get("url");
        if (url == null || url.isBlank()) {
            throw invalid("--url is required: the server's OpenAI API base, for example http://127.0.0.1:8080/v1");
        }
        URI base;
        try {
            base = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (URISyntaxException e) {
            throw invalid("--url " + url + ": not a URL (" + e.getReason() + "); for example http://127.0.0.1:8080/v1");
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
            throw invalid("--url " + url + ": needs http:// or https:// and a host, for example http://127.0.0.1:8080/v1");
        }
        if (base.getUserInfo() != null || base.getQuery() != null) {
            throw invalid("--url " + base.getScheme() + "://" + base.getHost()
                    + ": put no user, password or query in the URL; pass a key with --api-key-env VAR");
        }
        String served = x.get("served_model");
        if (served == null || served.isBlank()) {
            throw invalid("--served-model is required: the model name the server knows (GET " + base + "/models lists them)");
        }
        String keyEnv = x.get("api_key_env");
        if (keyEnv != null && (System.getenv(keyEnv) == null || System.getenv(keyEnv).isBlank())) {
            throw invalid("--api-key-env " + keyEnv + ": the environment variable is not set or empty");
        }
        String prompt = x.getOrDefault("prompt", "ids");
        if (!prompt.equals("ids") && !prompt.equals("text")) {
            throw invalid("--engine-opt prompt=" + prompt + ": choose ids (token-id prompts) or text (text of exactly N tokens)");
        }
        int timeout;
        try {
            timeout = Integer.parseInt(x.getOrDefault("timeout_s", "120"));
        } catch (NumberFormatException e) {
            timeout = -1;
        }
        if (timeout <= 0) {
            throw invalid("--engine-opt timeout_s=" + x.get("timeout_s") + ": give a whole number of seconds above 0");
        }
        return new OpenAiSettings(base, served, keyEnv, x.get("tokenizer"), prompt, bool(x, "ignore_eos"),
                bool(x, "token_ids"), timeout);
    }

    private static boolean bool(Map<String, String> x, String key) throws EngineException {
        String v = x.getOrDefault(key, "true");
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid("--engine-opt " + key + "=" + v + ": give true or false");
        }
        return v.equals("true");
    }

    private static EngineException invalid(String message) {
        return new EngineException(EngineException.Kind.INVALID_INPUT, message);
    }

    /** The API key, read from the environment when a request is made; null when none. */
    String apiKey() {
        return apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
    }
}
