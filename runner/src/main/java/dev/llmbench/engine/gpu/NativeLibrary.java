package dev.llmbench.engine.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One native engine library ({@code libllmbench_cuda.so}, {@code libllmbench_metal.dylib}) bound with the FFM API:
 * a downcall handle per function of {@code native/include/llmbench_engine.h}.
 *
 * <p>Where the library is looked for, first found wins: the system property {@code llmbench.<engine>.lib}
 * (what {@code --native-lib PATH} sets), then {@code native/lib/<platform>/} under the project root (the system
 * property {@code llmbench.home}, which {@code ./bench} sets, else the folder above the runner's jar), where the
 * CMake projects put what they build.
 */
final class NativeLibrary {
    /** The ABI version this binding speaks; the library's {@code lb_abi_version()} must return it. */
    static final int ABI_VERSION = 6;

    private static final Linker LINKER = Linker.nativeLinker();

    final Path path;
    final MethodHandle abiVersion;    // int lb_abi_version(void)
    final MethodHandle probe;         // int lb_probe(char *buf, size_t len)
    final MethodHandle open;          // int lb_open(config*, tensors*, int count, options*, engine**, double*, double*)
    final MethodHandle prefill;       // int lb_prefill(engine*, const int *ids, int n, int *next)
    final MethodHandle decode;        // int lb_decode(engine*, int token, int *next)
    final MethodHandle reset;         // int lb_reset(engine*)
    final MethodHandle fillCache;     // int lb_fill_cache(engine*, int positions, uint64_t seed)
    final MethodHandle kernelStats;   // int lb_last_kernel_stats(engine*, lb_kernel_stats*)
    final MethodHandle peakMemory;    // int lb_peak_device_memory(engine*, int64_t*)
    final MethodHandle sawNonFinite;  // int lb_saw_non_finite(engine*)
    final MethodHandle lastLogits;    // int lb_last_logits(engine*, float*, int n)
    final MethodHandle describe;      // int lb_describe(engine*, char*, size_t)
    final MethodHandle lastError;     // const char *lb_last_error(void)
    final MethodHandle close;         // void lb_close(engine*)

    private NativeLibrary(Path path, SymbolLookup lookup) {
        this.path = path;
        abiVersion = bind(lookup, "lb_abi_version", FunctionDescriptor.of(JAVA_INT));
        probe = bind(lookup, "lb_probe", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        open = bind(lookup, "lb_open", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        prefill = bind(lookup, "lb_prefill", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
        decode = bind(lookup, "lb_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        reset = bind(lookup, "lb_reset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        fillCache = bind(lookup, "lb_fill_cache", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
        kernelStats = bind(lookup, "lb_last_kernel_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        peakMemory = bind(lookup, "lb_peak_device_memory", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        sawNonFinite = bind(lookup, "lb_saw_non_finite", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        lastLogits = bind(lookup, "lb_last_logits", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        describe = bind(lookup, "lb_describe", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        lastError = bind(lookup, "lb_last_error", FunctionDescriptor.of(ADDRESS));
        close = bind(lookup, "lb_close", FunctionDescriptor.ofVoid(ADDRESS));
    }

    private static MethodHandle bind(SymbolLookup lookup, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException(
                "the library has no symbol " + name + "; it was built from another version of llmbench_engine.h"));
        return LINKER.downcallHandle(symbol, fd);
    }

    /** {@code linux-x86_64}, {@code macos-arm64}, ...: the folder under {@code native/lib/} for this machine. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") ? "macos" : os.contains("win") ? "windows" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch;
        return o + "-" + a;
    }

    /** The system property that names the library of {@code engine} ({@code --native-lib} sets it). */
    static String property(String engine) {
        return "llmbench." + engine + ".lib";
    }

    /** The places looked at, in order, for {@code fileName} of engine {@code engine}. */
    static List<Path> candidates(String engine, String fileName) {
        List<Path> places = new ArrayList<>();
        String explicit = System.getProperty(property(engine));
        if (explicit != null && !explicit.isBlank()) {
            places.add(Path.of(explicit));
            return places; // an explicit choice is never silently replaced by another library
        }
        projectRoot().ifPresent(root -> places.add(root.resolve("native").resolve("lib").resolve(platform()).resolve(fileName)));
        return places;
    }

    /** The project root: {@code llmbench.home}, else two folders above the runner's jar ({@code runner/target/x.jar}). */
    static Optional<Path> projectRoot() {
        String home = System.getProperty("llmbench.home");
        if (home != null && !home.isBlank()) {
            return Optional.of(Path.of(home));
        }
        try {
            var source = NativeLibrary.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI()).toAbsolutePath();
            Path up = p.getParent() == null ? null : p.getParent().getParent();
            return Optional.ofNullable(up == null ? null : up.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Loads the library of {@code engine} into the global arena (a library stays loaded for the life of the process).
     *
     * @throws IllegalStateException with a message naming every place looked at, or why loading failed
     */
    static NativeLibrary load(String engine, String fileName) {
        List<Path> places = candidates(engine, fileName);
        for (Path p : places) {
            if (!Files.isRegularFile(p)) {
                continue;
            }
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(p, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("cannot load " + p + ": " + e.getMessage());
            }
            // the version first: a library of another version may lack a function this binding looks up
            int version;
            try {
                version = (int) bind(lookup, "lb_abi_version", FunctionDescriptor.of(JAVA_INT)).invokeExact();
            } catch (IllegalStateException e) {
                throw new IllegalStateException(p + ": " + e.getMessage());
            } catch (Throwable t) {
                throw new IllegalStateException("lb_abi_version() of " + p + " failed: " + t);
            }
            if (version != ABI_VERSION) {
                throw new IllegalStateException(p + " speaks ABI version " + version + ", this runner needs "
                        + ABI_VERSION + "; rebuild the library from this checkout's native/ folder");
            }
            return new NativeLibrary(p, lookup);
        }
        StringBuilder looked = new StringBuilder();
        for (Path p : places) {
            looked.append(looked.isEmpty() ? "" : ", ").append(p);
        }
        throw new IllegalStateException(fileName + " not found (looked at "
                + (looked.isEmpty() ? "no place: the project root is unknown" : looked)
                + "); build it (native/README.md) or give --native-lib PATH");
    }

    /** The message of the library's last failed call on this thread. */
    String lastError() {
        try {
            MemorySegment p = (MemorySegment) lastError.invokeExact();
            return p.equals(MemorySegment.NULL) ? "(no message)" : p.reinterpret(4096).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            return "(lb_last_error failed: " + t + ")";
        }
    }

    /** Calls {@code lb_probe}: the device's name when the engine can run here, else the reason. */
    Probe probe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(512);
            int rc = (int) probe.invokeExact(buf, 512L);
            String text = buf.getString(0, StandardCharsets.UTF_8);
            return new Probe(rc == 0, text);
        } catch (Throwable t) {
            return new Probe(false, "lb_probe failed: " + t);
        }
    }

    record Probe(boolean ok, String text) {
    }
}
