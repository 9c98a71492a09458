// The CUDA engine: implements native/include/llmbench_engine.h over the kernels of kernels.cuh.
// native/metal/src/engine.m is the same engine for Metal; the two follow each other function by function.
//
// Pipeline: lb_open lays the weights out on the device (q/k/v stacked, gate/up stacked, each model's own
// dtype), builds the buffers and RoPE tables, and captures one decode step as a CUDA graph. lb_prefill runs the
// prompt in chunks (GEMMs on cuBLAS, or the f32 GEMM kernel), lb_decode replays the graph.
#include "kernels.cuh"
#include "pipe.cuh"
#include "llmbench_engine.h"

#ifdef LLB_HAVE_CUBLAS
#include <cublas_v2.h>
#endif
#ifdef LLB_HAVE_CUPTI
#include <cupti.h>
#endif

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace {

/**
 * Decode steps at this position or later take the decode attention's shape for long contexts (attn_decode): 512 with
 * an f32 cache, 2,048 with a bf16 one, whose rows are half the registers. Measured on an H200 with a bf16 cache, the
 * short shape up to 2,048 against 512: S4 / S5 / S6 1015 / 973 / 1023 against 1002 / 964 / 1021 tok/s, a step at
 * position 1,024 1.02 against 1.03 ms, at 2,048 the same; from 3,072 on the long shape is 4-6% faster. With an f32
 * cache the short shape up to 2,048 was slower (S4 / S5 977 / 958 against 983 / 962).
 */
constexpr int kLongContext = 512, kLongContextBf16 = 2048;
/**
 * Decode steps at these positions or later take the grouped attention (attn_decode_group_kernel), where the model's
 * heads suit it: from kSubGroupContext where a block takes 2 or 3 of a KV head's query heads, from kGroupedContext
 * where it takes all of them. Measured on an H200 with the 1.5B shapes (6 query heads a KV head) against a block per
 * query head: three heads a block, 1.22 against 1.20 ms a step at 4,096 positions, 1.28 against 1.40 at 8,192 and
 * 1.85 against 2.06 at 32,640; all six, 1.46 against 1.40 at 8,192, a tie at 12,288 and 2.01 against 2.69 at 32,640.
 */
constexpr int kSubGroupContext = 6144, kGroupedContext = 12288;
/** attn_decode_group_kernel's warps a block (32 positions each) and the most query heads a block takes. */
constexpr int kGroupWarps = 4, kMaxGroupKernel = 8;

thread_local std::string g_error = "no error";

int fail(int code, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    g_error = buf;
    return code;
}

#define CUDA_TRY(call)                                                                                          \
    do {                                                                                                        \
        cudaError_t err_ = (call);                                                                              \
        if (err_ != cudaSuccess)                                                                                \
            return fail(err_ == cudaErrorMemoryAllocation ? LB_E_INVALID : LB_E_INTERNAL, "%s: %s (%s:%d)%s", \
                        #call, cudaGetErrorString(err_), __FILE__, __LINE__,                                    \
                        err_ == cudaErrorMemoryAllocation                                                       \
                            ? "; the model and its KV cache do not fit: lower --max-cache-len or use a smaller model" \
                            : "");                                                                              \
    } while (0)

#define TRY(expr)                                                                                               \
    do {                                                                                                        \
        int rc_ = (expr);                                                                                       \
        if (rc_ != LB_OK) return rc_;                                                                           \
    } while (0)

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int dtype_bytes(lb_dtype d) { return d == LB_F32 ? 4 : 2; }

const char *dtype_name(lb_dtype d) { return d == LB_F32 ? "f32" : d == LB_F16 ? "f16" : "bf16"; }

size_t align256(size_t n) { return (n + 255) & ~size_t(255); }

/** Device addresses of one decoder layer's weights; [q; k; v] and [gate; up] are stacked. */
struct Layer {
    const void *input_norm; // (dim)
    const void *wqkv;       // (q + 2 kv, dim)
    const void *bqkv;       // (q + 2 kv)
    const void *wo;         // (dim, q)
    const void *post_norm;  // (dim)
    const void *wgu;        // (2 ffn, dim)
    const void *wdown;      // (dim, ffn)
};

/** Where a checkpoint tensor goes: byte offset in the weight block, and the shape it must have. */
struct Slot {
    size_t offset;
    int64_t rows, cols; // cols 0 for vectors
};

} // namespace

struct lb_engine {
    lb_model_config cfg{};
    lb_options opt{};
    lb_dtype dtype = LB_BF16;
    int device = 0;
    int sms = 0;
    bool attn_warp = true; // decode attention by attn_decode_warp_kernel (head_dim 64 or 128), else attn_decode_kernel
    bool attn_long = false; // the decode step being enqueued is at long_from or later (attn_decode_warp_kernel's shape)
    int long_from = kLongContext; // kLongContext, or kLongContextBf16 with a bf16 cache
    bool attn_group = false;   // attn_decode_group_kernel runs this model's heads (attn_warp, attn_sub 2, 3, 5 or 7)
    int attn_sub = 0;          // ... its query heads a block: 3 or 2 where they divide the KV head's, else all of them
    int grouped_from = 0;      // ... from this position (kSubGroupContext, or kGroupedContext for all of a KV head's)
    bool attn_grouped = false; // the decode step being enqueued is at grouped_from or later (and attn_group)
    bool pipe = false;      // gate/up's and down_proj's rows through pipe.cuh's RowPipe (sm_80+ and use_pipe), else in registers
    cudaStream_t stream = nullptr;

    char *weights = nullptr; // one block, every tensor at a 256-byte aligned offset
    size_t weight_bytes = 0;
    std::vector<Layer> layers;
    const void *embed = nullptr, *final_norm = nullptr, *lm_head = nullptr;

    // activations, sized for one prefill chunk of `chunk` tokens; decode uses row 0
    int chunk = 0;
    float *x = nullptr;      // (chunk, dim) residual stream
    void *xn = nullptr;      // (chunk, dim) normalised input of a GEMM, GEMM input type
    float *qkv = nullptr;    // (chunk, q + 2 kv) GEMM output
    float *q = nullptr;      // (chunk, q) roped queries
    void *attn = nullptr;    // (chunk, q) attention output: GEMM input type (prefill), f32 (decode)
    float *gu = nullptr;     // (chunk, 2 ffn) gate and up
    void *h = nullptr;       // (chunk, ffn) SiLU(gate) * up: GEMM input type (prefill), f32 (decode)
    float *logits = nullptr; // (vocab) last position
    void *k_cache = nullptr, *v_cache = nullptr;  // (layers, kv heads, max_cache_len, head_dim) each, f32 or bf16 (kv_bf16)
    bool kv_bf16 = false;                         // the KV cache holds bf16 (`--engine-opt kv_cache=bf16`), else f32
    float *k_f32 = nullptr, *v_f32 = nullptr;     // with a bf16 cache: one layer's keys and values in f32 for the prefill attention
    float *rope_cos = nullptr, *rope_sin = nullptr; // (max_cache_len, head_dim / 2)
    int splits = 0;                                  // decode attention splits of kAttnSplit positions
    float *part_o = nullptr, *part_ml = nullptr;     // decode attention partials
    unsigned int *counters = nullptr;                // (query heads) decode attention arrival counters

    int32_t *d_ids = nullptr, *h_ids = nullptr; // (max_cache_len) prompt ids; h_ids pinned
    lb::StepIn *d_in = nullptr, *h_in = nullptr; // h_in pinned
    lb::StepOut *d_out = nullptr, *h_out = nullptr;

    bool gemm_tc = false;    // prefill GEMM on tensor cores (cuBLAS, inputs in the weight dtype)
    size_t attn_prefill_smem = 0;
#ifdef LLB_HAVE_CUBLAS
    cublasHandle_t blas = nullptr;
    void *blas_ws = nullptr;
#endif

    int decode_kernels = 0;
    // prefill graphs by prompt length, captured on first use of a length (graphs on, profile off)
    struct PrefillGraph {
        cudaGraph_t graph;
        cudaGraphExec_t exec;
        int kernels;
    };
    std::map<int, PrefillGraph> prefill_graphs;
    cudaEvent_t ev_start = nullptr, ev_end = nullptr;

    // decode_ahead (`--engine-opt ahead`): lb_decode launches the next step on the device's own greedy token before it
    // returns. Two slots of what a decode step reads and writes on the host's side (step in and out, logits, timing
    // events, the captured graph); d_in ... ev_end above point into the slot of the last finished call (slot 0 for
    // prefill and without decode_ahead), the step launched ahead uses the other one.
    struct DecodeSlot {
        lb::StepIn *d_in = nullptr, *h_in = nullptr;
        lb::StepOut *h_out = nullptr;
        float *logits = nullptr;
        cudaEvent_t ev_start = nullptr, ev_end = nullptr, done = nullptr;
        cudaGraph_t graph[3] = {};     // the step for each of attn_shapes: below long_from, from it, from grouped_from
        cudaGraphExec_t exec[3] = {};
    };
    DecodeSlot slots[2];
    int slot = 0;
    bool ahead = false;     // decode_ahead in effect: graphs on, GPU-timestamp timing
    int ahead_slot = -1;    // the slot of a step launched ahead, -1 none
    int ahead_pos = 0;      // its position; its token is last_next
    int32_t last_next = -1; // next_token of the last finished decode

    int launches = 0;   // kernels enqueued by the call in progress
    int last_count = 0; // ... by the last finished call
    bool have_stats = false;

    // --engine-opt profile=true: an event pair around every kernel (eager launches only), summed per kernel name and
    // printed to stderr by lb_close
    struct Mark {
        const char *label;
        cudaEvent_t begin, end;
    };
    std::vector<cudaEvent_t> event_pool;
    size_t events_used = 0;
    std::vector<Mark> marks;
    std::map<std::string, std::pair<double, long>> profile; // label -> (ms, launches)
    bool capturing = false;

    // cuBLAS attention for prefill: queries head-major, scores, f32 output
    float *qh = nullptr;       // (heads, chunk, head_dim)
    float *scores = nullptr;   // (heads, chunk, max_cache_len)
    float *attn_f32 = nullptr; // (chunk, heads * head_dim)

    int pos = 0; // tokens in the KV cache
    size_t mem_baseline = 0, mem_peak = 0;
    std::string description;
};

namespace {

#ifdef LLB_HAVE_CUPTI
// ---- CUPTI kernel timer (--engine-opt kernel_timer=cupti) ----------------------------------------------------
// CUPTI's activity records are process-wide: the callbacks collect the [start, end) of every kernel that ran, and
// cupti_take() turns those since its last call into busy time (the union of the intervals, so kernels that overlap
// under programmatic dependent launch count once) and a kernel count.
struct CuptiLog {
    std::mutex mu;
    std::vector<std::pair<uint64_t, uint64_t>> kernels; // ns
    std::vector<const char *> names;                     // beside kernels
    bool started = false;
    // LLB_CUPTI_TRACE=1 (a development aid): per kernel name, how far each call moved the end of the step on
    // (its end minus the previous kernel's end) and its own duration, summed over decode steps, printed every 64
    struct Row { double advance_us = 0, duration_us = 0; long calls = 0; };
    std::map<std::string, Row> trace;
    int traced_steps = 0;
};

CuptiLog &cupti_log() {
    static CuptiLog log;
    return log;
}

void CUPTIAPI cupti_buffer_requested(uint8_t **buffer, size_t *size, size_t *max_records) {
    *size = size_t(1) << 20;
    *buffer = static_cast<uint8_t *>(std::aligned_alloc(8, *size));
    *max_records = 0;
}

void CUPTIAPI cupti_buffer_completed(CUcontext, uint32_t, uint8_t *buffer, size_t, size_t valid) {
    CUpti_Activity *record = nullptr;
    {
        std::lock_guard<std::mutex> lock(cupti_log().mu);
        while (cuptiActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS)
            if (record->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) {
                const auto *k = reinterpret_cast<const CUpti_ActivityKernel10 *>(record);
                cupti_log().kernels.emplace_back(k->start, k->end);
                cupti_log().names.push_back(k->name);
            }
    }
    std::free(buffer);
}

int cupti_start() {
    std::lock_guard<std::mutex> lock(cupti_log().mu);
    if (cupti_log().started) return LB_OK;
    if (cuptiActivityRegisterCallbacks(cupti_buffer_requested, cupti_buffer_completed) != CUPTI_SUCCESS ||
        cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL) != CUPTI_SUCCESS)
        return fail(LB_E_UNAVAILABLE, "CUPTI cannot record kernel activity here (another profiler attached?); use kernel_timer=events");
    cupti_log().started = true;
    return LB_OK;
}

