package dev.llmbench.runner.measure;

/** The run was asked to stop (Ctrl-C); raised between runs so that no sample is cut short. */
public class RunCancelledException extends Exception {
    public RunCancelledException() {
        super("interrupted");
    }
}
