package dev.llmbench.results;

/**
 * Cost of getting the engine ready, and memory.
 *
 * @param compileMs          pipeline or kernel program build time, ms (0 for engines that compile nothing)
 * @param weightLoadMs       time to map or load the weights, ms
 * @param peakMemoryBytes    peak resident memory of the process, or null when not measured
 * @param peakMemoryMethod   how the peak was measured, e.g. {@code VmHWM from /proc/self/status}
 * @param deviceMemoryBytes  peak device memory for GPU engines, or null
 * @param deviceMemoryMethod how device memory was measured, or null
 */
public record LoadMetrics(double compileMs, double weightLoadMs, Long peakMemoryBytes, String peakMemoryMethod,
                          Long deviceMemoryBytes, String deviceMemoryMethod) {
    public LoadMetrics {
        Checks.finiteNonNegative(compileMs, "load.compile_ms");
        Checks.finiteNonNegative(weightLoadMs, "load.weight_load_ms");
        if (peakMemoryBytes != null) {
            if (peakMemoryBytes <= 0) {
                throw new IllegalArgumentException("load.peak_memory_bytes must be > 0, got " + peakMemoryBytes);
            }
            Checks.notBlank(peakMemoryMethod, "load.peak_memory_method");
        }
        if (deviceMemoryBytes != null) {
            if (deviceMemoryBytes <= 0) {
                throw new IllegalArgumentException("load.device_memory_bytes must be > 0, got " + deviceMemoryBytes);
            }
            Checks.notBlank(deviceMemoryMethod, "load.device_memory_method");
        }
    }
}
