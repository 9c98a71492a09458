package dev.llmbench.site.cli;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.publish.GhPages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ./bench publish}: commits a built site onto a gh-pages branch, ready to push. */
@Command(name = "publish", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Commits a built site (./bench site --out DIR) onto a branch of this git repository, ready to push.",
                "Your checkout, index and current branch are left as they are."})
public final class PublishCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--site", paramLabel = "DIR", defaultValue = "site", description = "the built site (default: ${DEFAULT-VALUE})")
    Path site;

    @Option(names = "--branch", paramLabel = "NAME", defaultValue = "gh-pages", description = "branch to commit to (default: ${DEFAULT-VALUE})")
    String branch;

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "the git repository (default: the current folder)")
    Path repo;

    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", defaultValue = "Publish benchmark site",
            description = "commit message (default: ${DEFAULT-VALUE})")
    String message;

    @Override
    public Integer call() throws SiteException {
        String id = new GhPages(repo).publish(site, branch, message);
        spec.commandLine().getOut().println("publish: " + site + " is on branch " + branch + " at " + id
                + "; push it with: git push origin " + branch);
        return ExitCode.OK;
    }
}
