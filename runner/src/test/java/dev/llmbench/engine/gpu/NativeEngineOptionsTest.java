package dev.llmbench.engine.gpu;

import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The native engines' {@code --engine-opt} settings as the runner reads them, before any library is loaded. */
class NativeEngineOptionsTest {
    @Test
    void theCudaEngineKeepsABf16CacheAndTheMetalEngineAnF32OneUnlessAsked() throws Exception {
        assertThat(NativeEngine.engineOptions("cuda", Map.of())).containsEntry("kv_cache", "bf16")
                .containsEntry("ahead", "true").containsEntry("pipe", "true");
        assertThat(NativeEngine.engineOptions("metal", Map.of())).containsEntry("kv_cache", "f32");
        assertThat(NativeEngine.engineOptions("cuda", Map.of("kv_cache", "f32"))).containsEntry("kv_cache", "f32");
        assertThat(NativeEngine.engineOptions("metal", Map.of("kv_cache", "bf16"))).containsEntry("kv_cache", "bf16");
    }

    @Test
    void anUnknownSettingIsInvalidInputNamingTheOnesThereAre() {
        assertThatThrownBy(() -> NativeEngine.engineOptions("cuda", Map.of("kvcache", "bf16")))
                .isInstanceOf(EngineException.class)
                .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT))
                .hasMessageContaining("--engine-opt kvcache").hasMessageContaining("kv_cache");
    }

    @Test
    void anUnknownCacheTypeIsInvalidInputBeforeTheLibraryIsCalled() {
        // the settings are read before the library: no library is needed to refuse them
        for (String engine : new String[]{"cuda", "metal"}) {
            EngineOptions options = new EngineOptions("synthetic:tiny", 8, 128, 0, 42, Map.of("kv_cache", "f16"));
            String fallback = engine.equals("cuda") ? "bf16" : "f32";
            assertThatThrownBy(() -> NativeEngine.open(null, engine, options, "test"))
                    .isInstanceOf(EngineException.class)
                    .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(EngineException.Kind.INVALID_INPUT))
                    .hasMessageContaining("kv_cache=f16")
                    .hasMessageContaining("the " + engine + " engine's default is " + fallback);
        }
    }
}