/** Busy ms and kernel count of the kernels recorded since the last call. */
int cupti_take(double *ms, int32_t *count) {
    if (cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED) != CUPTI_SUCCESS)
        return fail(LB_E_INTERNAL, "cuptiActivityFlushAll failed");
    std::vector<std::pair<uint64_t, uint64_t>> k;
    std::vector<const char *> names;
    {
        std::lock_guard<std::mutex> lock(cupti_log().mu);
        k.swap(cupti_log().kernels);
        names.swap(cupti_log().names);
    }
    static const bool trace = getenv("LLB_CUPTI_TRACE") != nullptr;
    if (trace && k.size() > 32 && names.size() == k.size()) {
        std::vector<size_t> order(k.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return k[a].second < k[b].second; });
        CuptiLog &log = cupti_log();
        for (size_t j = 0; j < order.size(); ++j) {
            const size_t i = order[j];
            std::string name = names[i] ? names[i] : "?";
            if (name.size() > 96) name.resize(96);
            auto &row = log.trace[name];
            row.advance_us += (k[i].second - (j ? k[order[j - 1]].second : k[i].first)) / 1e3;
            row.duration_us += (k[i].second - k[i].first) / 1e3;
            row.calls++;
        }
        if (++log.traced_steps == 64) {
            fprintf(stderr, "llmbench cuda trace over %d steps: name, calls a step, advance us a step, duration us a call\n", log.traced_steps);
            for (const auto &[n, row] : log.trace)
                fprintf(stderr, "  %-96s %6.1f %9.2f %9.2f\n", n.c_str(), row.calls / 64.0, row.advance_us / 64, row.duration_us / row.calls);
            log.trace.clear();
            log.traced_steps = 0;
        }
    }
    std::sort(k.begin(), k.end());
    uint64_t busy = 0, open = 0, close = 0;
    for (const auto &iv : k) {
        if (iv.first > close) {
            busy += close - open;
            open = iv.first, close = iv.second;
        } else if (iv.second > close) {
            close = iv.second;
        }
    }
    busy += close - open;
    *ms = busy / 1e6;
    *count = static_cast<int32_t>(k.size());
    return LB_OK;
}
#endif

int sample_memory(lb_engine *e) {
    size_t free_b = 0, total_b = 0;
    CUDA_TRY(cudaMemGetInfo(&free_b, &total_b));
    const size_t used = total_b - free_b;
    if (used > e->mem_peak) e->mem_peak = used;
    return LB_OK;
}

cudaEvent_t pooled_event(lb_engine *e) {
    if (e->events_used == e->event_pool.size()) {
        cudaEvent_t ev = nullptr;
        cudaEventCreate(&ev);
        e->event_pool.push_back(ev);
    }
    return e->event_pool[e->events_used++];
}

/** Profile mode: an event before the kernel (or library call) that `label` names; profile_end records the one after. */
void profile_begin(lb_engine *e) {
    if (e->opt.profile && !e->capturing) e->marks.push_back({nullptr, pooled_event(e), nullptr}), cudaEventRecord(e->marks.back().begin, e->stream);
}

void profile_end(lb_engine *e, const char *label) {
    if (e->opt.profile && !e->capturing) {
        e->marks.back().label = label;
        e->marks.back().end = pooled_event(e);
        cudaEventRecord(e->marks.back().end, e->stream);
    }
}

/** After the call's sync: adds each marked kernel's time to its name's total. */
void profile_collect(lb_engine *e) {
    for (const auto &m : e->marks) {
        float ms = 0.f;
        if (cudaEventElapsedTime(&ms, m.begin, m.end) == cudaSuccess) {
            auto &t = e->profile[m.label];
            t.first += ms;
            t.second += 1;
        }
    }
    e->marks.clear();
    e->events_used = 0;
}

/**
 * Launches a kernel on the engine's stream and counts it; `pdl` lets it overlap the previous kernel's tail.
 * `label` names it in profile mode.
 */
template <typename... Params, typename... Args>
int launch(lb_engine *e, const char *label, bool pdl, void (*kernel)(Params...), dim3 grid, dim3 block, size_t smem,
           Args... args) {
    cudaLaunchAttribute attr[1];
    attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
    attr[0].val.programmaticStreamSerializationAllowed = 1;
    cudaLaunchConfig_t cfg = {};
    cfg.gridDim = grid;
    cfg.blockDim = block;
    cfg.dynamicSmemBytes = smem;
    cfg.stream = e->stream;
    const bool use = pdl && e->opt.use_pdl;
    cfg.attrs = use ? attr : nullptr;
    cfg.numAttrs = use ? 1 : 0;
    profile_begin(e);
    CUDA_TRY(cudaLaunchKernelEx(&cfg, kernel, static_cast<Params>(args)...));
    profile_end(e, label);
    e->launches++;
    return LB_OK;
}

/**
 * Blocks for `units` warp units at `warps` warps a block: one unit per warp, but no more blocks than the
 * multiprocessors hold at once (the occupancy calculator's count for this kernel), so the grid is one wave and
 * its warps loop over the rest.
 */
template <typename K>
dim3 grid_blocks(const lb_engine *e, K kernel, long blocks, int threads, size_t smem) {
    int resident = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&resident, kernel, threads, smem) != cudaSuccess || resident < 1)
        resident = 1;
    const long cap = static_cast<long>(e->sms) * resident;
    return dim3(static_cast<unsigned>(blocks < cap ? blocks : cap));
}

template <typename K>
dim3 grid_for(const lb_engine *e, K kernel, long units, int warps, size_t smem) {
    return grid_blocks(e, kernel, (units + warps - 1) / warps, warps * lb::kWarp, smem);
}

template <typename T> const T *as(const void *p) { return static_cast<const T *>(p); }
template <typename T> T *as(void *p) { return static_cast<T *>(p); }

size_t norm_smem(const lb_engine *e) { return sizeof(float) * (e->cfg.hidden_size + 32); }

/** Layer l's part of a KV cache (keys or values) of element type KV. */
template <typename KV>
KV *layer_cache(const lb_engine *e, void *cache, int l) {
    return static_cast<KV *>(cache) + static_cast<size_t>(l) * e->cfg.num_kv_heads * e->opt.max_cache_len * e->cfg.head_dim;
}

/** Calls f with the KV cache's element type: float, or __nv_bfloat16 where kv_bf16. */
template <typename F>
int with_kv_type(const lb_engine *e, F &&f) {
    if (e->kv_bf16) return f(__nv_bfloat16());
    return f(float());
}

// ---- the decode step ---------------------------------------------------------------------------------------
/**
 * Calls f with std::integral_constant<int, U>: the 16-byte loads per lane and row that cover `chunks` chunks of a
 * row in one round, so a warp's loads for whole rows are in flight at once. Rows longer than `most` loads a lane
 * take several rounds of `fallback` loads (kernels streaming two rows a warp keep within 128 registers so).
 */
template <bool Long = false, typename F>
int with_loads(int chunks, F &&f) {
    const int need = (chunks + lb::kWarp - 1) / lb::kWarp;
    if (need <= 1) return f(std::integral_constant<int, 1>());
    if (need <= 2) return f(std::integral_constant<int, 2>());
    if (need <= 4) return f(std::integral_constant<int, 4>());
    if (need <= 6) return f(std::integral_constant<int, 6>());
    if constexpr (Long) {
        if (need == 9) return f(std::integral_constant<int, 9>());
        return f(std::integral_constant<int, 8>());
    } else {
        return f(std::integral_constant<int, 4>());
    }
}

/** Loads a lane needs for a row of `chunks` 16-byte chunks in one round, as the lane kernels take it; 0 over 6. */
int lane_loads(int chunks) {
    const int need = (chunks + lb::kWarp - 1) / lb::kWarp;
    return need <= 1 ? 1 : need <= 2 ? 2 : need <= 4 ? 4 : need <= 6 ? 6 : 0;
}

/** Calls f with std::integral_constant<int, u> for u from lane_loads (1, 2, 4 or 6). */
template <typename F>
int with_lane_loads(int u, F &&f) {
    switch (u) {
    case 1: return f(std::integral_constant<int, 1>());
    case 2: return f(std::integral_constant<int, 2>());
    case 4: return f(std::integral_constant<int, 4>());
    default: return f(std::integral_constant<int, 6>());
    }
}

/**
 * Blocks of 8 warps for `units` warp units: the fewest units a warp that the resident warps allow, then the
 * fewest blocks that carry them, so no warp has a unit more than another (but the last).
 */
template <typename K>
dim3 balanced_grid(const lb_engine *e, K kernel, long units, size_t smem) {
    const long cap = grid_blocks(e, kernel, 1L << 30, 256, smem).x * 8L;
    const long per = (units + cap - 1) / cap;
    return dim3(static_cast<unsigned>((units + per * 8 - 1) / (per * 8)));
}

/** x += W . v over `rows` rows of K, by the lane kernel: K split 8 ways when each part fits a lane's loads. */
template <typename W>
int gemv_residual_lane(lb_engine *e, const char *label, const void *w, const float *v, int rows, int K, int u, int ksplit) {
    return with_lane_loads(u, [&](auto uc) {
        constexpr int U = decltype(uc)::value;
        if (ksplit == 1) {
            auto *k = lb::gemv_residual_lane_kernel<W, U, 1>;
            return launch(e, label, true, k, balanced_grid(e, k, rows, 0), dim3(256), 0, as<W>(w), v, e->x, rows, K, 0);
        }
        auto *k = lb::gemv_residual_lane_kernel<W, U, 8>;
        const long cap = grid_blocks(e, k, 1L << 30, 256, sizeof(float) * 8 * 16).x;
        const int per = static_cast<int>((rows + cap - 1) / cap);
        const size_t smem = sizeof(float) * 8 * per;
        return launch(e, label, true, k, dim3((rows + per - 1) / per), dim3(256), smem, as<W>(w), v, e->x, rows, K, per);
    });
}

/** Lane loads of an eighth of a row of K when x += W . v splits each row 8 ways (K over 2048), else 0. */
template <typename W>
int split8_loads(int K) {
    const int chunks = K / lb::Vec16<W>::N;
    return chunks % 8 == 0 && K > 2048 ? lane_loads(chunks / 8) : 0;
}

/**
 * x += W . v over `rows` rows of K. A long K (over 2048) is split four ways between the warps of a row; a short
 * one gives each warp two whole rows, loaded in one round.
 */
