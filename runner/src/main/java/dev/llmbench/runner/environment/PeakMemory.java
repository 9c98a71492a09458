package dev.llmbench.runner.environment;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Peak resident memory of this process (its high-water mark): Linux {@code VmHWM} from {@code /proc/self/status},
 * macOS {@code getrusage(RUSAGE_SELF).ru_maxrss} (bytes there) through the FFM API.
 */
public final class PeakMemory {
    /** {@code struct rusage}: two {@code struct timeval} (16 bytes each on 64-bit), then 14 longs. */
    private static final long RUSAGE_SIZE = 2 * 16 + 14 * 8;
    private static final long RU_MAXRSS_OFFSET = 2 * 16;
    private static final int RUSAGE_SELF = 0;

    /** @param method how it was measured, recorded as {@code load.peak_memory_method} */
    public record Reading(long bytes, String method) {
    }

    private PeakMemory() {
    }

    public static Optional<Reading> measure() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        try {
            if (os.contains("linux")) {
                return linux(Path.of("/proc/self/status"));
            }
            if (os.contains("mac") || os.contains("darwin")) {
                return macos();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static Optional<Reading> linux(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                long kb = Long.parseLong(parts[0]);
                return kb > 0 ? Optional.of(new Reading(kb * 1024, "VmHWM from /proc/self/status")) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<Reading> macos() {
        // macOS reports ru_maxrss in bytes
        long bytes = maxRss();
        return bytes > 0 ? Optional.of(new Reading(bytes, "getrusage(RUSAGE_SELF) ru_maxrss")) : Optional.empty();
    }

    /**
     * {@code getrusage(RUSAGE_SELF).ru_maxrss} through the FFM API, as the OS reports it: bytes on macOS,
     * kilobytes on Linux (where tests call it to check the binding). 0 when the call is unavailable or fails.
     */
    static long maxRss() {
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> symbol = linker.defaultLookup().find("getrusage");
        if (symbol.isEmpty()) {
            return 0;
        }
        MethodHandle getrusage = linker.downcallHandle(symbol.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(RUSAGE_SIZE, 8);
            int rc = (int) getrusage.invokeExact(RUSAGE_SELF, usage);
            return rc == 0 ? usage.get(ValueLayout.JAVA_LONG, RU_MAXRSS_OFFSET) : 0;
        } catch (Throwable e) {
            return 0;
        }
    }
}
