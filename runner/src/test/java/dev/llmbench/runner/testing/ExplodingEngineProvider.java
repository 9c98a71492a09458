package dev.llmbench.runner.testing;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;

/** A test engine whose availability check throws, as a native binding that fails to link. */
public final class ExplodingEngineProvider implements EngineProvider {
    @Override
    public String name() {
        return "exploding";
    }

    @Override
    public String description() {
        return "test engine whose check fails";
    }

    @Override
    public Availability availability() {
        throw new UnsatisfiedLinkError("libexploding.so: cannot open shared object file");
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        throw new EngineException(EngineException.Kind.INTERNAL, "never opens");
    }
}
