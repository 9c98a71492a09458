package dev.llmbench.site.diff;

import dev.llmbench.site.SiteException;
import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.MarkdownText;
import dev.llmbench.site.render.Messages;
import dev.llmbench.site.render.NumberFormatter;
import dev.llmbench.site.render.Templates;
import dev.llmbench.site.render.TextMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a diff page, formatted for one language and escaped for Markdown: what the templates
 * {@code diff.md.ftl} (one for every language, its words from the bundle through {@code text(...)}) and the
 * terminal table print.
 */
public final class DiffPageModel {
    private DiffPageModel() {
    }

    /** The diff page's Markdown from the template {@code diff.md.ftl}. */
    public static String markdown(ReleaseDiff d, Lang lang, Templates templates) throws SiteException {
        return templates.render(Templates.DIFF_PAGE, build(d, lang));
    }

    public static Map<String, Object> build(ReleaseDiff d, Lang lang) {
        NumberFormatter f = NumberFormatter.of(lang);
        Messages m = Messages.of(lang);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("lang", lang.code());
        model.put("text", new TextMethod(m));
        model.put("oldRelease", MarkdownText.code(d.oldRelease()));
        model.put("newRelease", MarkdownText.code(d.newRelease()));
        model.put("threshold", f.percent(d.threshold(), 1));
        model.put("alpha", f.fixed(d.alpha(), 2));
        model.put("better", d.count(Verdict.BETTER));
        model.put("worse", d.count(Verdict.WORSE));
        model.put("unchanged", d.count(Verdict.UNCHANGED));
        model.put("inconclusive", d.count(Verdict.INCONCLUSIVE));
        model.put("regression", d.hasRegression());
        List<Map<String, Object>> engines = new ArrayList<>();
        for (EngineDiff e : d.engines()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("label", MarkdownText.escape(engineName(e, m)));
            em.put("model", MarkdownText.escape(e.model()));
            List<Map<String, String>> rows = new ArrayList<>();
            for (CellDiff c : e.cells()) {
                rows.add(row(c, f, m));
            }
            em.put("rows", rows);
            em.put("onlyOld", String.join(", ", e.onlyOld().stream().map(MarkdownText::escape).toList()));
            em.put("onlyNew", String.join(", ", e.onlyNew().stream().map(MarkdownText::escape).toList()));
            em.put("onlyOldPositions", String.join(", ", e.onlyOldPositions().stream().map(String::valueOf).toList()));
            em.put("onlyNewPositions", String.join(", ", e.onlyNewPositions().stream().map(String::valueOf).toList()));
            em.put("conditions", e.conditions().stream().map(c -> Map.of("field", MarkdownText.code(c.field()),
                    "old", MarkdownText.escape(c.oldValue()), "new", MarkdownText.escape(c.newValue()))).toList());
            em.put("warnings", e.warnings().stream().map(w -> Map.of("release", MarkdownText.code(w.release()),
                    "code", MarkdownText.code(w.code()),
                    "scenarios", String.join(", ", w.scenarios().stream().map(MarkdownText::escape).toList()))).toList());
            engines.add(em);
        }
        model.put("engines", engines);
        model.put("hasContext", d.engines().stream().flatMap(e -> e.cells().stream())
                .anyMatch(c -> c.metric() == Metric.CONTEXT_STEP_MS));
        model.put("unmatched", d.unmatched().stream()
                .map(u -> MarkdownText.escape(unmatchedRun(u, m))).toList());
        return model;
    }

    /** The engine's label, with its suite named when the two runs are its context suite. */
    static String engineName(EngineDiff e, Messages m) {
        return e.contextSuite() ? m.get("page.engineSuite", e.engine(), m.get("suite.context")) : e.engine();
    }

    /** A run of one release alone, "(only in v1)"; an engine's context suite said to be one. */
    static String unmatchedRun(ReleaseDiff.Unmatched u, Messages m) {
        return m.get(u.contextSuite() ? "diff.unmatchedContextRun" : "diff.unmatchedRun", u.run(), u.onlyIn());
    }

    static Map<String, String> row(CellDiff c, NumberFormatter f, Messages m) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("scenario", c.metric() == Metric.CONTEXT_STEP_MS ? m.get("diff.position", c.scenario())
                : MarkdownText.escape(c.scenario()));
        r.put("metric", m.get("diff.metric." + c.metric().key()));
        int decimals = c.metric() == Metric.PREFILL_TPS ? 0 : c.metric() == Metric.CONTEXT_STEP_MS
                && Math.min(c.oldMedian(), c.newMedian()) < 10 ? 2 : 1;
        r.put("old", f.fixed(c.oldMedian(), decimals));
        r.put("new", f.fixed(c.newMedian(), decimals));
        r.put("change", Double.isNaN(c.change()) ? NumberFormatter.NONE
                : (c.change() > 0 ? "+" : "") + f.percent(c.change(), 1));
        r.put("p", c.pValue() == null ? NumberFormatter.NONE : f.fixed(c.pValue(), 3));
        r.put("verdict", m.get("diff.verdict." + c.verdict().key()));
        r.put("verdictKey", c.verdict().key());
        return r;
    }
}
