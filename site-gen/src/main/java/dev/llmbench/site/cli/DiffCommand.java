package dev.llmbench.site.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench diff OLD NEW}: not in this version. */
@Command(name = "diff", description = "Release-to-release comparison (not available in this version).")
public final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "ignored")
    List<String> args;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: ./bench diff is not available in this version");
        return ExitCode.FAILURE;
    }
}
