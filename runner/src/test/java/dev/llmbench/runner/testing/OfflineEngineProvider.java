package dev.llmbench.runner.testing;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;

/** A test engine that cannot run here, as a GPU engine on a machine without the GPU. */
public final class OfflineEngineProvider implements EngineProvider {
    @Override
    public String name() {
        return "offline";
    }

    @Override
    public String description() {
        return "test engine without its device";
    }

    @Override
    public Availability availability() {
        return Availability.no("no test device on this machine");
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        throw new EngineException(EngineException.Kind.UNAVAILABLE, "no test device on this machine");
    }
}
