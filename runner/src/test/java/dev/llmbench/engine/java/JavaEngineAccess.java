package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;

/** What tests of other packages (the native engines') read from a Java engine beyond the {@link Engine} interface. */
public final class JavaEngineAccess {
    private JavaEngineAccess() {
    }

    /** A copy of the logits of the last position of the last prefill or decode. */
    public static float[] logits(Engine javaEngine) {
        return ((JavaEngine) javaEngine).qwen2Model().logits().clone();
    }

    /** Element {@code index} (of kv_dim) of {@code layer}'s keys (part 0) or values (part 1) at {@code position}. */
    public static float cached(Engine javaEngine, int part, int layer, int position, int index) {
        return ((JavaEngine) javaEngine).qwen2Model().cached(part, layer, position, index);
    }
}
