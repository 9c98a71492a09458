package dev.llmbench.results;

/**
 * A results file is not valid. The message names the file, the JSON path and what was expected, and is fit to
 * show to a user as it is (no stack trace).
 */
public class ResultsFormatException extends Exception {
    private final String file;
    private final String jsonPath;

    public ResultsFormatException(String file, String jsonPath, String problem) {
        super(file + (jsonPath == null || jsonPath.isEmpty() ? "" : " at " + jsonPath) + ": " + problem);
        this.file = file;
        this.jsonPath = jsonPath;
    }

    public String file() {
        return file;
    }

    public String jsonPath() {
        return jsonPath;
    }
}