template <typename W>
int gemv_residual(lb_engine *e, const char *label, const void *w, const float *v, int rows, int K) {
    const int chunks = K / lb::Vec16<W>::N;
    if (const int u = split8_loads<W>(K)) return gemv_residual_lane<W>(e, label, w, v, rows, K, u, 8);
    if (lane_loads(chunks)) return gemv_residual_lane<W>(e, label, w, v, rows, K, lane_loads(chunks), 1);
    if (K > 2048 && chunks % 4 == 0)
        return with_loads<true>(chunks / 4, [&](auto u) {
            constexpr int U = decltype(u)::value;
            auto *k = lb::gemv_residual_kernel<W, 4, 1, U>;
            return launch(e, label, true, k, grid_blocks(e, k, (rows + 1) / 2, 256, 0), dim3(256), 0, as<W>(w), v, e->x, rows, K);
        });
    return with_loads(chunks, [&](auto u) {
        constexpr int U = decltype(u)::value;
        auto *k = lb::gemv_residual_kernel<W, 1, 2, U>;
        return launch(e, label, true, k, grid_blocks(e, k, (rows + 15) / 16, 256, 0), dim3(256), 0, as<W>(w), v, e->x, rows, K);
    });
}

/** The decode attention from grouped_from on: a block per attn_sub query heads of a KV head and 128 positions. */
template <typename KV>
int attn_decode_group(lb_engine *e, const KV *kc, const KV *vc, float scale) {
    const lb_model_config &c = e->cfg;
    const int group = c.num_heads / c.num_kv_heads, sub = e->attn_sub, splits = e->splits;
    const dim3 grid(c.num_heads / sub, splits), block(32 * kGroupWarps);
    const size_t smem = lb::attn_decode_group_smem(c.head_dim, kGroupWarps, sub, splits);
    auto go = [&](auto g) {
        constexpr int G = decltype(g)::value;
        auto launch_hd = [&](auto kernel) {
            return launch(e, "attn_decode", true, kernel, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml,
                          e->counters, as<float>(e->attn), e->opt.max_cache_len, scale, group);
        };
        return c.head_dim == 128 ? launch_hd(lb::attn_decode_group_kernel<128, kGroupWarps, G, KV>)
                                 : launch_hd(lb::attn_decode_group_kernel<64, kGroupWarps, G, KV>);
    };
    switch (sub) { // 3 or 2 where they divide the group, else the whole group (5 or 7 up to kMaxGroupKernel)
    case 2: return go(std::integral_constant<int, 2>());
    case 3: return go(std::integral_constant<int, 3>());
    case 5: return go(std::integral_constant<int, 5>());
    case 7: return go(std::integral_constant<int, 7>());
    default: return fail(LB_E_INVALID, "the grouped decode attention takes 2, 3, 5 or 7 query heads a block, got %d", sub);
    }
}

template <typename KV>
int attn_decode(lb_engine *e, size_t smem, const KV *kc, const KV *vc, float scale) {
    const lb_model_config &c = e->cfg;
    if (e->attn_grouped) return attn_decode_group(e, kc, vc, scale);
    if (e->attn_warp) {
        // 128 positions a block either way: 8 warps of 16 (K and V rows in registers before the wait) for short
        // contexts, 4 warps of 32 from long_from on (each measured the faster there on an H200; 8 warps of 32,
        // 256 positions a block, 3% slower at S5)
        const int nq = c.num_heads, nkv = c.num_kv_heads, max_len = e->opt.max_cache_len;
        // the short shape's steps never reach long_from, nor the long shape's grouped_from where the grouped
        // attention takes over: each grid stops there (a grid for a 32K cache of which all but a block or two
        // return at once cost 6% at position 1 with 256-thread blocks)
        const int reach = std::min(max_len, !e->attn_long ? e->long_from : e->attn_group ? e->grouped_from : max_len);
        const int warps = e->attn_long ? 4 : 8, splits = (reach + lb::kAttnSplit - 1) / lb::kAttnSplit;
        const dim3 grid(nq, splits), block(32 * warps);
        const size_t wsmem = lb::attn_decode_warp_smem(c.head_dim, warps, splits);
        float *out = as<float>(e->attn);
        auto go = [&](auto kernel) {
            return launch(e, "attn_decode", true, kernel, grid, block, wsmem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml,
                          e->counters, out, nq, nkv, max_len, scale);
        };
        if (c.head_dim == 128)
            return e->attn_long ? go(lb::attn_decode_warp_kernel<128, 4, 32, KV>) : go(lb::attn_decode_warp_kernel<128, 8, 16, KV>);
        return e->attn_long ? go(lb::attn_decode_warp_kernel<64, 4, 32, KV>) : go(lb::attn_decode_warp_kernel<64, 8, 16, KV>);
    }
    const int nq = c.num_heads, nkv = c.num_kv_heads, max_len = e->opt.max_cache_len, group = 1;
    const dim3 grid(nq / group, e->splits), block(128);
    float *out = as<float>(e->attn);
    switch (c.head_dim) {
    case 16: return launch(e, "attn_decode", true, lb::attn_decode_kernel<16, KV>, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml, e->counters, out, nq, nkv, group, max_len, scale);
    case 32: return launch(e, "attn_decode", true, lb::attn_decode_kernel<32, KV>, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml, e->counters, out, nq, nkv, group, max_len, scale);
    case 64: return launch(e, "attn_decode", true, lb::attn_decode_kernel<64, KV>, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml, e->counters, out, nq, nkv, group, max_len, scale);
    case 128: return launch(e, "attn_decode", true, lb::attn_decode_kernel<128, KV>, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml, e->counters, out, nq, nkv, group, max_len, scale);
    case 256: return launch(e, "attn_decode", true, lb::attn_decode_kernel<256, KV>, grid, block, smem, e->q, kc, vc, e->d_in, e->part_o, e->part_ml, e->counters, out, nq, nkv, group, max_len, scale);
    default: return fail(LB_E_INVALID, "head_dim %d is not supported (16, 32, 64, 128 or 256)", c.head_dim);
    }
}

/** Blocks of kPipeWarps warps for `units` warp units, one a multiprocessor at most, no warp a unit more than another. */
int pipe_blocks(const lb_engine *e, long units) {
    const long warps = static_cast<long>(e->sms) * lb::kPipeWarps, per = (units + warps - 1) / warps;
    return static_cast<int>((units + per * lb::kPipeWarps - 1) / (per * lb::kPipeWarps));
}

/** Launches a lane kernel whose rows wait in a RowPipe (pipe.cuh), with `smem` bytes of dynamic shared memory. */
template <typename... Params, typename... Args>
int pipe_launch(lb_engine *e, const char *label, void (*kernel)(Params...), int blocks, size_t smem, Args... args) {
    CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)));
    return launch(e, label, true, kernel, dim3(blocks), dim3(lb::kPipeWarps * lb::kWarp), smem, args...);
}

template <typename W>
int lm_head(lb_engine *e, bool pdl, const float *x) {
    const lb_model_config &c = e->cfg;
    if (const int u = lane_loads(c.hidden_size / lb::Vec16<W>::N))
        return with_lane_loads(u, [&](auto uc) {
            auto *k = lb::lm_head_lane_kernel<W, decltype(uc)::value>;
            return launch(e, "lm_head", pdl, k, balanced_grid(e, k, c.vocab_size, 0), dim3(256), 0, x, as<W>(e->final_norm),
                          c.rms_norm_eps, as<W>(e->lm_head), e->logits, c.hidden_size, c.vocab_size, e->d_out);
        });
    return with_loads(c.hidden_size / lb::Vec16<W>::N, [&](auto u) {
        auto *k = lb::lm_head_kernel<W, decltype(u)::value>;
        return launch(e, "lm_head", pdl, k, grid_for(e, k, (c.vocab_size + 1) / 2, 8, norm_smem(e)), dim3(256), norm_smem(e),
                      x, as<W>(e->final_norm), c.rms_norm_eps, as<W>(e->lm_head), e->logits, c.hidden_size, c.vocab_size, e->d_out);
    });
}

/**
 * The lane loads of gate/up's and down_proj's rows when their lane kernels take a RowPipe (pipe.cuh), 0 where they
 * do not: rows that fit a lane's loads, sm_80 or newer, and use_pipe (`--engine-opt pipe=false` turns it off).
 */
template <typename W>
struct PipePlan {
    int u_gate_up = 0, u_down = 0;

    explicit PipePlan(const lb_engine *e) {
        const lb_model_config &c = e->cfg;
        if (!e->pipe) return;
        u_gate_up = lane_loads(c.hidden_size / lb::Vec16<W>::N);
        u_down = split8_loads<W>(c.intermediate_size); // where the register rows would take gemv_residual_lane_kernel<.., 8>
    }
};

/** gate_up_lane_kernel over a RowPipe: one block a multiprocessor at most, every warp the same units. */
template <typename W>
int pipe_gate_up(lb_engine *e, int u, const Layer &w) {
    const lb_model_config &c = e->cfg;
    const int blocks = pipe_blocks(e, c.intermediate_size);
    const long warps = static_cast<long>(blocks) * lb::kPipeWarps, rows = 2 * ((c.intermediate_size + warps - 1) / warps);
    return with_lane_loads(u, [&](auto uc) {
        using Pipe = lb::RowPipe<W, decltype(uc)::value, lb::kPipeDepth>;
        return pipe_launch(e, "gate_up", lb::gate_up_lane_kernel<W, decltype(uc)::value, Pipe>, blocks, Pipe::smem(rows),
                           e->x, as<W>(w.post_norm), c.rms_norm_eps, as<W>(w.wgu), as<float>(e->h), c.hidden_size,
                           c.intermediate_size);
    });
}

/** x += down_proj . h by gemv_residual_lane_kernel<W, U, 8> over a RowPipe: a block a run of rows, its warps an eighth of each. */
template <typename W>
int pipe_down(lb_engine *e, int u, const Layer &w) {
    const lb_model_config &c = e->cfg;
    const int rows = c.hidden_size, per = (rows + e->sms - 1) / e->sms;
    return with_lane_loads(u, [&](auto uc) {
        using Pipe = lb::RowPipe<W, decltype(uc)::value, lb::kPipeDepth>;
        return pipe_launch(e, "down_proj", lb::gemv_residual_lane_kernel<W, decltype(uc)::value, 8, Pipe>, (rows + per - 1) / per,
                           Pipe::smem(per) + sizeof(float) * 8 * per, as<W>(w.wdown), as<float>(e->h), e->x, rows,
                           c.intermediate_size, per);
    });
}

