/*
 * llmbench native engine ABI, version 6.
 *
 * One C ABI, two implementations (native/cuda, native/metal), bound from Java with the FFM API
 * (java.lang.foreign). The Java side parses config.json and the safetensors files (or makes synthetic
 * weights) and hands the engine a table of tensors whose data points into the memory-mapped files, so
 * both engines load the same way and Metal can wrap the mapping without a copy
 * (newBufferWithBytesNoCopy). Every call returns 0 on success or a negative LB_E* code; the message of
 * the last error is available from lb_last_error().
 *
 * Synthetic models (--model synthetic:NAME) are not copied: each tensor comes with data == NULL and the
 * generator's parameters (synth_base, synth_center, synth_scale from dev.llmbench.model.SyntheticWeights), and
 * the engine makes the same bf16 bits on the device.
 *
 * Threading: an lb_engine is used from one thread at a time.
 *
 * Version 2 (from 1): lb_tensor carries the synthetic generator's parameters; lb_options has prefill_gemm,
 * use_pdl, profile and kernel_timer; lb_last_logits and lb_describe are new.
 * Version 3 (from 2): lb_fill_cache is new (the context suite's direct KV cache fill).
 * Version 4 (from 3): lb_options has use_pipe.
 * Version 5 (from 4): lb_options has decode_ahead.
 * Version 6 (from 5): lb_options has kv_cache_dtype.
 */
#ifndef LLMBENCH_ENGINE_H
#define LLMBENCH_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LB_ABI_VERSION 6

/* Return codes; they map to the CLI's exit codes (invalid input 2, unavailable 3, internal 4). */
#define LB_OK 0
#define LB_E_INVALID (-2)     /* bad shapes, unsupported dtype, cache overflow */
#define LB_E_UNAVAILABLE (-3) /* no device, driver too old */
#define LB_E_INTERNAL (-4)    /* a kernel launch or allocation failed */

typedef enum { LB_F32 = 0, LB_F16 = 1, LB_BF16 = 2 } lb_dtype;

/* One weight tensor, named as in the Hugging Face checkpoint (e.g. "model.layers.0.self_attn.q_proj.weight"). */
typedef struct {
    const char *name;
    lb_dtype dtype;
    int32_t rank;
    int64_t shape[4];
    const void *data; /* host pointer into the mapped file, valid until lb_close; NULL: synthetic, see below */
    size_t bytes;
    /* synthetic tensors (data == NULL, dtype LB_BF16): element i is SyntheticWeights' function of
       (synth_base, i): center + scale * u, u uniform in [-1, 1) from a SplitMix64 hash */
    uint64_t synth_base;
    float synth_center;
    float synth_scale;
} lb_tensor;

/* Qwen2 hyper-parameters, read from config.json by the Java side. */
typedef struct {
    int32_t vocab_size;
    int32_t hidden_size;
    int32_t intermediate_size;
    int32_t num_layers;
    int32_t num_heads;
    int32_t num_kv_heads;
    int32_t head_dim;
    float rms_norm_eps;
    float rope_theta;
    int32_t tie_word_embeddings; /* 0 or 1 */
} lb_model_config;

typedef struct {
    int32_t prefill_seq_len; /* prefill chunk size in tokens (a chunk, never padding) */
    int32_t max_cache_len;   /* KV cache capacity in tokens */
    int32_t device_index;    /* which GPU */
    int32_t use_graphs;      /* capture the decode step once (CUDA graph) and replay it */
    int32_t prefill_gemm;    /* 0: tensor cores, inputs in the weight dtype; 1: f32 on the CUDA cores (exact) */
    int32_t use_pdl;         /* CUDA: programmatic dependent launch between decode kernels (Hopper) */
    int32_t profile;         /* 1: time every kernel on its own (eager launches), summary to stderr at lb_close */
    int32_t kernel_timer;    /* 0: GPU timestamps around each call's work; 1: CUPTI, the union of the kernels' own
                                intervals (gaps between kernels excluded); engines without it answer LB_E_INVALID */
    int32_t use_pipe;        /* CUDA: decode rows of gate/up and down_proj wait in shared memory, several a warp in
                                flight (sm_80+); 0: in registers. Engines without the choice ignore it */
    int32_t decode_ahead;    /* CUDA: lb_decode launches the next step on the device's own greedy token before it
                                returns, so the device does not wait for the host between steps; a call with another
                                token discards that step and runs its own. Needs use_graphs and kernel_timer 0 (else
                                ignored); 0: one step at a time. Engines without the choice ignore it */
    int32_t kv_cache_dtype;  /* the KV cache's element type: LB_F32, or LB_BF16 (keys and values rounded to nearest as
                                they are written, read back widened to f32); an engine answers LB_E_INVALID for a type
                                it does not keep */
} lb_options;

