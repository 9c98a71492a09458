package dev.llmbench.site.render;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.analysis.ReleaseReport;

import java.nio.file.Path;
import java.util.List;

/**
 * Writes the PNG charts of a page. The pages link only the files a renderer actually wrote, so a page stays valid
 * whichever charts exist.
 */
public interface ChartRenderer {
    /**
     * Charts of one release: benchmark_chart.png (three panels), ttft_vs_prompt.png, step_tps.png, throughput.png, and
     * concurrency.png when a file ran more than one concurrency level, context_scaling.png when a file ran the context
     * suite and context_comparison.png when two or more did.
     */
    List<Path> writeRelease(ReleaseReport report, Lang lang, Path assetsDir) throws SiteException;

    /** Charts across releases, oldest first: trend_ttft.png, trend_decode_tps.png (two or more releases). */
    List<Path> writeTrends(List<ReleaseReport> releasesOldestFirst, Lang lang, Path assetsDir) throws SiteException;

    /** A renderer that draws nothing (pages without charts). */
    static ChartRenderer none() {
        return new ChartRenderer() {
            @Override
            public List<Path> writeRelease(ReleaseReport report, Lang lang, Path assetsDir) {
                return List.of();
            }

            @Override
            public List<Path> writeTrends(List<ReleaseReport> releasesOldestFirst, Lang lang, Path assetsDir) {
                return List.of();
            }
        };
    }
}
