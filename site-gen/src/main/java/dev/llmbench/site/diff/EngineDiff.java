package dev.llmbench.site.diff;

import java.util.List;

/**
 * The comparison of one engine on one model across two releases.
 *
 * @param engine   engine label
 * @param model    model name
 * @param cells    per scenario and metric, in scenario order then metric order
 * @param onlyOld  scenario ids measured only in the old release
 * @param onlyNew  scenario ids measured only in the new release
 */
public record EngineDiff(String engine, String model, List<CellDiff> cells, List<String> onlyOld, List<String> onlyNew) {
    public EngineDiff {
        cells = List.copyOf(cells);
        onlyOld = List.copyOf(onlyOld);
        onlyNew = List.copyOf(onlyNew);
    }

    public long count(Verdict v) {
        return cells.stream().filter(c -> c.verdict() == v).count();
    }
}
