/**
 * Model loading that every engine shares, so {@code --model DIR|synthetic:NAME} means the same for all of them:
 * {@link dev.llmbench.model.ModelSource} resolves and checks what {@code --model} names (before any weight is read);
 * {@link dev.llmbench.model.ModelConfig} reads {@code config.json} or takes a synthetic preset;
 * {@link dev.llmbench.model.Safetensors} reads safetensors headers and maps the files;
 * {@link dev.llmbench.model.SyntheticWeights} defines the synthetic weights bit for bit;
 * {@link dev.llmbench.model.Weights} checks shapes and names the tensors by role; the tokenizer lives in
 * {@link dev.llmbench.model.tokenizer}. Engines ({@code dev.llmbench.engine.*}) depend on this package, never the
 * other way round (it uses only {@link dev.llmbench.engine.EngineException} for its errors).
 */
package dev.llmbench.model;
