package dev.llmbench.site.render;

/** The chart renderer the commands use. */
public final class DefaultCharts {
    private DefaultCharts() {
    }

    public static ChartRenderer get() {
        return ChartRenderer.none();
    }
}
