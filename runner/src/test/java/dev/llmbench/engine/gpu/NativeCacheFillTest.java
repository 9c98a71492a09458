package dev.llmbench.engine.gpu;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.java.JavaEngineAccess;
import dev.llmbench.engine.java.JavaEngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The native engines' direct KV cache fill (lb_fill_cache) where no GPU is: the binding's check of the position, and
 * the CUDA engine's hash (kernels.cuh's cache_fill_value and cache_fill_base, compiled for the host with nvcc) against
 * what the Java engine's fill wrote into its cache. The GPU side (the kernel's layout, the decode after it) is tested
 * by {@link NativeEngineFixturesTest#directCacheFillMatchesTheJavaEngine}.
 */
class NativeCacheFillTest {
    @Test
    void theBindingChecksThePositionAsTheJavaEngineDoes() {
        NativeEngine.checkFill(1, 128);
        NativeEngine.checkFill(127, 128);
        for (int p : new int[]{0, -5, 128, 4096}) {
            assertThatThrownBy(() -> NativeEngine.checkFill(p, 128)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cannot fill " + p + " cache positions: expected 1 to 127 (max_cache_len 128 less the "
                            + "position the next step writes)");
        }
    }

    @Test
    void theCudaHashWritesTheJavaEnginesValues(@TempDir Path tmp) throws Exception {
        assumeTrue(NativeAbiTest.onPath("nvcc"), "nvcc missing: kernels.cuh cannot be compiled on this machine");
        Files.writeString(tmp.resolve("fill.cu"), """
                #include "kernels.cuh"
                #include <cstdio>
                #include <cstdlib>
                #include <cstring>
                // argv: seed, then (part, i) pairs; prints the f32 bits of each element
                int main(int argc, char **argv) {
                    const uint64_t seed = strtoull(argv[1], nullptr, 10);
                    for (int a = 2; a + 1 < argc; a += 2) {
                        const float v = lb::cache_fill_value(lb::cache_fill_base(seed, atoi(argv[a])), strtoull(argv[a + 1], nullptr, 10));
                        uint32_t bits;
                        memcpy(&bits, &v, sizeof bits);
                        printf("%08x\\n", bits);
                    }
                    return 0;
                }
                """);
        NativeAbiTest.run(tmp, 300, "nvcc", "-std=c++17", "-I" + NativeAbiTest.NATIVE.resolve("cuda").resolve("src"),
                "-o", "fill", "fill.cu");
        long seed = -0x1234_5678_9ABCL; // negative: the C side reads it as 64 unsigned bits
        int positions = 300;
        EngineOptions options = new EngineOptions("synthetic:tiny", 8, 512, 1, 42, Map.of());
        try (Engine java = new JavaEngineProvider().open(options)) {
            java.cacheFiller().orElseThrow().fill(positions, seed);
            int layers = 2, kvDim = 2 * 16; // synthetic:tiny: 2 layers, 2 KV heads of 16
            List<String> cmd = new ArrayList<>(List.of(tmp.resolve("fill").toString(), Long.toUnsignedString(seed)));
            List<String> want = new ArrayList<>();
            for (int layer = 0; layer < layers; layer++) {
                for (int part = 0; part < 2; part++) {
                    for (int position : new int[]{0, 1, 129, positions - 1}) {
                        for (int k = 0; k < kvDim; k++) {
                            cmd.add(Integer.toString(2 * layer + part));
                            cmd.add(Long.toString((long) position * kvDim + k));
                            float v = JavaEngineAccess.cached(java, part, layer, position, k);
                            want.add(String.format("%08x", Float.floatToRawIntBits(v)));
                        }
                    }
                }
            }
            String out = NativeAbiTest.run(tmp, 60, cmd.toArray(String[]::new));
            assertThat(out.lines().toList()).containsExactlyElementsOf(want);
        }
    }
}