/** The decode step's kernels, weights of type W, a KV cache of type KV. */
template <typename W, typename KV>
int enqueue_decode_kv(lb_engine *e) {
    const lb_model_config &c = e->cfg;
    const int dim = c.hidden_size, ffn = c.intermediate_size, nq = c.num_heads, nkv = c.num_kv_heads, hd = c.head_dim;
    const int qdim = nq * hd, half = hd / 2, max_len = e->opt.max_cache_len, dim_chunks = dim / lb::Vec16<W>::N;
    const float eps = c.rms_norm_eps, scale = 1.f / std::sqrt(static_cast<float>(hd));
    const size_t attn_smem = lb::attn_decode_smem(1, hd, e->splits);
    const PipePlan<W> pipe(e);
    TRY(launch(e, "embed_token", false, lb::embed_token_kernel<W>, dim3(1), dim3(256), 0, as<W>(e->embed), e->d_in, e->x, dim, e->d_out));
    for (int l = 0; l < c.num_layers; ++l) {
        const Layer &w = e->layers[l];
        KV *kc = layer_cache<KV>(e, e->k_cache, l), *vc = layer_cache<KV>(e, e->v_cache, l);
        if (const int u = lane_loads(dim_chunks))
            TRY(with_lane_loads(u, [&](auto uc) {
                auto *k = lb::qkv_rope_lane_kernel<W, decltype(uc)::value, KV>;
                return launch(e, "qkv_rope", true, k, grid_blocks(e, k, (static_cast<long>(nq + 2 * nkv) * half + 3) / 4, 256, 0), dim3(256), 0,
                              e->x, as<W>(w.input_norm), eps, as<W>(w.wqkv), as<W>(w.bqkv), e->d_in, e->rope_cos, e->rope_sin,
                              e->q, kc, vc, dim, nq, nkv, hd, max_len);
            }));
        else TRY(with_loads(dim_chunks, [&](auto u) {
            auto *k = lb::qkv_rope_kernel<W, decltype(u)::value, KV>;
            return launch(e, "qkv_rope", true, k, grid_for(e, k, static_cast<long>(nq + 2 * nkv) * half, 8, norm_smem(e)), dim3(256),
                          norm_smem(e), e->x, as<W>(w.input_norm), eps, as<W>(w.wqkv), as<W>(w.bqkv), e->d_in, e->rope_cos,
                          e->rope_sin, e->q, kc, vc, dim, nq, nkv, hd, max_len);
        }));
        TRY(attn_decode<KV>(e, attn_smem, kc, vc, scale));
        TRY(gemv_residual<W>(e, "o_proj", w.wo, as<float>(e->attn), dim, qdim));
        if (pipe.u_gate_up) TRY(pipe_gate_up<W>(e, pipe.u_gate_up, w));
        else if (const int u = lane_loads(dim_chunks))
            TRY(with_lane_loads(u, [&](auto uc) {
                auto *k = lb::gate_up_lane_kernel<W, decltype(uc)::value>;
                return launch(e, "gate_up", true, k, balanced_grid(e, k, ffn, 0), dim3(256), 0, e->x, as<W>(w.post_norm), eps,
                              as<W>(w.wgu), as<float>(e->h), dim, ffn);
            }));
        else TRY(with_loads(dim_chunks, [&](auto u) {
            auto *k = lb::gate_up_kernel<W, decltype(u)::value>;
            return launch(e, "gate_up", true, k, grid_for(e, k, ffn, 8, norm_smem(e)), dim3(256), norm_smem(e), e->x,
                          as<W>(w.post_norm), eps, as<W>(w.wgu), as<float>(e->h), dim, ffn);
        }));
        if (pipe.u_down) TRY(pipe_down<W>(e, pipe.u_down, w));
        else TRY(gemv_residual<W>(e, "down_proj", w.wdown, as<float>(e->h), dim, ffn));
    }
    return lm_head<W>(e, true, e->x);
}

template <typename W>
int enqueue_decode(lb_engine *e) {
    return with_kv_type(e, [&](auto kv) { return enqueue_decode_kv<W, decltype(kv)>(e); });
}

/** One decode step: the token in, the kernels between the two timing events, the result out. */
template <typename W>
int enqueue_step(lb_engine *e) {
    CUDA_TRY(cudaMemcpyAsync(e->d_in, e->h_in, sizeof(lb::StepIn), cudaMemcpyHostToDevice, e->stream));
    // inside a captured graph the events become nodes of their own (External), outside it plain records
    const unsigned flags = e->capturing ? cudaEventRecordExternal : cudaEventRecordDefault;
    CUDA_TRY(cudaEventRecordWithFlags(e->ev_start, e->stream, flags));
    TRY(enqueue_decode<W>(e));
    CUDA_TRY(cudaEventRecordWithFlags(e->ev_end, e->stream, flags));
    CUDA_TRY(cudaMemcpyAsync(e->h_out, e->d_out, sizeof(lb::StepOut), cudaMemcpyDeviceToHost, e->stream));
    return LB_OK;
}

/** Captures what `enqueue` puts on the stream as a graph and instantiates it; `kernels` gets its kernel count. */
template <typename F>
int capture(lb_engine *e, F &&enqueue, cudaGraph_t *graph_out, cudaGraphExec_t *exec_out, int *kernels) {
    CUDA_TRY(cudaStreamBeginCapture(e->stream, cudaStreamCaptureModeThreadLocal));
    e->launches = 0;
    e->capturing = true;
    int rc = enqueue();
    e->capturing = false;
    cudaGraph_t graph = nullptr;
    cudaError_t end = cudaStreamEndCapture(e->stream, &graph);
    if (rc != LB_OK) {
        if (graph) cudaGraphDestroy(graph);
        return rc;
    }
    CUDA_TRY(end);
    cudaGraphExec_t exec = nullptr;
    cudaError_t inst = cudaGraphInstantiate(&exec, graph, 0);
    if (inst != cudaSuccess) {
        cudaGraphDestroy(graph);
        CUDA_TRY(inst);
    }
    *graph_out = graph;
    *exec_out = exec;
    *kernels = e->launches;
    return LB_OK;
}

/** Points the engine's step buffers (d_in ... ev_end) at decode slot k. */
void use_slot(lb_engine *e, int k) {
    const lb_engine::DecodeSlot &s = e->slots[k];
    e->d_in = s.d_in, e->h_in = s.h_in, e->h_out = s.h_out, e->logits = s.logits;
    e->ev_start = s.ev_start, e->ev_end = s.ev_end;
    e->slot = k;
}

/**
 * The decode attention's shapes a step can take: the long-context one too where the warp kernel runs and the cache
 * reaches long_from, and the grouped one where the heads suit it and the cache reaches grouped_from.
 */
int attn_shapes(const lb_engine *e) {
    if (!e->attn_warp || e->opt.max_cache_len <= e->long_from) return 1;
    return e->attn_group && e->opt.max_cache_len > e->grouped_from ? 3 : 2;
}

/** The decode attention's shape for a step at `pos`: an index below attn_shapes. */
int attn_shape(const lb_engine *e, int pos) {
    return std::min(attn_shapes(e) - 1, pos >= e->grouped_from ? 2 : pos >= e->long_from ? 1 : 0);
}

/** Sets the decode attention's shape for the step that is enqueued next. */
void set_attn_shape(lb_engine *e, int shape) {
    e->attn_long = shape >= 1;
    e->attn_grouped = shape == 2;
}

/** The captured decode step of slot k for a step at `pos`. */
cudaGraphExec_t step_graph(const lb_engine *e, int k, int pos) { return e->slots[k].exec[attn_shape(e, pos)]; }

/**
 * Captures the decode step for each slot in use (two with decode_ahead), each over its own step buffers, and for each
 * of attn_shapes: steps below long_from, from it on, and from grouped_from on.
 */
template <typename W>
int capture_decode(lb_engine *e) {
    for (int k = 0; k < (e->ahead ? 2 : 1); ++k) {
        use_slot(e, k);
        lb_engine::DecodeSlot &s = e->slots[k];
        for (int v = 0; v < attn_shapes(e); ++v) {
            set_attn_shape(e, v);
            TRY(capture(e, [&] { return enqueue_step<W>(e); }, &s.graph[v], &s.exec[v], &e->decode_kernels));
            CUDA_TRY(cudaGraphUpload(s.exec[v], e->stream));
        }
    }
    use_slot(e, 0);
    return LB_OK;
}

// ---- prefill -------------------------------------------------------------------------------------------------
#ifdef LLB_HAVE_CUBLAS
template <typename T> cudaDataType_t cuda_type();
template <> cudaDataType_t cuda_type<float>() { return CUDA_R_32F; }
template <> cudaDataType_t cuda_type<__nv_bfloat16>() { return CUDA_R_16BF; }
template <> cudaDataType_t cuda_type<__half>() { return CUDA_R_16F; }
#endif

/** c (T, N) f32 = beta c + a (T, K) . w (N, K)^T, a in the GEMM input type A. */
template <typename W, typename A>
int gemm(lb_engine *e, const char *label, const void *a, const void *w, float *c, int T, int N, int K, float beta) {
#ifdef LLB_HAVE_CUBLAS
    if (e->gemm_tc || std::is_same<W, float>::value) {
        if constexpr (std::is_same<A, W>::value) {
            const float alpha = 1.f;
            const cublasComputeType_t compute = std::is_same<W, float>::value ? CUBLAS_COMPUTE_32F_PEDANTIC : CUBLAS_COMPUTE_32F;
            profile_begin(e);
            cublasStatus_t st = cublasGemmEx(e->blas, CUBLAS_OP_T, CUBLAS_OP_N, N, T, K, &alpha, w, cuda_type<W>(), K, a,
                                             cuda_type<A>(), K, &beta, c, CUDA_R_32F, N, compute, CUBLAS_GEMM_DEFAULT);
            profile_end(e, label);
            if (st != CUBLAS_STATUS_SUCCESS)
                return fail(LB_E_INTERNAL, "cublasGemmEx (%d x %d x %d) failed with status %d", T, N, K, static_cast<int>(st));
            e->launches++; // counted as one kernel
            return LB_OK;
        }
    }
#endif
    if constexpr (std::is_same<A, float>::value) {
        const dim3 grid((N + lb::kGemmTile - 1) / lb::kGemmTile, (T + lb::kGemmTile - 1) / lb::kGemmTile);
        return launch(e, label, false, lb::gemm_f32_kernel<W>, grid, dim3(256), 0, as<float>(a), as<W>(w), c, T, N, K, beta);
    } else {
        return fail(LB_E_INTERNAL, "GEMM input type does not match the weights and cuBLAS is not built in");
    }
}

template <typename A>
int attn_prefill(lb_engine *e, float *kc, float *vc, int T, int p0) {
    const lb_model_config &c = e->cfg;
    const dim3 grid((T + lb::kPrefillQ - 1) / lb::kPrefillQ, c.num_heads), block(lb::kPrefillWarps * lb::kWarp);
    const float scale = 1.f / std::sqrt(static_cast<float>(c.head_dim));
    A *out = as<A>(e->attn);
    switch (c.head_dim) {
    case 16: return launch(e, "attn_prefill", false, lb::attn_prefill_kernel<16, A>, grid, block, e->attn_prefill_smem, e->q, kc, vc, out, T, p0, c.num_heads, c.num_kv_heads, e->opt.max_cache_len, scale);
    case 32: return launch(e, "attn_prefill", false, lb::attn_prefill_kernel<32, A>, grid, block, e->attn_prefill_smem, e->q, kc, vc, out, T, p0, c.num_heads, c.num_kv_heads, e->opt.max_cache_len, scale);
    case 64: return launch(e, "attn_prefill", false, lb::attn_prefill_kernel<64, A>, grid, block, e->attn_prefill_smem, e->q, kc, vc, out, T, p0, c.num_heads, c.num_kv_heads, e->opt.max_cache_len, scale);
    case 128: return launch(e, "attn_prefill", false, lb::attn_prefill_kernel<128, A>, grid, block, e->attn_prefill_smem, e->q, kc, vc, out, T, p0, c.num_heads, c.num_kv_heads, e->opt.max_cache_len, scale);
    case 256: return launch(e, "attn_prefill", false, lb::attn_prefill_kernel<256, A>, grid, block, e->attn_prefill_smem, e->q, kc, vc, out, T, p0, c.num_heads, c.num_kv_heads, e->opt.max_cache_len, scale);
    default: return fail(LB_E_INVALID, "head_dim %d is not supported (16, 32, 64, 128 or 256)", c.head_dim);
    }
}

#ifdef LLB_HAVE_CUBLAS
/**
 * Prefill attention on cuBLAS: per KV head j, scores S_j (group*T, L) = q_j . K_j^T for the group of query heads
 * that share it (one strided batch over the KV heads), a causal softmax over each row, then per query head
 * O_h (T, hd) = P_h . V_j, written straight into the (T, heads*hd) layout o_proj reads. TF32 tensor cores in the
 * tensor-core mode of bf16/f16 models, exact f32 otherwise. L = p0 + T cache positions.
 */
