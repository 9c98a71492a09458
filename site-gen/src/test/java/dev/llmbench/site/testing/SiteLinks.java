package dev.llmbench.site.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a built site works under any subpath (https://OWNER.github.io/REPO/): every {@code href} and
 * {@code src} of every HTML page, and every {@code url()} of every stylesheet, is relative and names a file of the
 * site. An absolute path ({@code /x}) would leave the subpath; an external address would make a request. The one
 * exception is a {@code 404.html}, which GitHub serves at any missing address: its links must be absolute, below
 * the subpath the site is published at.
 */
public final class SiteLinks {
    private static final Pattern ATTR = Pattern.compile("(?:href|src)=\"([^\"]*)\"");
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*[\"']?([^\"')]+)[\"']?\\s*\\)");

    private SiteLinks() {
    }

    /**
     * Every problem found, one line each ("page: link: why"); empty when the site is sound.
     *
     * @param linksOut relative folder whose pages may link to other sites (documentation pages); none for the
     *                 results site, which makes no request outside itself
     */
    public static List<String> problems(Path site, String linksOut, String basePath) throws IOException {
        List<String> problems = new ArrayList<>();
        Path root = site.toAbsolutePath().normalize();
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".html") || f.toString().endsWith(".css"))
                    .sorted().toList();
        }
        if (files.stream().noneMatch(f -> f.toString().endsWith(".html"))) {
            problems.add(site + ": no HTML page");
        }
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            Matcher m = (f.toString().endsWith(".css") ? CSS_URL : ATTR).matcher(text);
            while (m.find()) {
                String link = m.group(1).replace("&amp;", "&");
                String why = f.getFileName().toString().equals("404.html") ? check404(root, f, link, basePath) : check(root, f, link);
                if ("external address".equals(why) && linksOut != null && root.relativize(f).startsWith(linksOut)
                        && !link.startsWith("//")) {
                    why = null;
                }
                if (why != null) {
                    problems.add(root.relativize(f) + ": " + link + ": " + why);
                }
            }
        }
        return problems;
    }

    /** A link of a 404 page: absolute, below {@code basePath}, naming a file of the site. */
    private static String check404(Path root, Path page, String link, String basePath) {
        if (!link.startsWith("/") || link.startsWith("//")) {
            return check(root, page, link);
        }
        if (!link.startsWith(basePath + "/")) {
            return "a 404 page's absolute link outside the subpath " + basePath + "/";
        }
        String inSite = link.substring(basePath.length() + 1);
        return check(root, root.resolve("index.html"), inSite.isEmpty() ? "index.html" : inSite);
    }

    private static String check(Path root, Path page, String link) {
        if (link.isEmpty() || link.startsWith("#") || link.startsWith("data:") || link.startsWith("mailto:")) {
            return null;
        }
        if (link.startsWith("/")) {
            return "absolute path; it leaves a project subpath";
        }
        if (link.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return "external address";
        }
        String path = link.replaceAll("[?#].*", "");
        if (path.isEmpty()) {
            return null;
        }
        Path target = page.getParent().resolve(java.net.URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
        if (!target.startsWith(root)) {
            return "points outside the site";
        }
        if (Files.isDirectory(target)) {
            target = target.resolve("index.html");
        }
        return Files.isRegularFile(target) ? null : "no such file in the site";
    }
}
