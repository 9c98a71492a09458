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
 * @param onlyOldPositions context positions measured only in the old release
 * @param onlyNewPositions context positions measured only in the new release
 * @param conditions machine, model, engine settings and protocol values that differ between the two runs
 * @param warnings   validity warnings of either run, old first
 * @param contextSuite true when the two runs are the engine's context suite, which the pages name beside its label
 */
public record EngineDiff(String engine, String model, List<CellDiff> cells, List<String> onlyOld, List<String> onlyNew,
                         List<Integer> onlyOldPositions, List<Integer> onlyNewPositions, List<ConditionChange> conditions,
                         List<RunWarnings> warnings, boolean contextSuite) {
    public EngineDiff {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        cells = List.copyOf(cells);
        onlyOld = List.copyOf(onlyOld);
        onlyNew = List.copyOf(onlyNew);
        onlyOldPositions = onlyOldPositions == null ? List.of() : List.copyOf(onlyOldPositions);
        onlyNewPositions = onlyNewPositions == null ? List.of() : List.copyOf(onlyNewPositions);
    }

    /** A comparison of scenario files, or of a file with scenarios and context positions. */
    public EngineDiff(String engine, String model, List<CellDiff> cells, List<String> onlyOld, List<String> onlyNew,
                      List<Integer> onlyOldPositions, List<Integer> onlyNewPositions, List<ConditionChange> conditions,
                      List<RunWarnings> warnings) {
        this(engine, model, cells, onlyOld, onlyNew, onlyOldPositions, onlyNewPositions, conditions, warnings, false);
    }

    /** A comparison of scenarios only. */
    public EngineDiff(String engine, String model, List<CellDiff> cells, List<String> onlyOld, List<String> onlyNew) {
        this(engine, model, cells, onlyOld, onlyNew, List.of(), List.of(), List.of(), List.of());
    }

    public long count(Verdict v) {
        return cells.stream().filter(c -> c.verdict() == v).count();
    }
}
