package dev.llmbench.model;

import java.util.Optional;

/** Element types llmbench reads from safetensors files: what every engine's weights may hold. */
public enum DType {
    BF16("BF16", "bf16", 2),
    F16("F16", "f16", 2),
    F32("F32", "f32", 4);

    private final String safetensorsName;
    private final String label;
    private final int bytes;

    DType(String safetensorsName, String label, int bytes) {
        this.safetensorsName = safetensorsName;
        this.label = label;
        this.bytes = bytes;
    }

    /** Name in a safetensors header, e.g. {@code BF16}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Lower-case name for results files, e.g. {@code bf16}. */
    public String label() {
        return label;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type a safetensors header names ({@code BF16}, {@code F16}, {@code F32}); empty for any other. */
    public static Optional<DType> fromSafetensors(String name) {
        for (DType d : values()) {
            if (d.safetensorsName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
