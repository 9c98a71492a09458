package dev.llmbench.model.tokenizer;

import dev.llmbench.engine.EngineException;

/**
 * A tokenizer.json that cannot be used. The message names the file, the JSON path and what was expected, and is
 * fit to show to a user as it is.
 */
public final class TokenizerFormatException extends EngineException {
    private final String file;
    private final String jsonPath;

    TokenizerFormatException(String file, String jsonPath, String problem) {
        super(Kind.INVALID_INPUT, file + (jsonPath.isEmpty() ? "" : " at " + jsonPath) + ": " + problem);
        this.file = file;
        this.jsonPath = jsonPath;
    }

    public String file() {
        return file;
    }

    /** Where in the file, as a JSON path ({@code $.model.merges[3]}); empty for the file as a whole. */
    public String jsonPath() {
        return jsonPath;
    }
}
