package dev.llmbench.results;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The per-run and per-scenario metrics every reader takes from the results module, each defined once. */
class DerivedMetricsTest {
    static RunSample run(double ttft, List<Double> steps, RunSample.KernelStats kernel) {
        return new RunSample(0, false, ttft, steps, List.of(), kernel);
    }

    @Test
    void throughputsOfOneRun() {
        RunSample r = run(4.0, List.of(2.0, 4.0, 0.0), null);
        assertThat(r.prefillTps(16)).isEqualTo(4000.0);
        assertThat(r.decodeTps()).isEqualTo(3 * 1000.0 / 6.0);
        assertThat(r.stepTps(0)).isEqualTo(500.0);
        assertThat(r.stepTps(2)).isNaN();
        assertThat(run(0.0, List.of(), null).prefillTps(16)).isNaN();
    }

    @Test
    void utilisationAndOverheadAreRatiosOfSums() {
        RunSample a = run(1, List.of(1.0, 3.0), new RunSample.KernelStats(0.5, 10, List.of(0.5, 2.5), List.of(100, 100)));
        RunSample b = run(1, List.of(4.0), new RunSample.KernelStats(0.5, 10, List.of(3.0), List.of(200)));
        DeviceTime t = DeviceTime.of(List.of(a, b)).orElseThrow();
        assertThat(t.utilisation()).isCloseTo(6.0 / 8.0, within(1e-12)); // not the median of 0.5, 0.83, 0.75
        assertThat(t.overheadUs().getAsDouble()).isCloseTo(2.0 * 1000 / 400, within(1e-9));
        assertThat(t.plus(t).utilisation()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void withoutKernelStatisticsThereIsNoDeviceTime() {
        RunSample measured = run(1, List.of(1.0), new RunSample.KernelStats(0.5, 1, List.of(0.5), List.of(1)));
        RunSample unmeasured = run(1, List.of(1.0), null);
        assertThat(DeviceTime.of(List.of(measured, unmeasured))).isEmpty();
        assertThat(DeviceTime.of(List.of(run(1, List.of(), new RunSample.KernelStats(0.5, 1, List.of(), List.of())))))
                .isEmpty();
        assertThat(DeviceTime.sum(List.of(run(1, List.of(), new RunSample.KernelStats(0.5, 1, List.of(), List.of())))))
                .hasValue(new DeviceTime(0, 0, 0));
        assertThat(new DeviceTime(1, 1, 0).overheadUs()).isEmpty();
    }
}
