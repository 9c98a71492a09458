package dev.llmbench.results;

import java.util.Collection;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Device kernel time against host wall time over decode steps: the one definition of GPU utilisation and kernel
 * overhead that the pages print, for a scenario or a whole engine (ratios of sums, so long steps weigh as they cost).
 *
 * @param stepMs   sum of decode step wall times, ms
 * @param kernelMs sum of the device kernel time the engine measured for those steps, ms
 * @param kernels  sum of the kernels launched in those steps
 */
public record DeviceTime(double stepMs, double kernelMs, long kernels) {
    public DeviceTime {
        Checks.finiteNonNegative(stepMs, "step_ms");
        Checks.finiteNonNegative(kernelMs, "step_kernel_ms");
        if (kernels < 0) {
            throw new IllegalArgumentException("kernel count must be >= 0, got " + kernels);
        }
    }

    /**
     * Over every decode step of {@code runs}; empty when a run lacks kernel statistics (the engine did not measure
     * them) or there is no step time at all.
     */
    public static Optional<DeviceTime> of(Collection<RunSample> runs) {
        return sum(runs).filter(t -> t.stepMs > 0);
    }

    /** The sums over every decode step of {@code runs} (zero without steps); empty when a run lacks kernel statistics. */
    public static Optional<DeviceTime> sum(Collection<RunSample> runs) {
        double step = 0;
        double kernel = 0;
        long count = 0;
        for (RunSample run : runs) {
            RunSample.KernelStats k = run.kernel();
            if (k == null || k.stepKernelMs().size() != run.stepMs().size()) {
                return Optional.empty();
            }
            for (int i = 0; i < run.stepMs().size(); i++) {
                step += run.stepMs().get(i);
                kernel += k.stepKernelMs().get(i);
                count += k.stepKernelCount().get(i);
            }
        }
        return Optional.of(new DeviceTime(step, kernel, count));
    }

    /** Both together. */
    public DeviceTime plus(DeviceTime other) {
        return new DeviceTime(stepMs + other.stepMs, kernelMs + other.kernelMs, kernels + other.kernels);
    }

    /** GPU utilisation: kernel time / step wall time. */
    public double utilisation() {
        return kernelMs / stepMs;
    }

    /** Kernel overhead: (step wall time - kernel time) / kernel count, microseconds; empty when no kernel was counted. */
    public OptionalDouble overheadUs() {
        return kernels == 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.max(0, stepMs - kernelMs) * 1000.0 / kernels);
    }
}