template <typename A>
int attn_prefill_blas(lb_engine *e, const float *kc, const float *vc, int T, int p0) {
    const lb_model_config &c = e->cfg;
    const int nq = c.num_heads, nkv = c.num_kv_heads, hd = c.head_dim, G = nq / nkv, L = p0 + T;
    const long long max_len = e->opt.max_cache_len;
    const float scale = 1.f / std::sqrt(static_cast<float>(hd)), one = 1.f, zero = 0.f;
    const cublasComputeType_t compute =
        e->gemm_tc && e->dtype != LB_F32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F_PEDANTIC;
    const size_t n = static_cast<size_t>(T) * nq * hd;
    float *out = std::is_same<A, float>::value ? as<float>(e->attn) : e->attn_f32;
    TRY(launch(e, "q_head_major", false, lb::q_head_major_kernel, dim3(static_cast<unsigned>(std::min<size_t>(4096, (n + 255) / 256))),
               dim3(256), 0, e->q, e->qh, T, nq, hd, scale));
    profile_begin(e);
    cublasStatus_t st = cublasGemmStridedBatchedEx(
        e->blas, CUBLAS_OP_T, CUBLAS_OP_N, L, G * T, hd, &one, kc, CUDA_R_32F, hd, max_len * hd, e->qh, CUDA_R_32F, hd,
        static_cast<long long>(G) * T * hd, &zero, e->scores, CUDA_R_32F, L, static_cast<long long>(G) * T * L, nkv, compute,
        CUBLAS_GEMM_DEFAULT);
    profile_end(e, "attn_scores_gemm");
    if (st != CUBLAS_STATUS_SUCCESS) return fail(LB_E_INTERNAL, "cublasGemmStridedBatchedEx (scores) failed with status %d", static_cast<int>(st));
    e->launches++;
    TRY(launch(e, "softmax_causal", false, lb::softmax_causal_kernel, dim3(T, nq), dim3(256), 0, e->scores, T, L, p0));
    for (int j = 0; j < nkv; ++j) {
        profile_begin(e);
        st = cublasGemmStridedBatchedEx(e->blas, CUBLAS_OP_N, CUBLAS_OP_N, hd, T, L, &one, vc + j * max_len * hd, CUDA_R_32F, hd,
                                        0, e->scores + static_cast<size_t>(j) * G * T * L, CUDA_R_32F, L,
                                        static_cast<long long>(T) * L, &zero, out + static_cast<size_t>(j) * G * hd, CUDA_R_32F,
                                        nq * hd, hd, G, compute, CUBLAS_GEMM_DEFAULT);
        profile_end(e, "attn_out_gemm");
        if (st != CUBLAS_STATUS_SUCCESS) return fail(LB_E_INTERNAL, "cublasGemmStridedBatchedEx (output) failed with status %d", static_cast<int>(st));
        e->launches++;
    }
    if constexpr (!std::is_same<A, float>::value)
        TRY(launch(e, "convert", false, lb::convert_kernel<A>, dim3(static_cast<unsigned>(std::min<size_t>(4096, (n + 255) / 256))),
                   dim3(256), 0, e->attn_f32, as<A>(e->attn), n));
    return LB_OK;
}
#endif

