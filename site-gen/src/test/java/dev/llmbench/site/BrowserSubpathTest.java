package dev.llmbench.site;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.llmbench.site.render.DefaultCharts;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Templates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The built site as GitHub Pages serves a project site: over HTTP under a subpath ({@code /llmbench/}), opened by
 * headless Chromium page by page. Every page of every release in both languages, the index and the diff pages
 * load without a console message; every image, stylesheet and font they use is fetched from the subpath with
 * status 200 (the server records each request); every internal link resolves inside the subpath. Screenshots of
 * the index and a release page are kept in {@code target/browser-artifacts/}. Skips with a reason where Chromium
 * is not installed; .ci/run installs it.
 */
class BrowserSubpathTest {
    private static final String BASE = "/llmbench/";
    private static final Pattern LINK = Pattern.compile("(?:href|src)=\"([^\"#]*)(#[^\"]*)?\"");
    static final Path ARTIFACTS = Path.of("target/browser-artifacts");

    @TempDir
    static Path tmp;
    static Path site;
    static Path chromium;
    static HttpServer server;
    /** path -> last status, for every request the server answered */
    static final Map<String, Integer> requests = new ConcurrentHashMap<>();

    @BeforeAll
    static void serveTheSite() throws Exception {
        chromium = Stream.of(System.getenv("LLMBENCH_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser",
                        "/usr/bin/google-chrome")
                .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null) {
            return;
        }
        site = tmp.resolve("site");
        new SiteBuilder(new Templates(null), DefaultCharts.get()).build(new SiteBuilder.Options(
                List.of(FixtureResultsTest.RESULTS), site, null, List.of(Lang.KO, Lang.EN), null));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(BASE, SimpleFileServer.createFileHandler(site.toAbsolutePath()))
                .getFilters().add(Filter.afterHandler("record", ex -> requests.put(ex.getRequestURI().getPath(), ex.getResponseCode())));
        server.start();
        Files.createDirectories(ARTIFACTS);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void requireChromium() {
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium; .ci/run does)");
    }

    @Test
    void everyPageLoadsUnderTheSubpathWithItsImagesAndFontsAndWithoutConsoleMessages() throws Exception {
        List<Path> pages;
        try (Stream<Path> s = Files.walk(site)) {
            pages = s.filter(p -> p.toString().endsWith(".html")).sorted().toList();
        }
        // both releases, both languages, their diff pages and the index
        assertThat(pages.stream().map(p -> site.relativize(p).toString().replace('\\', '/')))
                .contains("index.html", "index.en.html", "releases/v0.1.0/index.html", "releases/v0.1.0/index.en.html",
                        "releases/v0.2.0/index.html", "releases/v0.2.0/index.en.html", "releases/v0.2.0/diff.html",
                        "releases/v0.2.0/diff.en.html");
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            String path = BASE + site.relativize(page).toString().replace('\\', '/');
            requests.clear();
            Chromium c = chromium(path, "--dump-dom");
            c.console().forEach(line -> problems.add(path + ": console: " + line));
            requests.forEach((p, status) -> {
                if (status != 200) {
                    problems.add(path + ": " + p + " answered " + status);
                }
                if (!p.startsWith(BASE)) {
                    problems.add(path + ": requested " + p + ", outside the subpath");
                }
            });
            assertThat(requests).as(path).containsEntry(path, 200).containsKey(BASE + "style.css");
            Matcher m = LINK.matcher(c.dom());
            while (m.find()) {
                String link = m.group(1);
                if (link.isEmpty()) {
                    continue;
                }
                URI target = URI.create("http://127.0.0.1" + path).resolve(link);
                if (target.getScheme() != null && !"127.0.0.1".equals(target.getHost()) && !link.startsWith("http://127.0.0.1")) {
                    problems.add(path + ": external link " + link);
                    continue;
                }
                String tp = target.getPath();
                if (!tp.startsWith(BASE)) {
                    problems.add(path + ": link " + link + " leaves the subpath (" + tp + ")");
                } else if (!Files.isRegularFile(site.resolve(tp.substring(BASE.length())))) {
                    problems.add(path + ": link " + link + " names no file of the site");
                }
            }
            // images the page shows were fetched, and the Korean text's font
            Matcher img = Pattern.compile("<img[^>]*src=\"([^\"]+)\"").matcher(c.dom());
            while (img.find()) {
                String ip = URI.create("http://127.0.0.1" + path).resolve(img.group(1)).getPath();
                if (!Integer.valueOf(200).equals(requests.get(ip))) {
                    problems.add(path + ": image " + img.group(1) + " was not loaded (" + requests.get(ip) + ")");
                }
            }
            if (c.dom().contains("lang=\"ko\"") && !Integer.valueOf(200).equals(requests.get(BASE + "fonts/NanumSquareR.ttf"))) {
                problems.add(path + ": the Korean font was not loaded");
            }
            if (path.contains("diff")) {
                assertThat(c.dom()).as(path).contains("<table>").containsPattern("개선|저하|변화 없음|판단 보류|better|worse|unchanged|inconclusive");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void screenshotsOfTheIndexAndAReleasePageAreKept() throws Exception {
        for (String[] shot : List.of(new String[]{"index.html", "index.png"}, new String[]{"releases/v0.2.0/index.html", "release-v0.2.0.png"})) {
            Path png = tmp.resolve(shot[1]);
            chromium(BASE + shot[0], "--screenshot=" + png, "--window-size=1280,3000", "--hide-scrollbars");
            assertThat(png).isRegularFile();
            assertThat(Files.size(png)).isGreaterThan(10_000);
            Files.copy(png, ARTIFACTS.resolve(shot[1]), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    record Chromium(String dom, List<String> console) {
    }

    /** Chromium on a page of the server; flags keep it off the network and out of the user's profile. */
    private static Chromium chromium(String path, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
                // a fresh profile each time: nothing comes from an earlier page's cache, so every page fetches what it uses
                "--user-data-dir=" + Files.createTempDirectory(tmp, "profile")));
        cmd.addAll(List.of(args));
        cmd.add("http://127.0.0.1:" + server.getAddress().getPort() + path);
        Path log = Files.createTempFile(tmp, "chromium", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("Chromium did not finish in 120 s: " + Files.readString(log));
        }
        String err = Files.readString(log);
        assertThat(p.exitValue()).as("Chromium failed: %s", err).isZero();
        List<String> console = err.lines().filter(l -> l.contains(":CONSOLE")).toList();
        return new Chromium(out, console);
    }
}
