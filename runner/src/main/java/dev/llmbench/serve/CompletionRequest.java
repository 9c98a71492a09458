package dev.llmbench.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmbench.model.Tokenizer;

import java.util.Optional;

/**
 * One request to {@code /v1/completions} or {@code /v1/chat/completions}, checked: the prompt as token ids, and how
 * many tokens to make. Greedy decoding only, one prompt and one choice per request; fields this server cannot honour
 * ({@code temperature} above 0, {@code n} above 1, {@code stop}, {@code logprobs}, {@code echo}) are refused rather
 * than ignored, so a client never measures something other than what it asked for. Unknown fields are ignored, as
 * OpenAI-compatible servers do.
 *
 * @param prompt        the prompt's token ids
 * @param maxTokens     tokens to make at most
 * @param minTokens     tokens to make before an EOS may end the answer
 * @param ignoreEos     never stop at EOS
 * @param stream        answer with server-sent events
 * @param includeUsage  end the stream with a usage event ({@code stream_options.include_usage})
 * @param returnIds     put {@code token_ids} in every choice and {@code prompt_token_ids} in the answer (as vLLM's
 *                      {@code return_token_ids})
 * @param chat          a chat request
 */
record CompletionRequest(int[] prompt, int maxTokens, int minTokens, boolean ignoreEos, boolean stream,
                         boolean includeUsage, boolean returnIds, boolean chat) {
    static final int DEFAULT_MAX_TOKENS = 16;

    /**
     * @param vocab       ids must lie in {@code [0, vocab)}
     * @param maxCacheLen prompt plus generated tokens must fit the KV cache
     */
    static CompletionRequest parse(JsonNode body, boolean chat, String servedModel, Optional<Tokenizer> tokenizer,
                                   int vocab, int maxCacheLen) throws ApiError {
        if (body == null || !body.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual()) {
            throw ApiError.invalid("model", "\"model\" is required: this server serves \"" + servedModel + "\"");
        }
        if (!model.asText().equals(servedModel)) {
            throw new ApiError(404, "not_found_error", "model", "the model \"" + model.asText()
                    + "\" does not exist here; this server serves \"" + servedModel + "\"");
        }
        int[] prompt = chat ? chatPrompt(body.get("messages"), tokenizer) : prompt(body.get("prompt"), tokenizer);
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw ApiError.invalid("prompt", "prompt token " + i + " is " + prompt[i]
                        + ", outside the vocabulary [0, " + vocab + ")");
            }
        }
        String maxName = chat && body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = count(body, maxName, DEFAULT_MAX_TOKENS, 1);
        int minTokens = count(body, "min_tokens", 0, 0);
        if (minTokens > maxTokens) {
            throw ApiError.invalid("min_tokens", "min_tokens (" + minTokens + ") is above " + maxName + " (" + maxTokens + ")");
        }
        if (prompt.length + maxTokens - 1 > maxCacheLen) {
            throw ApiError.invalid(maxName, "the prompt (" + prompt.length + " tokens) and " + maxTokens
                    + " generated tokens do not fit this server's KV cache of " + maxCacheLen
                    + " tokens; ask for fewer tokens or start ./bench serve with a larger --max-cache-len");
        }
        JsonNode temperature = body.get("temperature");
        if (temperature != null && !temperature.isNull() && (!temperature.isNumber() || temperature.asDouble() != 0)) {
            throw ApiError.invalid("temperature", "this server decodes greedily only: send \"temperature\": 0 or leave it out");
        }
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.asInt() == 1)) {
            throw ApiError.invalid("n", "this server makes one choice per request: send \"n\": 1 or leave it out");
        }
        for (String unsupported : new String[]{"stop", "logprobs", "top_logprobs", "echo", "suffix", "best_of", "tools"}) {
            JsonNode v = body.get(unsupported);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean()) && !(v.isArray() && v.isEmpty())) {
                throw ApiError.invalid(unsupported, "\"" + unsupported + "\" is not supported by this server; leave it out");
            }
        }
        boolean stream = bool(body, "stream");
        JsonNode options = body.get("stream_options");
        boolean includeUsage = false;
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw ApiError.invalid("stream_options", "\"stream_options\" must be an object");
            }
            if (!stream) {
                throw ApiError.invalid("stream_options", "\"stream_options\" is only allowed with \"stream\": true");
            }
            includeUsage = bool(options, "include_usage");
        }
        return new CompletionRequest(prompt, maxTokens, minTokens, bool(body, "ignore_eos"), stream, includeUsage,
                bool(body, "return_token_ids"), chat);
    }

    private static int[] prompt(JsonNode prompt, Optional<Tokenizer> tokenizer) throws ApiError {
        if (prompt == null || prompt.isNull()) {
            throw ApiError.invalid("prompt", "\"prompt\" is required: a string or an array of token ids");
        }
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            prompt = prompt.get(0); // a batch of one
        }
        if (prompt.isTextual()) {
            return encode(prompt.asText(), tokenizer, "prompt");
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw ApiError.invalid("prompt", "\"prompt\" must be a non-empty string or array of token ids; one prompt per request");
        }
        int[] ids = new int[prompt.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = prompt.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                throw ApiError.invalid("prompt", "prompt[" + i + "] is " + id + ", not a token id;"
                        + " one prompt per request, as a string or an array of token ids");
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    /** ChatML, the template of Qwen2 and Qwen2.5: {@code <|im_start|>role\ncontent<|im_end|>\n}, then the assistant's turn. */
    private static int[] chatPrompt(JsonNode messages, Optional<Tokenizer> tokenizer) throws ApiError {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "\"messages\" is required: a non-empty array of {\"role\", \"content\"}");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw ApiError.invalid("messages", "messages[" + i + "] needs a \"role\" and a string \"content\"");
            }
            text.append("<|im_start|>").append(role.asText()).append('\n').append(content.asText()).append("<|im_end|>\n");
        }
        text.append("<|im_start|>assistant\n");
        return encode(text.toString(), tokenizer, "messages");
    }

    private static int[] encode(String text, Optional<Tokenizer> tokenizer, String param) throws ApiError {
        if (tokenizer.isEmpty()) {
            throw ApiError.invalid(param, "this model has no tokenizer (synthetic models have none): send the prompt"
                    + " as token ids to /v1/completions");
        }
        int[] ids = tokenizer.get().encode(text);
        if (ids.length == 0) {
            throw ApiError.invalid(param, "the prompt encodes to no tokens");
        }
        return ids;
    }

    private static int count(JsonNode body, String name, int absent, int min) throws ApiError {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
            throw ApiError.invalid(name, "\"" + name + "\" must be a whole number of at least " + min + ", got " + v);
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode body, String name) throws ApiError {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(name, "\"" + name + "\" must be true or false, got " + v);
        }
        return v.asBoolean();
    }
}
