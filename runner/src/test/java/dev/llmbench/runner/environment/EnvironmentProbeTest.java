package dev.llmbench.runner.environment;

import dev.llmbench.engine.Engine;
import dev.llmbench.results.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EnvironmentProbeTest {
    @TempDir
    Path dir;

    @Test
    void parsesCpuinfoOfX86AndArm() throws IOException {
        Path x86 = Files.writeString(dir.resolve("x86"), """
                processor\t: 0
                vendor_id\t: GenuineIntel
                model name\t: Intel(R) Xeon(R)   Platinum 8480+
                """);
        assertThat(EnvironmentProbe.linuxCpu(x86)).isEqualTo("Intel(R) Xeon(R) Platinum 8480+");
        Path arm = Files.writeString(dir.resolve("arm"), """
                processor\t: 0
                BogoMIPS\t: 48.00
                Model\t\t: Raspberry Pi 5 Model B Rev 1.0
                """);
        assertThat(EnvironmentProbe.linuxCpu(arm)).isEqualTo("Raspberry Pi 5 Model B Rev 1.0");
        assertThat(EnvironmentProbe.linuxCpu(dir.resolve("missing"))).isNull();
    }

    @Test
    void parsesMeminfo() throws IOException {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24576000 kB\nMemFree: 1 kB\n");
        assertThat(EnvironmentProbe.linuxMemory(meminfo)).isEqualTo(24576000L * 1024);
    }

    @Test
    void capturesThisMachineWithTheEnginesAccelerator() {
        Environment e = EnvironmentProbe.capture(Optional.of(new Engine.Accelerator("Test GPU", "555.1")));
        assertThat(e.os()).isEqualTo(System.getProperty("os.name"));
        assertThat(e.arch()).isEqualTo(System.getProperty("os.arch"));
        assertThat(e.cores()).isPositive();
        assertThat(e.memoryBytes()).isPositive();
        assertThat(e.accelerator()).isEqualTo("Test GPU");
        assertThat(e.driver()).isEqualTo("555.1");
        assertThat(EnvironmentProbe.capture(Optional.empty()).accelerator()).isNull();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void linuxCpuAndMemoryComeFromProc() {
        Environment e = EnvironmentProbe.capture(Optional.empty());
        assertThat(e.cpu()).doesNotStartWith("unknown");
        assertThat(e.memoryBytes()).isGreaterThan(Runtime.getRuntime().maxMemory());
    }

    @Test
    void peakMemoryFromProcStatus() throws IOException {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  123456 kB\n");
        assertThat(PeakMemory.linux(status)).contains(new PeakMemory.Reading(123456L * 1024, "VmHWM from /proc/self/status"));
    }

    /**
     * The macOS path's FFM binding of getrusage, exercised on Linux: there ru_maxrss is in kilobytes and is the
     * same high-water mark as VmHWM, so both must agree (read a moment apart, so allow a little growth).
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void getrusageBindingAgreesWithProcStatus() throws IOException {
        long hwm = PeakMemory.linux(Path.of("/proc/self/status")).orElseThrow().bytes();
        long rss = PeakMemory.maxRss() * 1024;
        assertThat(rss).isBetween(hwm * 9 / 10, hwm * 11 / 10);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void peakMemoryOfThisProcessIsMeasured() {
        byte[] ballast = new byte[64 << 20];
        ballast[ballast.length - 1] = 1;
        PeakMemory.Reading r = PeakMemory.measure().orElseThrow();
        assertThat(r.bytes()).isGreaterThan(ballast.length);
        assertThat(r.method()).isNotBlank();
    }

    @Test
    void toolVersionComesFromTheBuild() {
        assertThat(ToolVersion.version()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(ToolVersion.gitCommit()).matches("[0-9a-f]{40}(-dirty)?|unknown");
    }
}