/* Per-call device-side timing of the last prefill or decode call: kernel_ms is the device time from the
   start of its first kernel to the end of its last (GPU timestamps around the call's work), or with
   kernel_timer 1 the time at least one of its kernels ran (CUPTI records); kernel_count the kernels it
   launched. */
typedef struct {
    double kernel_ms;
    int32_t kernel_count;
} lb_kernel_stats;

typedef struct lb_engine lb_engine;

int32_t lb_abi_version(void);

/* Whether the engine can run here; writes the device name (available) or the reason (not) into buf. */
int32_t lb_probe(char *buf, size_t buf_len);

/* Copies or wraps the weights, builds kernels; compile_ms and load_ms report the two costs separately. */
int32_t lb_open(const lb_model_config *config, const lb_tensor *tensors, int32_t tensor_count,
                const lb_options *options, lb_engine **out, double *compile_ms, double *load_ms);

/* Prefill ids[0..n) from an empty cache; *next_token is the greedy next id, already on the host. */
int32_t lb_prefill(lb_engine *engine, const int32_t *ids, int32_t n, int32_t *next_token);

/* One decode step at the next position; *next_token is the greedy next id, already on the host. With decode_ahead
   the step after it may already run on the device when the call returns (on *next_token); the KV cache entry it
   writes is rewritten by whichever step the next call runs at that position. */
int32_t lb_decode(lb_engine *engine, int32_t token, int32_t *next_token);

int32_t lb_reset(lb_engine *engine);

/* Starts a new sequence (as lb_reset) whose first `positions` KV cache entries, keys and values of every layer, hold
   random values from `seed`, so that the next lb_decode runs at position `positions`: the context suite's direct
   fill. The values are the Java engine's (dev.llmbench.engine.java.Qwen2Model.fillCache): for layer l and part p
   (0 keys, 1 values), base = mix(seed ^ (p + 1) * 0x9E3779B97F4A7C15) and element i = position * kv_dim +
   kv_head * head_dim + d of the layer's (position, kv_dim) block is (mix(base + i) >> 40) * 2^-23 - 1, uniform in
   [-1, 1), where mix is SplitMix64's finaliser (SyntheticWeights.mix) and kv_dim = num_kv_heads * head_dim.
   LB_E_INVALID when positions is not in [1, max_cache_len). Not a timed call: lb_last_kernel_stats still
   describes the last prefill or decode. */
int32_t lb_fill_cache(lb_engine *engine, int32_t positions, uint64_t seed);

int32_t lb_last_kernel_stats(const lb_engine *engine, lb_kernel_stats *out);

/* Peak device memory in bytes since lb_open, as the driver reports it. */
int32_t lb_peak_device_memory(const lb_engine *engine, int64_t *bytes);

/* 1 when NaN or infinity appeared in the logits since the last lb_reset. */
int32_t lb_saw_non_finite(const lb_engine *engine);

/* Copies the logits (f32) of the last position of the last prefill or decode call into out[0..n). */
int32_t lb_last_logits(const lb_engine *engine, float *out, int32_t n);

/* Writes the engine's settings as "key=value" lines (device, driver, libraries, kernel choices) into buf. */
int32_t lb_describe(const lb_engine *engine, char *buf, size_t buf_len);

/* Message of the last failed call on this thread; never NULL. */
const char *lb_last_error(void);

void lb_close(lb_engine *engine);

#ifdef __cplusplus
}
#endif

#endif /* LLMBENCH_ENGINE_H */
