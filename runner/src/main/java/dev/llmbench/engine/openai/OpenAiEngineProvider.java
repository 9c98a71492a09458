package dev.llmbench.engine.openai;

import dev.llmbench.engine.Engine;
import dev.llmbench.engine.EngineException;
import dev.llmbench.engine.EngineOptions;
import dev.llmbench.engine.EngineProvider;

/** {@code --engine openai}: any OpenAI-compatible server, timed from its token stream. */
public final class OpenAiEngineProvider implements EngineProvider {
    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String description() {
        return "Any OpenAI-compatible server (--url, --served-model): timed from its token stream, token counts checked";
    }

    @Override
    public Availability availability() {
        return Availability.yes("needs --url of a running server");
    }

    @Override
    public Engine open(EngineOptions options) throws EngineException {
        return OpenAiEngine.open(OpenAiSettings.of(options), options);
    }
}
