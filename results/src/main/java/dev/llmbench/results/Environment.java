package dev.llmbench.results;

/**
 * The machine a run measured. Never holds a host name or a user name.
 *
 * @param os          operating system name, e.g. {@code Linux}
 * @param osVersion   kernel or OS version
 * @param arch        CPU architecture, e.g. {@code amd64}
 * @param cpu         CPU model name
 * @param cores       logical cores available to the process
 * @param memoryBytes physical memory
 * @param accelerator GPU name, or null when the engine ran on the CPU
 * @param driver      accelerator driver version, or null
 * @param jdk         Java runtime version and vendor
 */
public record Environment(String os, String osVersion, String arch, String cpu, int cores, long memoryBytes,
                          String accelerator, String driver, String jdk) {
    public Environment {
        Checks.notBlank(os, "environment.os");
        Checks.notBlank(cpu, "environment.cpu");
        Checks.positive(cores, "environment.cores");
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("environment.memory_bytes must be > 0, got " + memoryBytes);
        }
        Checks.notBlank(jdk, "environment.jdk");
    }
}
