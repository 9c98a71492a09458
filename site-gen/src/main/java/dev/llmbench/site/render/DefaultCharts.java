package dev.llmbench.site.render;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.chart.Charts;
import dev.llmbench.results.ExitCode;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The chart renderer the commands use: the XChart images of {@link Charts}. */
public final class DefaultCharts implements ChartRenderer {
    private DefaultCharts() {
    }

    public static ChartRenderer get() {
        return new DefaultCharts();
    }

    @Override
    public List<Path> writeRelease(ReleaseReport report, Lang lang, Path assetsDir) throws SiteException {
        try {
            List<Path> written = new java.util.ArrayList<>(Charts.writeRelease(report, lang.code(), assetsDir));
            written.addAll(Charts.writeConcurrency(report, lang.code(), assetsDir));
            written.addAll(Charts.writeContext(report, lang.code(), assetsDir));
            return written;
        } catch (UncheckedIOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot write the charts of release " + report.release() + ": "
                    + e.getCause().getMessage(), e);
        }
    }

    @Override
    public List<Path> writeTrends(List<ReleaseReport> releasesOldestFirst, Lang lang, Path assetsDir) throws SiteException {
        try {
            return Charts.writeTrends(releasesOldestFirst, lang.code(), assetsDir);
        } catch (UncheckedIOException e) {
            throw new SiteException(ExitCode.INTERNAL, "cannot write the trend charts: " + e.getCause().getMessage(), e);
        }
    }
}
