package dev.llmbench.engine.java;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;

/** The pure-Java CPU engine ({@code --engine java}); it runs wherever the JVM runs with the Vector API module. */
public final class JavaEngineProvider implements EngineProvider {
    @Override
    public String name() {
        return "java";
    }

    @Override
    public String description() {
        return "Pure-Java CPU engine: Qwen2/Qwen2.5, mapped safetensors (bf16/f16/f32), Vector API, all cores";
    }

    @Override
    public Availability availability() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return Availability.no("the JVM runs without the Vector API: add --add-modules=jdk.incubator.vector");
        }
        return Availability.yes(Runtime.getRuntime().availableProcessors() + " cores, "
                + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit vectors");
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        if (!availability().available()) {
            throw new EngineException(EngineException.Kind.UNAVAILABLE, availability().reason());
        }
        return JavaEngine.open(options);
    }
}
