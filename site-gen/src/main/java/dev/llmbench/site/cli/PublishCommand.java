package dev.llmbench.site.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./bench publish}: not in this version. */
@Command(name = "publish", description = "Puts a built site on a gh-pages branch (not available in this version).")
public final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "ignored")
    List<String> args;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: ./bench publish is not available in this version");
        return ExitCode.FAILURE;
    }
}
