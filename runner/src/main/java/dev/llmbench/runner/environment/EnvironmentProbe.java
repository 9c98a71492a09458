package dev.llmbench.runner.environment;

import dev.llmbench.engine.Engine;
import dev.llmbench.results.Environment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Describes the machine: OS, CPU model, cores, memory, JDK, and the accelerator when the engine reports one.
 * Linux reads {@code /proc/cpuinfo} and {@code /proc/meminfo}; macOS asks {@code sysctl}. Never records a host or
 * user name.
 */
public final class EnvironmentProbe {
    private EnvironmentProbe() {
    }

    public static Environment capture(Optional<Engine.Accelerator> accelerator) {
        String os = System.getProperty("os.name", "unknown");
        String lower = os.toLowerCase(Locale.ROOT);
        String cpu = null;
        long memory = 0;
        if (lower.contains("linux")) {
            cpu = linuxCpu(Path.of("/proc/cpuinfo"));
            memory = linuxMemory(Path.of("/proc/meminfo"));
        } else if (lower.contains("mac") || lower.contains("darwin")) {
            cpu = sysctl("machdep.cpu.brand_string");
            String bytes = sysctl("hw.memsize");
            memory = parseLong(bytes);
        }
        if (cpu == null || cpu.isBlank()) {
            cpu = "unknown " + System.getProperty("os.arch", "") + " CPU";
        }
        if (memory <= 0) {
            memory = Runtime.getRuntime().maxMemory();
        }
        String jdk = System.getProperty("java.vendor", "unknown vendor") + " "
                + System.getProperty("java.runtime.version", System.getProperty("java.version", "unknown"));
        return new Environment(os, System.getProperty("os.version", "unknown"), System.getProperty("os.arch", "unknown"),
                cpu.trim(), Runtime.getRuntime().availableProcessors(), memory,
                accelerator.map(Engine.Accelerator::name).orElse(null),
                accelerator.map(Engine.Accelerator::driver).orElse(null), jdk);
    }

    /** x86 has "model name"; ARM boards often only "Hardware" or "Model". */
    static String linuxCpu(Path cpuinfo) {
        List<String> lines = readLines(cpuinfo);
        for (String key : List.of("model name", "Hardware", "Model", "cpu model")) {
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    String value = line.substring(colon + 1).trim();
                    if (!value.isEmpty()) {
                        return value.replaceAll("\\s+", " ");
                    }
                }
            }
        }
        return null;
    }

    static long linuxMemory(Path meminfo) {
        for (String line : readLines(meminfo)) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                return parseLong(parts[0]) * 1024;
            }
        }
        return 0;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String sysctl(String key) {
        try {
            Process p = new ProcessBuilder("sysctl", "-n", key).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
