package dev.llmbench.engine.java;

/**
 * Tuning knobs of the Java engine, read once from system properties ({@code -Dllmbench.java.threads=2}).
 * Engine options given by the caller win over these.
 */
final class Tuning {
    /** Worker threads, caller included; default all available cores. */
    static final int THREADS = Integer.getInteger("llmbench.java.threads", Runtime.getRuntime().availableProcessors());
    /**
     * Most weight rows per work unit in decode (matrix-vector): 128 bf16 rows of 1536 are 384 KB, read as four
     * streams of 96 KB (units of 128 and 512 rows read equally fast on 2 cores, 2048 a third slower); smaller
     * matrices get smaller units.
     */
    static final int DECODE_ROWS = roundTo4(Integer.getInteger("llmbench.java.decodeRows", 128));
    /**
     * Weight rows per work unit in prefill (matrix-matrix), a multiple of the 6-row register tile: 96 rows widen to
     * 384 KB per column block, which every token group then reuses from L2.
     */
    static final int PREFILL_ROWS = Math.min(Kernels.MAX_UNIT_ROWS,
            Math.max(Kernels.TILE_ROWS, Integer.getInteger("llmbench.java.prefillRows", 96) / Kernels.TILE_ROWS * Kernels.TILE_ROWS));

    private Tuning() {
    }

    private static int roundTo4(int v) {
        return Math.max(4, v / 4 * 4);
    }
}
