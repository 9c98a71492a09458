package dev.llmbench.runner.scenario;

/** A suite file is not valid. The message names the file, the JSON path and what was expected. */
public class SuiteFormatException extends Exception {
    public SuiteFormatException(String file, String jsonPath, String problem) {
        super(file + (jsonPath == null || jsonPath.isEmpty() ? "" : " at " + jsonPath) + ": " + problem);
    }
}
