package dev.llmbench.site.diff;

import dev.llmbench.site.render.Lang;
import dev.llmbench.site.render.Messages;
import dev.llmbench.site.render.NumberFormatter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The terminal form of a diff: one aligned table per engine, then the tally. */
public final class DiffText {
    private DiffText() {
    }

    public static String render(ReleaseDiff d, Lang lang) {
        NumberFormatter f = NumberFormatter.of(lang);
        Messages m = Messages.of(lang);
        StringBuilder sb = new StringBuilder();
        sb.append(m.get("diff.text.title", d.oldRelease(), d.newRelease(), f.percent(d.threshold(), 1),
                f.fixed(d.alpha(), 2))).append('\n');
        for (EngineDiff e : d.engines()) {
            sb.append('\n').append(DiffPageModel.engineName(e, m)).append(" / ").append(e.model()).append('\n');
            if (!e.conditions().isEmpty()) {
                sb.append("  ").append(m.get("diff.conditions.text")).append('\n');
                e.conditions().forEach(c -> sb.append("    ").append(c.field()).append(": ").append(c.oldValue())
                        .append(" → ").append(c.newValue()).append('\n'));
            }
            if (!e.warnings().isEmpty()) {
                sb.append("  ").append(m.get("diff.warnings.text")).append('\n');
                e.warnings().forEach(w -> sb.append("    ").append(w.release()).append(": ").append(w.code())
                        .append(w.scenarios().isEmpty() ? "" : " (" + String.join(", ", w.scenarios()) + ")").append('\n'));
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {m.get("diff.col.scenario"), m.get("diff.col.metric"), d.oldRelease(), d.newRelease(),
                    m.get("diff.col.change"), "p", m.get("diff.col.verdict")});
            for (CellDiff c : e.cells()) {
                Map<String, String> r = DiffPageModel.row(c, f, m);
                rows.add(new String[] {r.get("scenario"), r.get("metric"), r.get("old"), r.get("new"), r.get("change"),
                        r.get("p"), r.get("verdict")});
            }
            table(sb, rows);
            if (!e.onlyOld().isEmpty()) {
                sb.append("  ").append(m.get("diff.onlyIn", d.oldRelease(), String.join(", ", e.onlyOld()))).append('\n');
            }
            if (!e.onlyNew().isEmpty()) {
                sb.append("  ").append(m.get("diff.onlyIn", d.newRelease(), String.join(", ", e.onlyNew()))).append('\n');
            }
            if (!e.onlyOldPositions().isEmpty()) {
                sb.append("  ").append(m.get("diff.positionsOnlyIn", d.oldRelease(),
                        String.join(", ", e.onlyOldPositions().stream().map(String::valueOf).toList()))).append('\n');
            }
            if (!e.onlyNewPositions().isEmpty()) {
                sb.append("  ").append(m.get("diff.positionsOnlyIn", d.newRelease(),
                        String.join(", ", e.onlyNewPositions().stream().map(String::valueOf).toList()))).append('\n');
            }
        }
        for (ReleaseDiff.Unmatched u : d.unmatched()) {
            sb.append('\n').append(m.get("diff.unmatched", DiffPageModel.unmatchedRun(u, m))).append('\n');
        }
        sb.append('\n').append(m.get("diff.text.tally", String.valueOf(d.count(Verdict.BETTER)),
                String.valueOf(d.count(Verdict.WORSE)), String.valueOf(d.count(Verdict.UNCHANGED)),
                String.valueOf(d.count(Verdict.INCONCLUSIVE)))).append('\n');
        return sb.toString();
    }

    /** Left-aligned text columns, right-aligned numbers; widths in terminal cells (Hangul takes two). */
    private static void table(StringBuilder sb, List<String[]> rows) {
        int cols = rows.getFirst().length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], width(r[i]));
            }
        }
        for (String[] r : rows) {
            sb.append(' ');
            for (int i = 0; i < cols; i++) {
                boolean number = i >= 2 && i <= 5;
                String pad = " ".repeat(w[i] - width(r[i]));
                sb.append(' ').append(number ? pad + r[i] : r[i] + (i == cols - 1 ? "" : pad));
                if (i < cols - 1) {
                    sb.append(' ');
                }
            }
            sb.append('\n');
        }
    }

    /** Display width: East Asian wide characters take two terminal cells. */
    static int width(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3)
                    || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60) ? 2 : 1;
            i += Character.charCount(cp);
        }
        return n;
    }
}
