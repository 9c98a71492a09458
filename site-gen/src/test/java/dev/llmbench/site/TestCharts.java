package dev.llmbench.site;

import dev.llmbench.site.analysis.ReleaseReport;
import dev.llmbench.site.render.ChartRenderer;
import dev.llmbench.site.render.Lang;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test double of the chart renderer: writes small placeholder PNGs under the names the real one uses. */
public final class TestCharts implements ChartRenderer {
    @Override
    public List<Path> writeRelease(ReleaseReport report, Lang lang, Path assetsDir) {
        return write(assetsDir, "benchmark_chart.png", "ttft_vs_prompt.png", "step_tps.png", "throughput.png");
    }

    @Override
    public List<Path> writeTrends(List<ReleaseReport> releasesOldestFirst, Lang lang, Path assetsDir) {
        return releasesOldestFirst.size() < 2 ? List.of() : write(assetsDir, "trend_ttft.png", "trend_decode_tps.png");
    }

    private static List<Path> write(Path dir, String... names) {
        List<Path> out = new ArrayList<>();
        try {
            for (String n : names) {
                Path p = dir.resolve(n);
                ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", p.toFile());
                out.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
