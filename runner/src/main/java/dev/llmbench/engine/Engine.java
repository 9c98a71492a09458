package dev.llmbench.engine;

import dev.llmbench.model.Tokenizer;
import dev.llmbench.results.EngineInfo;
import dev.llmbench.results.ModelInfo;

import java.util.Optional;

/**
 * A loaded model on one engine. Greedy decoding only; EOS is never special here (the runner asks for exactly
 * the number of tokens it wants). Calls come from one thread.
 *
 * <p>The timed calls, {@link #prefill} and {@link #decode}, must return only once the token id is on the host,
 * and must not allocate per call in steady state.
 */
public interface Engine extends AutoCloseable {

    /** Engine id, version and settings, as written to the results file. */
    EngineInfo info();

    /** Model identity, as written to the results file. */
    ModelInfo model();

    /** Vocabulary size: every returned id is in {@code [0, vocabSize)}. */
    int vocabSize();

    /** The model's tokenizer, when it has one ({@code tokenizer.json}); synthetic models have none. */
    Optional<Tokenizer> tokenizer();

    /** Time spent building kernels or pipelines during {@code open}, ms (0 if none). */
    double compileMs();

    /** Time spent mapping or loading weights during {@code open}, ms. */
    double weightLoadMs();

    /**
     * Runs the prompt {@code ids[0..length)} through the model from an empty cache (in chunks of
     * {@code prefill_seq_len}) and returns the greedy next token id.
     */
    int prefill(int[] ids, int length);

    /** Feeds one token at the next position and returns the greedy next token id. */
    int decode(int tokenId);

    /** Forgets the KV cache so the next {@link #prefill} starts a new sequence. */
    void reset();

    /**
     * True when a non-finite value (NaN or infinity) appeared in the logits since the last {@link #reset()}.
     * Engines that do not check return false.
     */
    default boolean sawNonFiniteLogits() {
        return false;
    }

    /**
     * Writing the KV cache directly, for the context suite: random values from a seed, which attention reads like a
     * real cache of that length. Empty when the engine cannot (the default); the runner then reaches a position by a
     * real prefill in chunks. The Java, CUDA and Metal engines fill with the same values for the same seed.
     */
    default Optional<CacheFiller> cacheFiller() {
        return Optional.empty();
    }

    /** Device-side kernel timing, when the engine measures it (GPU engines); empty for CPU engines. */
    default Optional<KernelTimer> kernelTimer() {
        return Optional.empty();
    }

    /** The device this engine runs on and its driver, for GPU engines; empty for CPU engines. */
    default Optional<Accelerator> accelerator() {
        return Optional.empty();
    }

    /** Peak device memory in bytes and how it was measured, for GPU engines; empty for CPU engines. */
    default Optional<DeviceMemory> deviceMemory() {
        return Optional.empty();
    }

    @Override
    void close();

    /** Kernel time and count of the last {@link #prefill} or {@link #decode} call. */
    interface KernelTimer {
        double lastKernelMs();

        int lastKernelCount();

        /**
         * Whether the device waits while the host reads these statistics between two calls (one step at a time): then
         * the reading is left out of the step it comes before. An engine that has already launched its next step
         * (CUDA's decode ahead) answers false: that step runs through the reading, so the step's wall time keeps it.
         */
        default boolean deviceWaitsForReading() {
            return true;
        }
    }

    /** Direct KV cache filling; see {@link #cacheFiller()}. */
    interface CacheFiller {
        /**
         * Starts a new sequence whose first {@code positions} cache entries, keys and values of every layer, hold
         * random values from {@code seed}: the next {@link Engine#decode} runs at position {@code positions}.
         *
         * @throws IllegalArgumentException when {@code positions} is not in {@code [1, max_cache_len)}
         */
        void fill(int positions, long seed);
    }

    record DeviceMemory(long peakBytes, String method) {
    }

    /**
     * @param name   device name, e.g. {@code NVIDIA H100 80GB HBM3} or {@code Apple M3 Max}
     * @param driver driver or runtime version, or null when unknown
     */
    record Accelerator(String name, String driver) {
        public Accelerator {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("accelerator name must be a non-empty string");
            }
        }
    }
}
