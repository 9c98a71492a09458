package dev.llmbench.site;

import dev.llmbench.site.render.DefaultCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated site in a real browser: headless Chromium opens a release page from disk (file://, so any
 * absolute or external link would break), and its DOM and screenshot are checked: the tables and Korean text are
 * there, and the chart images were loaded and painted (their series colour shows in the screenshot; the
 * stylesheet has no such colour). Skips with a reason where Chromium is not installed; .ci/run installs it.
 */
class BrowserRenderTest {
    /** The second engine's colour in the charts (the fixture's cuda run); absent from style.css. */
    private static final int CHART_ORANGE = 0xE06C00;

    @TempDir
    static Path tmp;
    static Path site;
    static Path chromium;

    @BeforeAll
    static void buildSite() throws Exception {
        chromium = Stream.of(System.getenv("LLMBENCH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                        "/usr/bin/google-chrome")
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            return; // each test reports the skip with its reason (requireChromium)
        }
        site = tmp.resolve("site");
        new SiteBuilder(new Templates(null), DefaultCharts.get()).build(new SiteBuilder.Options(
                List.of(FixtureResultsTest.RESULTS), site, null, List.of(Lang.KO, Lang.EN), null));
    }

    /** Per test, so that a machine without Chromium reports every test skipped with the reason, not none run. */
    @BeforeEach
    void requireChromium() {
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium; .ci/run does)");
    }

    @Test
    void releasePageRendersWithItsTablesTextAndCharts() throws Exception {
        Path page = site.resolve("releases/v0.2.0/index.html");
        String dom = chromium(page, "--dump-dom");
        assertThat(dom).contains("<table>").contains("실행 환경").contains("java (CPU)")
                .contains("src=\"assets/ko/benchmark_chart.png\"");

        Path shot = tmp.resolve("release.png");
        chromium(page, "--screenshot=" + shot, "--window-size=1280,4000", "--hide-scrollbars");
        BufferedImage img = ImageIO.read(shot.toFile());
        assertThat(img).isNotNull();
        assertThat(countNear(img, 0xFFFFFF, 8)).as("page is not blank").isLessThan(img.getWidth() * img.getHeight() * 98L / 100);
        assertThat(countNear(img, CHART_ORANGE, 40)).as("chart images painted").isGreaterThan(200);
    }

    @Test
    void indexLinksResolveInsideTheSite() throws Exception {
        String dom = chromium(site.resolve("index.html"), "--dump-dom");
        assertThat(dom).contains("href=\"releases/v0.2.0/index.html\"").contains("href=\"releases/v0.2.0/diff.html\"");
        for (String href : List.of("releases/v0.2.0/index.html", "releases/v0.2.0/diff.html", "releases/v0.1.0/index.en.html",
                "style.css", "fonts/NanumSquareR.ttf", "fonts/NanumSquareB.ttf", "fonts/OFL.txt")) {
            assertThat(site.resolve(href)).as(href).isRegularFile();
        }
        assertThat(Files.readString(site.resolve("style.css"))).doesNotContain("http:", "https:", "//fonts")
                .contains("url(\"fonts/NanumSquareR.ttf\")");
        Path shot = tmp.resolve("index.png");
        chromium(site.resolve("index.html"), "--screenshot=" + shot, "--window-size=1280,3000", "--hide-scrollbars");
        assertThat(countNear(ImageIO.read(shot.toFile()), CHART_ORANGE, 40)).as("trend charts painted").isGreaterThan(200);
    }

    private static long countNear(BufferedImage img, int rgb, int tolerance) {
        int r0 = rgb >> 16 & 0xFF;
        int g0 = rgb >> 8 & 0xFF;
        int b0 = rgb & 0xFF;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                if (Math.abs((p >> 16 & 0xFF) - r0) <= tolerance && Math.abs((p >> 8 & 0xFF) - g0) <= tolerance
                        && Math.abs((p & 0xFF) - b0) <= tolerance) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Runs headless Chromium on a file; flags keep it off the network and out of the user's profile. */
    private static String chromium(Path file, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--virtual-time-budget=5000",
                "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        cmd.add(file.toUri().toString());
        Path log = Files.createTempFile(tmp, "chromium", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Chromium did not finish in 120 s: " + Files.readString(log));
        }
        assertThat(p.exitValue()).as("Chromium failed: %s", Files.readString(log)).isZero();
        return out;
    }
}
