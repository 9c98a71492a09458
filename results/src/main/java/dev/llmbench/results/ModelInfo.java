package dev.llmbench.results;

/**
 * The model that ran.
 *
 * @param name         model name, e.g. {@code Qwen2.5-1.5B-Instruct} or {@code synthetic:qwen2.5-1.5b}
 * @param source       {@code file} (a Hugging Face folder) or {@code synthetic} (seeded random weights of real shapes)
 * @param dtype        weight type: {@code bf16}, {@code f16} or {@code f32}
 * @param parameters   parameter count
 * @param configSha256 SHA-256 of the model's {@code config.json} (canonical config for synthetic models)
 * @param architecture e.g. {@code Qwen2ForCausalLM}
 */
public record ModelInfo(String name, String source, String dtype, long parameters, String configSha256, String architecture) {
    public ModelInfo {
        Checks.notBlank(name, "model.name");
        if (!"file".equals(source) && !"synthetic".equals(source)) {
            throw new IllegalArgumentException("model.source must be \"file\" or \"synthetic\", got " + source);
        }
        Checks.notBlank(dtype, "model.dtype");
        if (parameters <= 0) {
            throw new IllegalArgumentException("model.parameters must be > 0, got " + parameters);
        }
        Checks.notBlank(configSha256, "model.config_sha256");
    }
}
