package dev.llmbench.site.diff;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmbench.results.ResultsJson;
import dev.llmbench.site.SiteException;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.MarkdownText;
import dev.llmbench.site.render.NumberFormatter;
import dev.llmbench.site.render.Templates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The outputs of a diff: terminal text, JSON (locale-free, plain numbers) and Markdown from a template. */
public final class DiffRenderer {
    private DiffRenderer() {
    }

    public static String terminal(ReleaseDiff d, Lang lang) {
        NumberFormatter f = NumberFormatter.of(lang);
        boolean ko = lang == Lang.KO;
        StringBuilder sb = new StringBuilder();
        sb.append(d.oldName()).append(" → ").append(d.newName()).append(ko ? "  (임계값 " : "  (threshold ")
                .append(f.percent(d.threshold(), 1)).append(", alpha ").append(f.fixed(d.alpha(), 2)).append(")\n");
        String engine = null;
        for (ReleaseDiff.Cell c : d.cells()) {
            if (!c.engine().equals(engine)) {
                engine = c.engine();
                sb.append('\n').append(engine).append('\n');
            }
            sb.append(String.format(Locale.ROOT, "  %-4s %-12s %12s → %-12s %8s  %-12s %s%n", c.scenario(), metricName(c.metric(), lang),
                    f.fixed(c.oldMedian(), 1), f.fixed(c.newMedian(), 1), signed(f, c.change()),
                    verdictName(c.verdict(), lang), c.pValue() == null ? "" : "p=" + f.fixed(c.pValue(), 3)));
        }
        for (String u : d.unmatched()) {
            sb.append(ko ? "비교 불가: " : "not compared: ").append(u).append('\n');
        }
        long worse = d.cells().stream().filter(c -> c.verdict() == ReleaseDiff.Verdict.WORSE).count();
        long better = d.cells().stream().filter(c -> c.verdict() == ReleaseDiff.Verdict.BETTER).count();
        sb.append('\n').append(ko ? "개선 " + better + ", 저하 " + worse : better + " better, " + worse + " worse").append('\n');
        return sb.toString();
    }

    public static String json(ReleaseDiff d) {
        ObjectNode root = ResultsJson.mapper().createObjectNode();
        root.put("old", d.oldName());
        root.put("new", d.newName());
        root.put("threshold", d.threshold());
        root.put("alpha", d.alpha());
        root.put("regression", d.hasRegression());
        ArrayNode cells = root.putArray("cells");
        for (ReleaseDiff.Cell c : d.cells()) {
            ObjectNode n = cells.addObject();
            n.put("engine", c.engine());
            n.put("scenario", c.scenario());
            n.put("metric", c.metric().id());
            n.put("higher_is_better", c.metric().higherIsBetter());
            n.put("old_median", c.oldMedian());
            n.put("new_median", c.newMedian());
            n.put("change", c.change());
            if (c.pValue() == null) {
                n.putNull("p_value");
            } else {
                n.put("p_value", c.pValue());
            }
            n.put("old_runs", c.oldRuns());
            n.put("new_runs", c.newRuns());
            n.put("verdict", c.verdict().json());
        }
        ArrayNode unmatched = root.putArray("unmatched");
        d.unmatched().forEach(unmatched::add);
        try {
            return ResultsJson.mapper().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the diff", e);
        }
    }

    public static String markdown(ReleaseDiff d, Lang lang, Templates templates) throws SiteException {
        NumberFormatter f = NumberFormatter.of(lang);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("old", MarkdownText.escape(d.oldName()));
        m.put("new", MarkdownText.escape(d.newName()));
        m.put("threshold", f.percent(d.threshold(), 1));
        m.put("alpha", f.fixed(d.alpha(), 2));
        m.put("regression", d.hasRegression());
        List<Map<String, String>> rows = new ArrayList<>();
        for (ReleaseDiff.Cell c : d.cells()) {
            rows.add(Map.of("engine", MarkdownText.escape(c.engine()), "scenario", MarkdownText.escape(c.scenario()),
                    "metric", metricName(c.metric(), lang), "old", f.fixed(c.oldMedian(), 1), "new", f.fixed(c.newMedian(), 1),
                    "change", signed(f, c.change()), "p", c.pValue() == null ? NumberFormatter.NONE : f.fixed(c.pValue(), 3),
                    "verdict", verdictName(c.verdict(), lang)));
        }
        m.put("rows", rows);
        m.put("unmatched", d.unmatched().stream().map(MarkdownText::escape).toList());
        return templates.render("diff." + lang.code() + ".md.ftl", m);
    }

    private static String signed(NumberFormatter f, double change) {
        String s = f.percent(change, 1);
        return change > 0 && !s.startsWith("0.0") ? "+" + s : s;
    }

    static String metricName(ReleaseDiff.Metric m, Lang lang) {
        return switch (m) {
            case TTFT_MS -> "TTFT (ms)";
            case DECODE_TPS -> "Decode TPS";
            case PREFILL_TPS -> "Prefill TPS";
        };
    }

    static String verdictName(ReleaseDiff.Verdict v, Lang lang) {
        boolean ko = lang == Lang.KO;
        return switch (v) {
            case BETTER -> ko ? "개선" : "better";
            case WORSE -> ko ? "저하" : "worse";
            case UNCHANGED -> ko ? "변화 없음" : "unchanged";
            case INCONCLUSIVE -> ko ? "판단 보류" : "inconclusive";
        };
    }
}