/** Raises the dynamic shared-memory limit of the prefill attention kernel (over 48 KB at head_dim 128). */
template <typename A>
int prepare_attn_prefill(lb_engine *e) {
    e->attn_prefill_smem = lb::attn_prefill_smem(e->cfg.head_dim);
    const int bytes = static_cast<int>(e->attn_prefill_smem);
    switch (e->cfg.head_dim) {
    case 16: CUDA_TRY(cudaFuncSetAttribute(lb::attn_prefill_kernel<16, A>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 32: CUDA_TRY(cudaFuncSetAttribute(lb::attn_prefill_kernel<32, A>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 64: CUDA_TRY(cudaFuncSetAttribute(lb::attn_prefill_kernel<64, A>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 128: CUDA_TRY(cudaFuncSetAttribute(lb::attn_prefill_kernel<128, A>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 256: CUDA_TRY(cudaFuncSetAttribute(lb::attn_prefill_kernel<256, A>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    default: return fail(LB_E_INVALID, "head_dim %d is not supported (16, 32, 64, 128 or 256)", e->cfg.head_dim);
    }
    return LB_OK;
}

/** Tokens [p0, p0 + T) of the prompt (ids already on the device); the LM head on the last one when `last`. */
template <typename W, typename A>
int enqueue_prefill_chunk(lb_engine *e, int T, int p0, bool last) {
    const lb_model_config &c = e->cfg;
    const int dim = c.hidden_size, ffn = c.intermediate_size, nq = c.num_heads, nkv = c.num_kv_heads, hd = c.head_dim;
    const int qdim = nq * hd, rows_qkv = (nq + 2 * nkv) * hd, max_len = e->opt.max_cache_len;
    const float eps = c.rms_norm_eps;
    TRY(launch(e, "embed_rows", false, lb::embed_rows_kernel<W>, dim3(T), dim3(256), 0, as<W>(e->embed), e->d_ids + p0, e->x, dim, e->d_out));
    for (int l = 0; l < c.num_layers; ++l) {
        const Layer &w = e->layers[l];
        TRY(launch(e, "rmsnorm_rows", false, lb::rmsnorm_rows_kernel<W, A>, dim3(T), dim3(256), 0, e->x, as<W>(w.input_norm), eps, as<A>(e->xn), dim));
        TRY((gemm<W, A>(e, "qkv_gemm", e->xn, w.wqkv, e->qkv, T, rows_qkv, dim, 0.f)));
        float *kc = e->k_f32, *vc = e->v_f32;
        if (e->kv_bf16) {
            __nv_bfloat16 *kb = layer_cache<__nv_bfloat16>(e, e->k_cache, l), *vb = layer_cache<__nv_bfloat16>(e, e->v_cache, l);
            // the prefill attention reads the layer's cache widened to f32: the chunk's rows as rounded to bf16, which
            // bias_rope_cache writes into the copy itself, and the rows before the chunk
            TRY(launch(e, "bias_rope_cache", false, lb::bias_rope_cache_kernel<W, __nv_bfloat16>, dim3(T), dim3(256), 0, e->qkv,
                       as<W>(w.bqkv), e->rope_cos, e->rope_sin, e->q, kb, vb, e->k_f32, e->v_f32, p0, nq, nkv, hd, max_len));
            if (p0 > 0) {
                const size_t n = static_cast<size_t>(nkv) * p0 * hd;
                TRY(launch(e, "cache_to_f32", false, lb::cache_to_f32_kernel, dim3(static_cast<unsigned>(std::min<size_t>(1024, (n + 255) / 256)), 2),
                           dim3(256), 0, kb, vb, e->k_f32, e->v_f32, nkv, p0, hd, max_len));
            }
        } else {
            kc = layer_cache<float>(e, e->k_cache, l), vc = layer_cache<float>(e, e->v_cache, l);
            TRY(launch(e, "bias_rope_cache", false, lb::bias_rope_cache_kernel<W, float>, dim3(T), dim3(256), 0, e->qkv,
                       as<W>(w.bqkv), e->rope_cos, e->rope_sin, e->q, kc, vc, static_cast<float *>(nullptr),
                       static_cast<float *>(nullptr), p0, nq, nkv, hd, max_len));
        }
#ifdef LLB_HAVE_CUBLAS
        if (e->blas) TRY(attn_prefill_blas<A>(e, kc, vc, T, p0));
        else
#endif
            TRY(attn_prefill<A>(e, kc, vc, T, p0));
        TRY((gemm<W, A>(e, "o_gemm", e->attn, w.wo, e->x, T, dim, qdim, 1.f)));
        TRY(launch(e, "rmsnorm_rows", false, lb::rmsnorm_rows_kernel<W, A>, dim3(T), dim3(256), 0, e->x, as<W>(w.post_norm), eps, as<A>(e->xn), dim));
        TRY((gemm<W, A>(e, "gate_up_gemm", e->xn, w.wgu, e->gu, T, 2 * ffn, dim, 0.f)));
        const long n = static_cast<long>(T) * ffn;
        TRY(launch(e, "silu_mul", false, lb::silu_mul_kernel<A>, dim3(static_cast<unsigned>((n + 255) / 256 < 4096 ? (n + 255) / 256 : 4096)),
                   dim3(256), 0, e->gu, as<A>(e->h), T, ffn));
        TRY((gemm<W, A>(e, "down_gemm", e->h, w.wdown, e->x, T, dim, ffn, 1.f)));
    }
    if (!last) return LB_OK;
    return lm_head<W>(e, false, e->x + static_cast<size_t>(T - 1) * dim);
}

template <typename W, typename A>
int enqueue_prefill(lb_engine *e, int n) {
    for (int p0 = 0; p0 < n; p0 += e->chunk) {
        const int T = n - p0 < e->chunk ? n - p0 : e->chunk;
        TRY((enqueue_prefill_chunk<W, A>(e, T, p0, p0 + T == n)));
    }
    return LB_OK;
}

// ---- type dispatch -----------------------------------------------------------------------------------------
template <typename F>
int with_weight_type(lb_dtype d, F &&f) {
    switch (d) {
    case LB_BF16: return f(__nv_bfloat16());
    case LB_F16: return f(__half());
    default: return f(float());
    }
}

int decode_capture(lb_engine *e) {
    return with_weight_type(e->dtype, [&](auto w) { return capture_decode<decltype(w)>(e); });
}

int decode_eager(lb_engine *e) {
    return with_weight_type(e->dtype, [&](auto w) { return enqueue_step<decltype(w)>(e); });
}

int prefill_all(lb_engine *e, int n) {
    return with_weight_type(e->dtype, [&](auto w) {
        using W = decltype(w);
        if (e->gemm_tc) return enqueue_prefill<W, W>(e, n);
        return enqueue_prefill<W, float>(e, n);
    });
}

/** Raises the dynamic shared-memory limit of the decode attention kernel where its score rows need it (long caches, many query heads per KV head). */
template <typename KV>
int prepare_attn_decode_kv(lb_engine *e) {
    const int bytes = static_cast<int>(lb::attn_decode_smem(1, e->cfg.head_dim, e->splits));
    switch (e->cfg.head_dim) {
    case 16: CUDA_TRY(cudaFuncSetAttribute(lb::attn_decode_kernel<16, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 32: CUDA_TRY(cudaFuncSetAttribute(lb::attn_decode_kernel<32, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 64: CUDA_TRY(cudaFuncSetAttribute(lb::attn_decode_kernel<64, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 128: CUDA_TRY(cudaFuncSetAttribute(lb::attn_decode_kernel<128, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    case 256: CUDA_TRY(cudaFuncSetAttribute(lb::attn_decode_kernel<256, KV>, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes)); break;
    default: return fail(LB_E_INVALID, "head_dim %d is not supported (16, 32, 64, 128 or 256)", e->cfg.head_dim);
    }
    return LB_OK;
}

int prepare_attn_decode(lb_engine *e) {
    return with_kv_type(e, [&](auto kv) { return prepare_attn_decode_kv<decltype(kv)>(e); });
}

int prepare_prefill(lb_engine *e) {
    return with_weight_type(e->dtype, [&](auto w) {
        using W = decltype(w);
        if (e->gemm_tc) return prepare_attn_prefill<W>(e);
        return prepare_attn_prefill<float>(e);
    });
}

// ---- loading -------------------------------------------------------------------------------------------------
int check_config(const lb_model_config *c, const lb_options *o) {
    if (c->vocab_size <= 0 || c->hidden_size <= 0 || c->intermediate_size <= 0 || c->num_layers <= 0 ||
        c->num_heads <= 0 || c->num_kv_heads <= 0 || c->head_dim <= 0)
        return fail(LB_E_INVALID, "model config has a size <= 0");
    if (c->num_heads % c->num_kv_heads != 0 || c->num_heads / c->num_kv_heads > lb::kMaxGroup)
        return fail(LB_E_INVALID, "num_attention_heads / num_key_value_heads must be a whole number up to %d, got %d / %d",
                    lb::kMaxGroup, c->num_heads, c->num_kv_heads);
    if (c->head_dim != 16 && c->head_dim != 32 && c->head_dim != 64 && c->head_dim != 128 && c->head_dim != 256)
        return fail(LB_E_INVALID, "head_dim %d is not supported by the CUDA engine (16, 32, 64, 128 or 256)", c->head_dim);
    if (o->prefill_seq_len <= 0 || o->max_cache_len <= 0)
        return fail(LB_E_INVALID, "prefill_seq_len and max_cache_len must be > 0");
    if (o->kv_cache_dtype != LB_F32 && o->kv_cache_dtype != LB_BF16)
        return fail(LB_E_INVALID, "kv_cache_dtype %d is not supported by the CUDA engine (f32 or bf16)", o->kv_cache_dtype);
    return LB_OK;
}

/** Byte offsets of every checkpoint tensor in the device weight block, by name. */
size_t plan_layout(const lb_model_config &c, int wb, std::unordered_map<std::string, Slot> &slots,
                   std::vector<size_t> &layer_base) {
    const int64_t dim = c.hidden_size, ffn = c.intermediate_size, q = int64_t(c.num_heads) * c.head_dim,
                  kv = int64_t(c.num_kv_heads) * c.head_dim;
    size_t off = 0;
    auto region = [&](int64_t elems) {
        size_t at = off;
        off += align256(static_cast<size_t>(elems) * wb);
        return at;
    };
    for (int l = 0; l < c.num_layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        const size_t norm = region(dim), wqkv = region((q + 2 * kv) * dim), bqkv = region(q + 2 * kv),
                     wo = region(dim * q), post = region(dim), wgu = region(2 * ffn * dim), wdown = region(dim * ffn);
        layer_base.insert(layer_base.end(), {norm, wqkv, bqkv, wo, post, wgu, wdown});
        slots[p + "input_layernorm.weight"] = {norm, dim, 0};
        slots[p + "self_attn.q_proj.weight"] = {wqkv, q, dim};
        slots[p + "self_attn.k_proj.weight"] = {wqkv + size_t(q * dim) * wb, kv, dim};
        slots[p + "self_attn.v_proj.weight"] = {wqkv + size_t((q + kv) * dim) * wb, kv, dim};
        slots[p + "self_attn.q_proj.bias"] = {bqkv, q, 0};
        slots[p + "self_attn.k_proj.bias"] = {bqkv + size_t(q) * wb, kv, 0};
        slots[p + "self_attn.v_proj.bias"] = {bqkv + size_t(q + kv) * wb, kv, 0};
        slots[p + "self_attn.o_proj.weight"] = {wo, dim, q};
        slots[p + "post_attention_layernorm.weight"] = {post, dim, 0};
        slots[p + "mlp.gate_proj.weight"] = {wgu, ffn, dim};
        slots[p + "mlp.up_proj.weight"] = {wgu + size_t(ffn * dim) * wb, ffn, dim};
        slots[p + "mlp.down_proj.weight"] = {wdown, dim, ffn};
    }
    slots["model.embed_tokens.weight"] = {region(int64_t(c.vocab_size) * dim), c.vocab_size, dim};
    slots["model.norm.weight"] = {region(dim), dim, 0};
    if (!c.tie_word_embeddings) slots["lm_head.weight"] = {region(int64_t(c.vocab_size) * dim), c.vocab_size, dim};
    return off;
}

int load_weights(lb_engine *e, const lb_tensor *tensors, int32_t count) {
    const lb_model_config &c = e->cfg;
    if (count <= 0 || tensors == nullptr) return fail(LB_E_INVALID, "no tensors given");
    e->dtype = tensors[0].dtype;
    const int wb = dtype_bytes(e->dtype);
    if ((int64_t(c.hidden_size) * wb) % 16 || (int64_t(c.intermediate_size) * wb) % 16 ||
        (int64_t(c.num_heads) * c.head_dim * wb) % 16)
        return fail(LB_E_INVALID, "hidden_size, intermediate_size and heads*head_dim must make rows of a multiple of 16 bytes");
    std::unordered_map<std::string, Slot> slots;
    std::vector<size_t> base;
    e->weight_bytes = plan_layout(c, wb, slots, base);
    CUDA_TRY(cudaMalloc(&e->weights, e->weight_bytes));
    std::unordered_map<std::string, bool> seen;
    for (int32_t i = 0; i < count; ++i) {
        const lb_tensor &t = tensors[i];
        const std::string name = t.name ? t.name : "";
        auto it = slots.find(name);
        if (it == slots.end()) return fail(LB_E_INVALID, "tensor %s is not part of a Qwen2 checkpoint of this config", name.c_str());
        if (t.dtype != e->dtype)
            return fail(LB_E_INVALID, "tensor %s is %s but the model is %s; the CUDA engine needs one dtype for every tensor",
                        name.c_str(), dtype_name(t.dtype), dtype_name(e->dtype));
        const Slot &s = it->second;
        const bool vec = s.cols == 0;
        if (t.rank != (vec ? 1 : 2) || t.shape[0] != s.rows || (!vec && t.shape[1] != s.cols))
            return fail(LB_E_INVALID, "tensor %s has the wrong shape for this config", name.c_str());
        const size_t bytes = static_cast<size_t>(s.rows) * (vec ? 1 : s.cols) * wb;
        char *dst = e->weights + s.offset;
        if (t.data != nullptr) {
            if (t.bytes != bytes) return fail(LB_E_INVALID, "tensor %s holds %zu bytes, expected %zu", name.c_str(), t.bytes, bytes);
            CUDA_TRY(cudaMemcpyAsync(dst, t.data, bytes, cudaMemcpyHostToDevice, e->stream));
        } else {
            if (t.dtype != LB_BF16) return fail(LB_E_INVALID, "synthetic tensor %s must be bf16", name.c_str());
            const uint64_t n = bytes / 2;
            const unsigned blocks = static_cast<unsigned>((n / 4 + 255) / 256 < 65535 ? (n / 4 + 255) / 256 + 1 : 65535);
            lb::synthetic_fill_kernel<<<blocks, 256, 0, e->stream>>>(reinterpret_cast<uint16_t *>(dst), n, t.synth_base,
                                                                    t.synth_center, t.synth_scale);
            CUDA_TRY(cudaGetLastError());
        }
        seen[name] = true;
    }
    for (const auto &kv : slots)
        if (!seen.count(kv.first)) return fail(LB_E_INVALID, "tensor %s is missing", kv.first.c_str());
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    for (int l = 0; l < c.num_layers; ++l) {
        const size_t *b = &base[static_cast<size_t>(l) * 7];
        e->layers.push_back({e->weights + b[0], e->weights + b[1], e->weights + b[2], e->weights + b[3],
                             e->weights + b[4], e->weights + b[5], e->weights + b[6]});
    }
    e->embed = e->weights + slots["model.embed_tokens.weight"].offset;
    e->final_norm = e->weights + slots["model.norm.weight"].offset;
    e->lm_head = c.tie_word_embeddings ? e->embed : e->weights + slots["lm_head.weight"].offset;
    return LB_OK;
}

template <typename T>
int device_alloc(T **p, size_t elems) {
    CUDA_TRY(cudaMalloc(reinterpret_cast<void **>(p), elems * sizeof(T)));
    CUDA_TRY(cudaMemset(*p, 0, elems * sizeof(T)));
    return LB_OK;
}

int alloc_buffers(lb_engine *e) {
    const lb_model_config &c = e->cfg;
    const size_t dim = c.hidden_size, ffn = c.intermediate_size, hd = c.head_dim, nkv = c.num_kv_heads;
    const size_t q = size_t(c.num_heads) * hd, kv = nkv * hd, max_len = e->opt.max_cache_len;
    const size_t chunk = e->chunk = e->opt.prefill_seq_len < e->opt.max_cache_len ? e->opt.prefill_seq_len : e->opt.max_cache_len;
    TRY(device_alloc(&e->x, chunk * dim));
    TRY(device_alloc(reinterpret_cast<float **>(&e->xn), chunk * dim));
    TRY(device_alloc(&e->qkv, chunk * (q + 2 * kv)));
    TRY(device_alloc(&e->q, chunk * q));
    TRY(device_alloc(reinterpret_cast<float **>(&e->attn), chunk * q));
    TRY(device_alloc(&e->gu, chunk * 2 * ffn));
    TRY(device_alloc(reinterpret_cast<float **>(&e->h), chunk * ffn));
    const size_t cache_elems = size_t(c.num_layers) * kv * max_len;
    if (e->kv_bf16) {
        TRY(device_alloc(reinterpret_cast<__nv_bfloat16 **>(&e->k_cache), cache_elems));
        TRY(device_alloc(reinterpret_cast<__nv_bfloat16 **>(&e->v_cache), cache_elems));
        TRY(device_alloc(&e->k_f32, kv * max_len));
        TRY(device_alloc(&e->v_f32, kv * max_len));
    } else {
        TRY(device_alloc(reinterpret_cast<float **>(&e->k_cache), cache_elems));
        TRY(device_alloc(reinterpret_cast<float **>(&e->v_cache), cache_elems));
    }
    e->splits = static_cast<int>((max_len + lb::kAttnSplit - 1) / lb::kAttnSplit);
    // after the splits' partials and the heads' counters: attn_decode_group_kernel's runs of kQuickCombine splits
    const size_t runs = (e->splits + lb::kQuickCombine - 1) / lb::kQuickCombine;
    TRY(device_alloc(&e->part_o, q * (e->splits + runs)));
    TRY(device_alloc(&e->part_ml, size_t(c.num_heads) * (e->splits + runs) * 2));
    TRY(device_alloc(&e->counters, c.num_heads + c.num_heads * runs));
    TRY(device_alloc(&e->d_ids, max_len));
    TRY(device_alloc(&e->d_out, 1));
    CUDA_TRY(cudaMallocHost(&e->h_ids, max_len * sizeof(int32_t)));
    for (int k = 0; k < (e->ahead ? 2 : 1); ++k) {
        lb_engine::DecodeSlot &s = e->slots[k];
        TRY(device_alloc(&s.logits, size_t(c.vocab_size)));
        TRY(device_alloc(&s.d_in, 1));
        CUDA_TRY(cudaMallocHost(&s.h_in, sizeof(lb::StepIn)));
        CUDA_TRY(cudaMallocHost(&s.h_out, sizeof(lb::StepOut)));
        std::memset(s.h_out, 0, sizeof(lb::StepOut));
        CUDA_TRY(cudaEventCreate(&s.ev_start));
        CUDA_TRY(cudaEventCreate(&s.ev_end));
        CUDA_TRY(cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming));
    }
    use_slot(e, 0);
    // RoPE tables in f32 as Hugging Face makes them: inv_freq = 1 / theta^(2i/d), angle = pos * inv_freq
    const size_t half = hd / 2;
    std::vector<float> cs(max_len * half), sn(max_len * half);
    for (size_t i = 0; i < half; ++i) {
        const float inv = static_cast<float>(1.0 / std::pow(static_cast<double>(c.rope_theta),
                                                            static_cast<double>(static_cast<float>(2 * i) / static_cast<float>(hd))));
        for (size_t p = 0; p < max_len; ++p) {
            const float angle = static_cast<float>(p) * inv;
            cs[p * half + i] = static_cast<float>(std::cos(static_cast<double>(angle)));
            sn[p * half + i] = static_cast<float>(std::sin(static_cast<double>(angle)));
        }
    }
    TRY(device_alloc(&e->rope_cos, cs.size()));
    TRY(device_alloc(&e->rope_sin, sn.size()));
    CUDA_TRY(cudaMemcpy(e->rope_cos, cs.data(), cs.size() * sizeof(float), cudaMemcpyHostToDevice));
    CUDA_TRY(cudaMemcpy(e->rope_sin, sn.data(), sn.size() * sizeof(float), cudaMemcpyHostToDevice));
    return LB_OK;
}

int init_gemm(lb_engine *e) {
#ifdef LLB_HAVE_CUBLAS
    if (cublasCreate(&e->blas) != CUBLAS_STATUS_SUCCESS) return fail(LB_E_UNAVAILABLE, "cublasCreate failed");
    const size_t ws = size_t(32) << 20; // fixed workspace: no allocation inside a timed call
    CUDA_TRY(cudaMalloc(&e->blas_ws, ws));
    if (cublasSetStream(e->blas, e->stream) != CUBLAS_STATUS_SUCCESS || cublasSetWorkspace(e->blas, e->blas_ws, ws) != CUBLAS_STATUS_SUCCESS)
        return fail(LB_E_INTERNAL, "cublasSetStream/cublasSetWorkspace failed");
    e->gemm_tc = e->opt.prefill_gemm == 0;
    const size_t q = size_t(e->cfg.num_heads) * e->cfg.head_dim;
    TRY(device_alloc(&e->qh, size_t(e->chunk) * q));
    TRY(device_alloc(&e->scores, size_t(e->cfg.num_heads) * e->chunk * e->opt.max_cache_len));
    TRY(device_alloc(&e->attn_f32, size_t(e->chunk) * q));
#else
    e->gemm_tc = false;
#endif
    return LB_OK;
}

void describe(lb_engine *e) {
    cudaDeviceProp p{};
    cudaGetDeviceProperties(&p, e->device);
    int drv = 0, rt = 0;
    cudaDriverGetVersion(&drv);
    cudaRuntimeGetVersion(&rt);
    char buf[2048];
    std::string gemm = "f32 CUDA-core GEMM kernel";
    std::string attention = "f32 flash-style kernel";
#ifdef LLB_HAVE_CUBLAS
    int blas_version = 0;
    cublasGetVersion(e->blas, &blas_version);
    if (e->gemm_tc || e->dtype == LB_F32)
        gemm = std::string("cuBLAS ") + std::to_string(blas_version) + " GemmEx, " + dtype_name(e->dtype) + " inputs, f32 accumulate";
    attention = e->gemm_tc && e->dtype != LB_F32 ? "cuBLAS batched GEMMs (TF32) + causal softmax kernel"
                                                 : "cuBLAS batched GEMMs (f32) + causal softmax kernel";
#endif
    const std::string attn = e->attn_warp ? "a block per query head and 128 positions: 8 warps of 16 (K and V rows loaded "
                                            "before the wait) below position " + std::to_string(e->long_from) +
                                                ", 4 warps of 32 from there" +
                                                (attn_shapes(e) == 3 ? ", a block per " + std::to_string(e->attn_sub) +
                                                                           " query heads of a KV head from " +
                                                                           std::to_string(e->grouped_from) + ", splits merged in runs of 16"
                                                                     : std::string())
                                          : std::string("a block per query head and 128 positions, a thread a position");
    snprintf(buf, sizeof buf,
             "device=%s\ncompute_capability=%d.%d\nmultiprocessors=%d\ndriver=%d.%d\nruntime=%d.%d\nprefill_gemm=%s\n"
             "decode=%s\nprefill=%s\npdl=%s\nkernel_timer=%s\nkv_cache_dtype=%s\nweights_dtype=%s\ndecode_kernels=%d\nprefill_attention=%s\n"
             "decode_rows=%s\ndecode_ahead=%s\ndecode_attention=%s\n",
             p.name, p.major, p.minor, p.multiProcessorCount, drv / 1000, (drv % 1000) / 10, rt / 1000, (rt % 1000) / 10,
             gemm.c_str(), e->slots[0].exec[0] ? "cuda graph" : "stream launches",
             e->opt.use_graphs ? "cuda graph per prompt length, captured on its first use" : "stream launches",
             e->opt.use_pdl ? "on" : "off",
             e->opt.kernel_timer == 1 ? "CUPTI: time any kernel ran, gaps excluded" : "CUDA events around each call's kernels",
             e->kv_bf16 ? "bf16" : "f32", dtype_name(e->dtype),
             e->decode_kernels, attention.c_str(),
             e->pipe ? "gate/up and down_proj in shared memory where a lane's loads cover a row, 6 rows a warp in flight "
                       "(cp.async); the rest in registers"
                     : "in registers, 2 rows a warp in flight",
             e->ahead ? "on: the next step launched on the device's own greedy token before the call returns"
                      : "off: one step at a time",
             attn.c_str());
    e->description = buf;
}

/** What a finished call leaves for the host: its kernel count for the stats and its greedy token (h_out). */
void take_result(lb_engine *e, int kernels, int32_t *next_token) {
    e->last_count = kernels;
    e->have_stats = true;
    *next_token = lb::argmax_id(e->h_out->argmax_key);
}

int finish_call(lb_engine *e, int32_t *next_token) {
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    if (e->opt.profile) profile_collect(e);
    take_result(e, e->launches, next_token);
    return LB_OK;
}

/** The whole prefill of n prompt tokens (ids already on the device) between the timing events, result out. */
int enqueue_prefill_step(lb_engine *e, int n) {
    const unsigned flags = e->capturing ? cudaEventRecordExternal : cudaEventRecordDefault;
    CUDA_TRY(cudaEventRecordWithFlags(e->ev_start, e->stream, flags));
    TRY(prefill_all(e, n));
    CUDA_TRY(cudaEventRecordWithFlags(e->ev_end, e->stream, flags));
    CUDA_TRY(cudaMemcpyAsync(e->h_out, e->d_out, sizeof(lb::StepOut), cudaMemcpyDeviceToHost, e->stream));
    return LB_OK;
}

/** Captures the prefill of an n-token prompt as a graph, kept for later prompts of that length. */
int capture_prefill(lb_engine *e, int n) {
    if (e->prefill_graphs.size() >= 64) { // bound the memory that graphs of many lengths hold
        for (auto &kv : e->prefill_graphs) cudaGraphExecDestroy(kv.second.exec), cudaGraphDestroy(kv.second.graph);
        e->prefill_graphs.clear();
    }
    lb_engine::PrefillGraph g{};
    TRY(capture(e, [&] { return enqueue_prefill_step(e, n); }, &g.graph, &g.exec, &g.kernels));
    e->prefill_graphs[n] = g;
    return LB_OK;
}

/**
 * Waits out a step launched ahead that will not be used (a new sequence, or the host's token is not the one it
 * ran on); the sticky non-finite flag goes back to the last finished call's, so that step leaves no trace but the
 * KV cache entry at its position, which the step the host asks for rewrites.
 */
int drop_ahead(lb_engine *e) {
    if (e->ahead_slot < 0) return LB_OK;
    e->ahead_slot = -1;
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    CUDA_TRY(cudaMemcpyAsync(&e->d_out->non_finite, &e->h_out->non_finite, sizeof(int32_t), cudaMemcpyHostToDevice, e->stream));
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    return LB_OK;
}

/** Launches the captured step of slot k at `pos` on `token` (below 0: the previous step's greedy token). */
int launch_slot(lb_engine *e, int k, int32_t token, int32_t pos) {
    lb_engine::DecodeSlot &s = e->slots[k];
    s.h_in->token = token;
    s.h_in->pos = pos;
    CUDA_TRY(cudaGraphLaunch(step_graph(e, k, pos), e->stream));
    CUDA_TRY(cudaEventRecord(s.done, e->stream));
    return LB_OK;
}

/**
 * lb_decode with decode_ahead: the step at e->pos is the one launched ahead by the last call when the host passes the
 * token that call returned (the device ran it on that very token), else it is launched now; the step after it is
 * launched on the device's own token before this one is waited for, so the device goes on while the host takes the
 * result. The slot the last call used is free: its step has finished.
 */
int decode_ahead(lb_engine *e, int32_t token, int32_t *next_token) {
    const int pos = e->pos;
    int k = e->slot ^ 1;
    if (!(e->ahead_slot >= 0 && e->ahead_pos == pos && token == e->last_next)) {
        TRY(drop_ahead(e));
        TRY(launch_slot(e, k, token, pos));
    }
    e->ahead_slot = -1;
    if (pos + 1 < e->opt.max_cache_len) {
        TRY(launch_slot(e, k ^ 1, -1, pos + 1));
        e->ahead_slot = k ^ 1;
        e->ahead_pos = pos + 1;
    }
    CUDA_TRY(cudaEventSynchronize(e->slots[k].done));
    use_slot(e, k);
    take_result(e, e->decode_kernels, next_token);
    e->last_next = *next_token;
    e->pos++;
    return LB_OK;
}

} // namespace

extern "C" {

int32_t lb_abi_version(void) { return LB_ABI_VERSION; }

int32_t lb_probe(char *buf, size_t buf_len) {
    auto say = [&](const std::string &s) {
        if (buf && buf_len) snprintf(buf, buf_len, "%s", s.c_str());
    };
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err != cudaSuccess) {
        say(std::string("no usable CUDA driver or device: ") + cudaGetErrorString(err));
        return LB_E_UNAVAILABLE;
    }
    if (n == 0) {
        say("no CUDA device found");
        return LB_E_UNAVAILABLE;
    }
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) {
        say("cannot read the properties of CUDA device 0");
        return LB_E_UNAVAILABLE;
    }
    cudaFuncAttributes attr{};
    if (cudaFuncGetAttributes(&attr, lb::synthetic_fill_kernel) != cudaSuccess) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s (compute %d.%d): the library has no kernels for this GPU; rebuild with CMAKE_CUDA_ARCHITECTURES=%d%d",
                 p.name, p.major, p.minor, p.major, p.minor);
        say(msg);
        return LB_E_UNAVAILABLE;
    }
    int drv = 0;
    cudaDriverGetVersion(&drv);
    char msg[256];
    snprintf(msg, sizeof msg, "%s (compute %d.%d, %.0f GiB, CUDA driver %d.%d)", p.name, p.major, p.minor,
             p.totalGlobalMem / 1073741824.0, drv / 1000, (drv % 1000) / 10);
    say(msg);
    return LB_OK;
}

int32_t lb_open(const lb_model_config *config, const lb_tensor *tensors, int32_t tensor_count, const lb_options *options,
                lb_engine **out, double *compile_ms, double *load_ms) {
    if (!config || !options || !out) return fail(LB_E_INVALID, "lb_open: null argument");
    *out = nullptr;
    TRY(check_config(config, options));
    auto *e = new lb_engine();
    e->cfg = *config;
    e->opt = *options;
    if (e->opt.profile) e->opt.use_graphs = 0, e->opt.use_pdl = 0; // an event pair around every kernel needs eager launches
    e->device = options->device_index;
    auto rc = [&]() -> int {
        CUDA_TRY(cudaSetDevice(e->device));
        cudaSetDeviceFlags(cudaDeviceScheduleSpin); // lowest wake-up latency for the host's per-step wait
        cudaGetLastError();
        CUDA_TRY(cudaFree(nullptr)); // creates the context, so the memory baseline excludes it
        TRY(sample_memory(e));
        e->mem_baseline = e->mem_peak;
        CUDA_TRY(cudaDeviceGetAttribute(&e->sms, cudaDevAttrMultiProcessorCount, e->device));
        e->attn_warp = e->cfg.head_dim == 64 || e->cfg.head_dim == 128;
        {
            const int group = e->cfg.num_heads / e->cfg.num_kv_heads;
            const int splits = (e->opt.max_cache_len + lb::kAttnSplit - 1) / lb::kAttnSplit;
            e->attn_sub = group % 3 == 0 ? 3 : group % 2 == 0 ? 2 : group;
            e->grouped_from = e->attn_sub < group ? kSubGroupContext : kGroupedContext;
            e->attn_group = e->attn_warp && group >= 2 && e->attn_sub <= kMaxGroupKernel &&
                            lb::attn_decode_group_smem(e->cfg.head_dim, kGroupWarps, e->attn_sub, splits) <= 48 * 1024;
        }
        int major = 0;
        CUDA_TRY(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, e->device));
        e->pipe = major >= 8 && e->opt.use_pipe;
        e->kv_bf16 = e->opt.kv_cache_dtype == LB_BF16;
        e->long_from = e->kv_bf16 ? kLongContextBf16 : kLongContext;
        e->ahead = e->opt.decode_ahead && e->opt.use_graphs && e->opt.kernel_timer == 0;
        CUDA_TRY(cudaStreamCreateWithFlags(&e->stream, cudaStreamNonBlocking));
        const double t0 = now_ms();
        TRY(load_weights(e, tensors, tensor_count));
        const double t1 = now_ms();
        TRY(alloc_buffers(e));
        TRY(init_gemm(e));
        TRY(prepare_prefill(e));
        TRY(prepare_attn_decode(e));
        if (e->opt.kernel_timer == 1) {
#ifdef LLB_HAVE_CUPTI
            TRY(cupti_start());
#else
            return fail(LB_E_INVALID, "kernel_timer=cupti: this library was built without CUPTI");
#endif
        }
        if (e->opt.use_graphs) TRY(decode_capture(e));
        CUDA_TRY(cudaDeviceSynchronize());
        const double t2 = now_ms();
        if (load_ms) *load_ms = t1 - t0;
        if (compile_ms) *compile_ms = t2 - t1;
        TRY(sample_memory(e));
        describe(e);
        return LB_OK;
    }();
    if (rc != LB_OK) {
        std::string msg = g_error;
        lb_close(e);
        g_error = msg;
        return rc;
    }
    *out = e;
    return LB_OK;
}

int32_t lb_prefill(lb_engine *e, const int32_t *ids, int32_t n, int32_t *next_token) {
    if (!e || !ids || !next_token) return fail(LB_E_INVALID, "lb_prefill: null argument");
    if (n <= 0 || n > e->opt.max_cache_len)
        return fail(LB_E_INVALID, "prompt of %d tokens does not fit the KV cache of %d (--max-cache-len)", n, e->opt.max_cache_len);
    for (int32_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= e->cfg.vocab_size)
            return fail(LB_E_INVALID, "prompt id %d at %d is outside the vocabulary [0, %d)", ids[i], i, e->cfg.vocab_size);
    TRY(drop_ahead(e));
    use_slot(e, 0); // prefill graphs are captured over slot 0
    std::memcpy(e->h_ids, ids, sizeof(int32_t) * n);
    e->pos = 0;
    e->launches = 0;
    CUDA_TRY(cudaMemcpyAsync(e->d_ids, e->h_ids, sizeof(int32_t) * n, cudaMemcpyHostToDevice, e->stream));
    if (e->opt.use_graphs) {
        auto it = e->prefill_graphs.find(n);
        if (it == e->prefill_graphs.end()) {
            TRY(capture_prefill(e, n));
            it = e->prefill_graphs.find(n);
        }
        CUDA_TRY(cudaGraphLaunch(it->second.exec, e->stream));
        e->launches = it->second.kernels;
    } else {
        TRY(enqueue_prefill_step(e, n));
    }
    TRY(finish_call(e, next_token));
    e->pos = n;
    return LB_OK;
}

int32_t lb_decode(lb_engine *e, int32_t token, int32_t *next_token) {
    if (!e || !next_token) return fail(LB_E_INVALID, "lb_decode: null argument");
    if (e->pos >= e->opt.max_cache_len)
        return fail(LB_E_INVALID, "the KV cache is full (%d positions); raise --max-cache-len", e->opt.max_cache_len);
    if (token < 0 || token >= e->cfg.vocab_size)
        return fail(LB_E_INVALID, "token %d is outside the vocabulary [0, %d)", token, e->cfg.vocab_size);
    if (e->ahead) return decode_ahead(e, token, next_token);
    e->h_in->token = token;
    e->h_in->pos = e->pos;
    if (e->slots[0].exec[0]) {
        CUDA_TRY(cudaGraphLaunch(step_graph(e, 0, e->pos), e->stream));
        e->launches = e->decode_kernels;
    } else {
        e->launches = 0;
        set_attn_shape(e, attn_shape(e, e->pos));
        TRY(decode_eager(e));
    }
    TRY(finish_call(e, next_token));
    e->pos++;
    return LB_OK;
}

int32_t lb_reset(lb_engine *e) {
    if (!e) return fail(LB_E_INVALID, "lb_reset: null engine");
    TRY(drop_ahead(e));
    e->pos = 0;
    e->profile.clear(); // the profile printed at lb_close covers the last sequence only: warm, not the first calls
    CUDA_TRY(cudaMemsetAsync(&e->d_out->non_finite, 0, sizeof(int32_t), e->stream));
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    for (const lb_engine::DecodeSlot &s : e->slots)
        if (s.h_out) s.h_out->non_finite = 0;
    return LB_OK;
}

int32_t lb_fill_cache(lb_engine *e, int32_t positions, uint64_t seed) {
    if (!e) return fail(LB_E_INVALID, "lb_fill_cache: null engine");
    const int max_len = e->opt.max_cache_len;
    if (positions < 1 || positions >= max_len)
        return fail(LB_E_INVALID, "cannot fill %d cache positions: expected 1 to %d (max_cache_len %d less the position the next step writes)",
                    positions, max_len - 1, max_len);
    TRY(lb_reset(e)); // a new sequence: position 0, the non-finite flag cleared
    const lb_model_config &c = e->cfg;
    // the decode step reads its position from StepIn, which lb_decode sets from e->pos, and the attention splits it
    // uses from that position: nothing else depends on the sequence's length
    const uint64_t n = static_cast<uint64_t>(positions) * c.num_kv_heads * c.head_dim;
    const dim3 grid(static_cast<unsigned>(std::min<uint64_t>((n + 255) / 256, static_cast<uint64_t>(e->sms) * 8)),
                    static_cast<unsigned>(2 * c.num_layers));
    with_kv_type(e, [&](auto kv) {
        using KV = decltype(kv);
        lb::cache_fill_kernel<KV><<<grid, 256, 0, e->stream>>>(static_cast<KV *>(e->k_cache), static_cast<KV *>(e->v_cache), seed,
                                                               positions, c.num_kv_heads, c.head_dim, max_len);
        return LB_OK;
    });
    CUDA_TRY(cudaGetLastError());
    CUDA_TRY(cudaStreamSynchronize(e->stream));
    e->pos = positions;
    return LB_OK;
}

int32_t lb_last_kernel_stats(const lb_engine *e, lb_kernel_stats *out) {
    if (!e || !out) return fail(LB_E_INVALID, "lb_last_kernel_stats: null argument");
    if (!e->have_stats) return fail(LB_E_INVALID, "no prefill or decode call has finished yet");
#ifdef LLB_HAVE_CUPTI
    if (e->opt.kernel_timer == 1) return cupti_take(&out->kernel_ms, &out->kernel_count);
#endif
    float ms = 0.f;
    CUDA_TRY(cudaEventElapsedTime(&ms, e->ev_start, e->ev_end));
    out->kernel_ms = ms;
    out->kernel_count = e->last_count;
    return LB_OK;
}

int32_t lb_peak_device_memory(const lb_engine *e, int64_t *bytes) {
    if (!e || !bytes) return fail(LB_E_INVALID, "lb_peak_device_memory: null argument");
    TRY(sample_memory(const_cast<lb_engine *>(e)));
    *bytes = static_cast<int64_t>(e->mem_peak - e->mem_baseline);
    return LB_OK;
}

int32_t lb_saw_non_finite(const lb_engine *e) { return e && e->h_out && e->h_out->non_finite ? 1 : 0; }

int32_t lb_last_logits(const lb_engine *e, float *out, int32_t n) {
    if (!e || !out) return fail(LB_E_INVALID, "lb_last_logits: null argument");
    if (n < 0 || n > e->cfg.vocab_size) return fail(LB_E_INVALID, "lb_last_logits: n = %d outside [0, %d]", n, e->cfg.vocab_size);
    CUDA_TRY(cudaMemcpy(out, e->logits, sizeof(float) * n, cudaMemcpyDeviceToHost));
    return LB_OK;
}

int32_t lb_describe(const lb_engine *e, char *buf, size_t buf_len) {
    if (!e || !buf || buf_len == 0) return fail(LB_E_INVALID, "lb_describe: null argument");
    snprintf(buf, buf_len, "%s", e->description.c_str());
    return LB_OK;
}

const char *lb_last_error(void) { return g_error.c_str(); }

void lb_close(lb_engine *e) {
    if (!e) return;
    if (e->stream) cudaStreamSynchronize(e->stream);
    if (!e->profile.empty()) {
        std::vector<std::pair<std::string, std::pair<double, long>>> rows(e->profile.begin(), e->profile.end());
        std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.second.first > b.second.first; });
        double total = 0;
        for (const auto &r : rows) total += r.second.first;
        fprintf(stderr, "llmbench cuda profile: kernel time by kernel over the last sequence (eager launches, CUDA events around each)\n");
        fprintf(stderr, "  %-20s %10s %12s %12s %7s\n", "kernel", "launches", "total ms", "mean us", "share");
        for (const auto &r : rows)
            fprintf(stderr, "  %-20s %10ld %12.3f %12.2f %6.1f%%\n", r.first.c_str(), r.second.second, r.second.first,
                    1000.0 * r.second.first / r.second.second, 100.0 * r.second.first / total);
    }
    for (cudaEvent_t ev : e->event_pool) cudaEventDestroy(ev);
    for (auto &kv : e->prefill_graphs) cudaGraphExecDestroy(kv.second.exec), cudaGraphDestroy(kv.second.graph);
    for (lb_engine::DecodeSlot &s : e->slots) {
        for (int v = 0; v < 3; ++v) {
            if (s.exec[v]) cudaGraphExecDestroy(s.exec[v]);
            if (s.graph[v]) cudaGraphDestroy(s.graph[v]);
        }
        for (cudaEvent_t ev : {s.ev_start, s.ev_end, s.done})
            if (ev) cudaEventDestroy(ev);
        if (s.d_in) cudaFree(s.d_in);
        if (s.logits) cudaFree(s.logits);
        if (s.h_in) cudaFreeHost(s.h_in);
        if (s.h_out) cudaFreeHost(s.h_out);
    }
#ifdef LLB_HAVE_CUBLAS
    if (e->blas) cublasDestroy(e->blas);
    cudaFree(e->blas_ws);
#endif
    for (void *p : {static_cast<void *>(e->weights), static_cast<void *>(e->x), e->xn, static_cast<void *>(e->qkv),
                    static_cast<void *>(e->q), e->attn, static_cast<void *>(e->gu), e->h,
                    e->k_cache, e->v_cache, static_cast<void *>(e->k_f32), static_cast<void *>(e->v_f32),
                    static_cast<void *>(e->rope_cos),
                    static_cast<void *>(e->rope_sin), static_cast<void *>(e->part_o), static_cast<void *>(e->part_ml),
                    static_cast<void *>(e->counters), static_cast<void *>(e->d_ids), static_cast<void *>(e->d_out),
                    static_cast<void *>(e->qh), static_cast<void *>(e->scores),
                    static_cast<void *>(e->attn_f32)})
        if (p) cudaFree(p);
    if (e->h_ids) cudaFreeHost(e->h_ids);
    if (e->stream) cudaStreamDestroy(e->stream);
    delete e;
}

} // extern "C"
