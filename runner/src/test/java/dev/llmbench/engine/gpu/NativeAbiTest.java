package dev.llmbench.engine.gpu;

import dev.llmbench.engine.EngineProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java side of the C ABI against the header itself: the struct layouts NativeEngine writes are compared with
 * what a C compiler makes of {@code native/include/llmbench_engine.h}, and the CUDA library, built from
 * {@code native/cuda} with CMake and nvcc, is loaded through the FFM API and asked whether it can run here.
 * Each test skips with the reason when its compiler is missing.
 */
class NativeAbiTest {
    static final Path NATIVE = Path.of("../native").toAbsolutePath().normalize();

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static String run(Path dir, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as("%s finished in time", String.join(" ", cmd)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", cmd), text).isZero();
        return text;
    }

    @Test
    void structLayoutsMatchTheHeader(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("cc"), "no C compiler (cc) on this machine to read the header with");
        Map<String, StructLayout> layouts = new LinkedHashMap<>();
        layouts.put("lb_tensor", NativeEngine.TENSOR);
        layouts.put("lb_model_config", NativeEngine.CONFIG);
        layouts.put("lb_options", NativeEngine.OPTIONS);
        layouts.put("lb_kernel_stats", NativeEngine.KERNEL_STATS);
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llmbench_engine.h\"\nint main(void) {\n");
        List<String> expected = new ArrayList<>();
        for (var e : layouts.entrySet()) {
            c.append("  printf(\"%s %zu\\n\", \"").append(e.getKey()).append("\", sizeof(").append(e.getKey()).append("));\n");
            expected.add(e.getKey() + " " + e.getValue().byteSize());
            for (MemoryLayout m : e.getValue().memberLayouts()) {
                if (m.name().isEmpty()) {
                    continue; // padding
                }
                String field = m.name().get();
                c.append("  printf(\"%s.%s %zu\\n\", \"").append(e.getKey()).append("\", \"").append(field)
                        .append("\", offsetof(").append(e.getKey()).append(", ").append(field).append("));\n");
                expected.add(e.getKey() + "." + field + " "
                        + e.getValue().byteOffset(MemoryLayout.PathElement.groupElement(field)));
            }
        }
        c.append("  return 0;\n}\n");
        Files.writeString(tmp.resolve("layout.c"), c);
        run(tmp, 60, "cc", "-I" + NATIVE.resolve("include"), "-o", "layout", "layout.c");
        String out = run(tmp, 10, tmp.resolve("layout").toString());
        assertThat(out.lines().toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void theCudaLibraryBuildsLoadsAndSaysWhetherItCanRun(@TempDir Path tmp) throws Exception {
        assumeTrue(onPath("nvcc") && onPath("cmake") && onPath("ninja"),
                "nvcc, cmake or ninja missing: the CUDA library cannot be built on this machine");
        Path build = tmp.resolve("build");
        Path lib = tmp.resolve("lib");
        run(NATIVE.resolve("cuda"), 120, "cmake", "-S", ".", "-B", build.toString(), "-G", "Ninja",
                "-DCMAKE_BUILD_TYPE=Release", "-DLLB_OUTPUT_DIR=" + lib);
        run(NATIVE.resolve("cuda"), 900, "cmake", "--build", build.toString());
        Path so = lib.resolve("libllmbench_cuda.so");
        assertThat(so).isRegularFile();
        String property = NativeLibrary.property("cuda");
        String before = System.getProperty(property);
        System.setProperty(property, so.toString());
        try {
            EngineProvider.Availability a = new CudaEngineProvider().availability();
            // loading it checked its ABI version; whether it can run depends on this machine's GPU and driver
            assertThat(a.reason()).isNotBlank().doesNotContain("not found").doesNotContain("ABI version");
            if (!a.available()) {
                assertThat(a.reason()).containsAnyOf("CUDA", "GPU");
            }
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @Test
    void aMissingLibraryIsUnavailableNamingWhereItLooked() {
        String property = NativeLibrary.property("metal");
        String before = System.getProperty(property);
        System.setProperty(property, "/nonexistent/libllmbench_metal.dylib");
        try {
            EngineProvider.Availability a = new MetalEngineProvider().availability();
            assertThat(a.available()).isFalse();
            assertThat(a.reason()).contains("/nonexistent/libllmbench_metal.dylib").contains("--native-lib");
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
