package dev.llmbench.runner.measure;

import dev.llmbench.engine.Engine;

/**
 * The timed part of one run, kept apart so that it can be measured on its own (harness overhead benchmark).
 * It reads the clock once per token and only stores into arrays the caller preallocated: no allocation, no I/O.
 */
public final class TimedLoop {
    private TimedLoop() {
    }

    /**
     * Prefill then {@code decodeTokens - 1} decode steps.
     *
     * @param marks clock readings, length {@code >= decodeTokens + 1}: {@code marks[0]} before the prefill,
     *              {@code marks[i + 1]} when generated token {@code i} was on the host
     * @param ids   generated token ids, length {@code >= decodeTokens}
     */
    public static void run(Engine engine, Clock clock, int[] prompt, int promptTokens, int decodeTokens,
                           long[] marks, int[] ids) {
        marks[0] = clock.nanoTime();
        int token = engine.prefill(prompt, promptTokens);
        marks[1] = clock.nanoTime();
        ids[0] = token;
        for (int i = 1; i < decodeTokens; i++) {
            token = engine.decode(token);
            marks[i + 1] = clock.nanoTime();
            ids[i] = token;
        }
    }

    /**
     * As {@link #run} and also reads the engine's device-side kernel time and count after every call. Reading them
     * is not part of any step: the clock is read again before the next call, and the gap goes into {@code pausedNs}.
     *
     * @param kernelMs    kernel ms per call, length {@code >= decodeTokens}: index 0 is the prefill
     * @param kernelCount kernels per call, same layout
     * @param pausedNs    ns spent reading the kernel stats after call {@code i}, same layout; step {@code i} lasts
     *                    {@code marks[i + 1] - marks[i] - pausedNs[i - 1]}
     */
    public static void runWithKernels(Engine engine, Engine.KernelTimer timer, Clock clock, int[] prompt,
                                      int promptTokens, int decodeTokens, long[] marks, int[] ids,
                                      double[] kernelMs, int[] kernelCount, long[] pausedNs) {
        marks[0] = clock.nanoTime();
        int token = engine.prefill(prompt, promptTokens);
        marks[1] = clock.nanoTime();
        ids[0] = token;
        kernelMs[0] = timer.lastKernelMs();
        kernelCount[0] = timer.lastKernelCount();
        pausedNs[0] = clock.nanoTime() - marks[1];
        for (int i = 1; i < decodeTokens; i++) {
            token = engine.decode(token);
            marks[i + 1] = clock.nanoTime();
            ids[i] = token;
            kernelMs[i] = timer.lastKernelMs();
            kernelCount[i] = timer.lastKernelCount();
            pausedNs[i] = clock.nanoTime() - marks[i + 1];
        }
    }

    /**
     * {@code steps} decode steps from where the engine's sequence stands (the context suite), the first fed
     * {@code token}.
     *
     * @param marks clock readings, length {@code >= steps + 1}: {@code marks[0]} before the first step,
     *              {@code marks[k + 1]} when step {@code k}'s token was on the host
     */
    public static void steps(Engine engine, Clock clock, int token, int steps, long[] marks) {
        marks[0] = clock.nanoTime();
        for (int k = 0; k < steps; k++) {
            token = engine.decode(token);
            marks[k + 1] = clock.nanoTime();
        }
    }
}
