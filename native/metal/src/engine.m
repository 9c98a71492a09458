// The Metal engine: implements native/include/llmbench_engine.h over the kernels of kernels.metal.
// native/cuda/src/engine.cu is the same engine for CUDA; the two follow each other function by function.
// Objective-C with ARC (-fobjc-arc). Not yet compiled or run by the maintainers: .github/workflows/metal.yml builds
// and tests it (native/README.md).
//
// Pipeline: lb_open compiles kernels.metal (embedded in the library at build time) with fast math off, wraps the
// weights where they lie in the mapped safetensors files (newBufferWithBytesNoCopy, no copy; q/k/v and gate/up stay
// separate tensors), makes synthetic weights on the GPU, and builds the buffers and RoPE tables. lb_prefill runs the
// prompt in chunks (GEMMs on MPSMatrixMultiplication for f32 weights, on the f32 GEMM kernel otherwise) in one
// command buffer; lb_decode encodes one step as one command buffer with one serial compute encoder.
// encode_decode chooses the decode kernels as engine.cu's enqueue_decode does (the lane kernels where a row of
// hidden_size fits a lane's loads, gemv_plan for o_proj and down_proj, attn_decode_warp for head_dim 64 and 128);
// build_pipelines builds the chosen ones when the engine opens.
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#import <MetalPerformanceShaders/MetalPerformanceShaders.h>

#include "llmbench_engine.h"
#include "kernels_metal_source.h" // made by CMakeLists.txt from src/kernels.metal: lb_kernels_metal_source[]

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// Constants of kernels.metal that the host sizes grids and buffers with: keep them equal to the kernels'.
enum {
    kAttnSplit = 128,     // KV-cache positions per attn_decode threadgroup (one per thread)
    kAttnWarps = 4,       // simdgroups per attn_decode_warp threadgroup from kLongContext on (its WARPS, 32 positions each)
    kAttnShortWarps = 8,  // ... below kLongContext (16 positions each; 128 a threadgroup either way, as engine.cu)
    kLongContext = 512,   // decode steps from this position on take the long-context attention shape (engine.cu's)
    kMaxGroup = 16,       // query heads per KV head attn_decode supports
    kPrefillQ = 16,       // queries per attn_prefill threadgroup (4 simdgroups of 4)
    kPrefillKeys = 32,    // keys per attn_prefill K tile
    kGemmTile = 64,       // gemm_f32's output tile
    kReduceThreads = 256, // argmax_reduce's one threadgroup
};

/**
 * Most threadgroups of a grid-stride decode kernel. CUDA caps its grids at one wave: the occupancy calculator's
 * resident blocks per multiprocessor (cudaOccupancyMaxActiveBlocksPerMultiprocessor) times the multiprocessors. Metal
 * reports neither: no core count, and a pipeline's maxTotalThreadsPerThreadgroup bounds one threadgroup, not how many
 * share a core. So the cap is fixed; 1024 threadgroups fill the largest Apple GPU (80 cores) several times over. It
 * also sizes lm_head's per-threadgroup argmax buffer.
 */
static const long kMaxGroups = 1024;

static _Thread_local char g_error[1024] = "no error";

static int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_error, sizeof g_error, fmt, ap);
    va_end(ap);
    return code;
}

#define TRY(expr)                                                                                               \
    do {                                                                                                        \
        int rc_ = (expr);                                                                                       \
        if (rc_ != LB_OK) return rc_;                                                                           \
    } while (0)

static double now_ms(void) { return (double)clock_gettime_nsec_np(CLOCK_UPTIME_RAW) / 1e6; }

static int dtype_bytes(lb_dtype d) { return d == LB_F32 ? 4 : 2; }

static const char *dtype_name(lb_dtype d) { return d == LB_F32 ? "f32" : d == LB_F16 ? "f16" : "bf16"; }

static size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

/** A device address, what a CUDA device pointer is: a buffer and a byte offset into it. */
typedef struct {
    __unsafe_unretained id<MTLBuffer> buf; // owned by the engine (weight_buffers)
    NSUInteger off;
} Ref;

/** One decoder layer's weights; q/k/v and gate/up are separate tensors, wrapped in place (kernels.metal says why). */
typedef struct {
    Ref input_norm; // (dim)
    Ref wq, wk, wv; // (q, dim), (kv, dim), (kv, dim)
    Ref bq, bk, bv; // (q), (kv), (kv)
    Ref wo;         // (dim, q)
    Ref post_norm;  // (dim)
    Ref wg, wu;     // (ffn, dim) each
    Ref wdown;      // (dim, ffn)
} Layer;

/** Where a checkpoint tensor goes, and the shape it must have. */
typedef struct {
    char name[96];
    int64_t rows, cols; // cols 0 for vectors
    Ref *dst;
    int tensor; // its index in the lb_tensor table; -1 until seen
} Slot;

/** Profile mode: one kernel label's GPU time over the calls since lb_reset. */
typedef struct {
    const char *label;
    double ms;
    long launches;
} ProfileRow;

enum { kProfileRows = 32 };

/** kernels.metal's StepIn and StepOut: what the host hands a decode step and reads back (shared storage). */
typedef struct {
    int32_t token;
    int32_t pos;
} StepIn;

typedef struct {
    uint64_t argmax_key;
    int32_t non_finite;
    int32_t pad;
} StepOut;

/** The engine behind an lb_engine handle (a retained, bridged pointer to this object). */
@interface LBEngine : NSObject {
@public
    lb_model_config cfg;
    lb_options opt;
    lb_dtype dtype;
    id<MTLDevice> device;
    id<MTLCommandQueue> queue;
    id<MTLLibrary> library;
    BOOL attn_warp; // decode attention by attn_decode_warp (head_dim 64 or 128), else attn_decode
    // one pipeline per kernel of kernels.metal, for this model's weight dtype, as encode_decode chooses them (the lane
    // kernels where a row fits a lane's loads; attn_decode_warp or attn_decode, and attn_prefill, for this head_dim;
    // o_proj and down_proj: the gemv_residual kernel gemv_plan takes for their K)
    id<MTLComputePipelineState> k_embed_token, k_qkv_rope, k_attn_decode, k_attn_decode_short, k_o_proj, k_gate_up, k_down_proj,
        k_lm_head, k_argmax_reduce, k_embed_rows, k_rmsnorm_rows, k_bias_rope_cache, k_attn_prefill, k_silu_mul,
        k_gemm_f32, k_synthetic_fill, k_cache_fill;

    NSMutableArray<id<MTLBuffer>> *weight_buffers; // spans wrapped over the mapped files; blocks of the other tensors
    Layer *layers;                                 // (num_layers)
    Ref embed, final_norm, lm_head;
    int wrapped, spans, copied, synthetic; // how the weights reached the GPU, for lb_describe

    // activations, sized for one prefill chunk of `chunk` tokens; decode uses row 0 (all f32)
    int chunk;
    id<MTLBuffer> x;      // (chunk, dim) residual stream
    id<MTLBuffer> xn;     // (chunk, dim) normalised input of a GEMM
    id<MTLBuffer> qkv;    // (chunk, q + 2 kv) GEMM outputs
    id<MTLBuffer> q;      // (chunk, q) roped queries
    id<MTLBuffer> attn;   // (chunk, q) attention output
    id<MTLBuffer> gu;     // (chunk, 2 ffn) gate and up
    id<MTLBuffer> h;      // (chunk, ffn) SiLU(gate) * up
    id<MTLBuffer> logits; // (vocab) last position
    id<MTLBuffer> k_cache, v_cache;   // (layers, kv heads, max_cache_len, head_dim) each
    id<MTLBuffer> rope_cos, rope_sin; // (max_cache_len, head_dim / 2)
    int splits;                       // decode attention splits of kAttnSplit positions
    id<MTLBuffer> part_o, part_ml;    // decode attention partials (f32 bits, written as atomics)
    id<MTLBuffer> counters;           // (query heads) decode attention arrival counters
    int lm_groups;                    // threadgroups of lm_head
    id<MTLBuffer> tg_best;            // (lm_groups) each lm_head threadgroup's argmax key
    id<MTLBuffer> ids;                // (max_cache_len) prompt ids
    id<MTLBuffer> step_in, step_out;  // StepIn, StepOut

    BOOL gemm_mps; // prefill GEMMs on MPSMatrixMultiplication (f32 weights), else gemm_f32
    NSMutableDictionary<NSString *, MPSMatrixMultiplication *> *gemms; // by shape and beta

    id<MTLCommandBuffer> cmd;         // the call being encoded
    id<MTLComputeCommandEncoder> enc; // its open compute encoder; nil after an MPS encode until the next dispatch
    int decode_kernels;
    int launches;   // dispatches encoded by the call in progress
    int last_count; // ... by the last finished call
    double last_ms; // GPU time of the last finished call
    BOOL have_stats;

    // --engine-opt profile=true: every dispatch in a command buffer of its own, its GPU time summed per kernel label
    // and printed to stderr by lb_close
    BOOL profiling;  // the call in progress is profiled
    double call_ms;  // its dispatches' GPU time so far
    int call_rc;     // the first failure among its command buffers
    ProfileRow profile[kProfileRows];
    int profile_rows;

    int pos; // tokens in the KV cache
    uint64_t mem_baseline, mem_peak;
    char description[2048];
}
@end

@implementation LBEngine
- (void)dealloc {
    free(layers);
}
@end

static LBEngine *engine_of(const lb_engine *handle) { return (__bridge LBEngine *)(void *)handle; }

static void sample_memory(LBEngine *e) {
    const uint64_t used = e->device.currentAllocatedSize;
    if (used > e->mem_peak) e->mem_peak = used;
}

// ---- encoding ------------------------------------------------------------------------------------------------
/** The call's open compute encoder: one serial encoder, so every dispatch sees the writes of the ones before. */
static id<MTLComputeCommandEncoder> encoder(LBEngine *e) {
    if (!e->enc) e->enc = [e->cmd computeCommandEncoder];
    return e->enc;
}

static void close_encoder(LBEngine *e) {
    if (e->enc) {
        [e->enc endEncoding];
        e->enc = nil;
    }
}

/** A dispatch being set up: arguments bind to [[buffer(0)]], [[buffer(1)]], ... in the kernel's parameter order. */
typedef struct {
    __unsafe_unretained id<MTLComputeCommandEncoder> enc;
    NSUInteger next;
} Args;

static Args begin(LBEngine *e, id<MTLComputePipelineState> pipeline) {
    Args a = {encoder(e), 0};
    [a.enc setComputePipelineState:pipeline];
    return a;
}

static void arg_ref(Args *a, Ref r) { [a->enc setBuffer:r.buf offset:r.off atIndex:a->next++]; }

static void arg_buf(Args *a, id<MTLBuffer> b, NSUInteger off) { [a->enc setBuffer:b offset:off atIndex:a->next++]; }

static void arg_i32(Args *a, int32_t v) { [a->enc setBytes:&v length:sizeof v atIndex:a->next++]; }

static void arg_u32(Args *a, uint32_t v) { [a->enc setBytes:&v length:sizeof v atIndex:a->next++]; }

static void arg_u64(Args *a, uint64_t v) { [a->enc setBytes:&v length:sizeof v atIndex:a->next++]; }

static void arg_f32(Args *a, float v) { [a->enc setBytes:&v length:sizeof v atIndex:a->next++]; }

/** Profile mode: what was just encoded runs in a command buffer of its own; its GPU time goes to `label`. */
static void profile_cut(LBEngine *e, const char *label) {
    close_encoder(e);
    id<MTLCommandBuffer> cb = e->cmd;
    [cb commit];
    [cb waitUntilCompleted];
    e->cmd = [e->queue commandBufferWithUnretainedReferences];
    if (cb.status != MTLCommandBufferStatusCompleted) {
        if (e->call_rc == LB_OK)
            e->call_rc = fail(LB_E_INTERNAL, "the GPU did not complete %s (status %d): %s", label, (int)cb.status,
                              cb.error ? cb.error.localizedDescription.UTF8String : "no error given");
        return;
    }
    const double ms = (cb.GPUEndTime - cb.GPUStartTime) * 1000.0;
    e->call_ms += ms;
    int i = 0;
    while (i < e->profile_rows && strcmp(e->profile[i].label, label) != 0) ++i;
    if (i == e->profile_rows) {
        if (i == kProfileRows) return;
        e->profile[e->profile_rows++] = (ProfileRow){label, 0.0, 0};
    }
    e->profile[i].ms += ms;
    e->profile[i].launches++;
}

/**
 * Dispatches `groups` threadgroups of `threads` threads, `smem` bytes at [[threadgroup(0)]], and counts it; `label`
 * names it in profile mode (the CUDA engine's labels).
 */
static void dispatch(LBEngine *e, Args *a, const char *label, MTLSize groups, NSUInteger threads, NSUInteger smem) {
    if (smem) [a->enc setThreadgroupMemoryLength:align_up(smem, 16) atIndex:0];
    [a->enc dispatchThreadgroups:groups threadsPerThreadgroup:MTLSizeMake(threads, 1, 1)];
    e->launches++;
    if (e->profiling) profile_cut(e, label);
}

static MTLSize groups_1d(long n) { return MTLSizeMake((NSUInteger)n, 1, 1); }

/** `groups` threadgroups, but at most kMaxGroups: the grid-stride kernels' simdgroups loop over the rest. */
static MTLSize grid_groups(long groups) { return groups_1d(groups < kMaxGroups ? groups : kMaxGroups); }

/** Threadgroups for `units` warp units at `warps` simdgroups a threadgroup: one unit per simdgroup, capped. */
static MTLSize grid_for(long units, int warps) { return grid_groups((units + warps - 1) / warps); }

static NSUInteger norm_smem(const LBEngine *e) { return sizeof(float) * ((NSUInteger)e->cfg.hidden_size + 32); }

/**
 * attn_decode's threadgroup memory: per query head of a group, its query (hd), its score row (kernels.metal's
 * attn_span: kAttnSplit, or the splits rounded up to 4 when there are more of them) and its part of the V sums'
 * reduction (512 floats: 128 / (hd / 4) position rows of hd).
 */
static NSUInteger attn_decode_smem(int group, int hd, int splits) {
    const int rounded = (splits + 3) / 4 * 4, span = rounded > kAttnSplit ? rounded : kAttnSplit;
    return sizeof(float) * (NSUInteger)group * (NSUInteger)(hd + span + 512);
}

/**
 * attn_decode_warp's threadgroup memory: the query (hd), the simdgroups' partials (warps hd + 2 warps), the combine's
 * weights (splits).
 */
static NSUInteger attn_decode_warp_smem(int hd, int warps, int splits) {
    return sizeof(float) * (NSUInteger)((1 + warps) * hd + 2 * warps + splits);
}

/** Byte offset of layer l's part of k_cache and v_cache. */
static NSUInteger layer_cache(const LBEngine *e, int l) {
    return (NSUInteger)l * e->cfg.num_kv_heads * e->opt.max_cache_len * e->cfg.head_dim * sizeof(float);
}

// ---- the decode step ---------------------------------------------------------------------------------------
/**
 * 8-byte loads a lane needs for a row of `chunks` 8-byte chunks in one round, as the lane kernels take it: 2, 4, 8 or
 * 12, the bytes of engine.cu's lane_loads (1, 2, 4 or 6 16-byte loads); 0 over 12. (engine.cu's with_loads, which
 * picks the threadgroup-memory kernels' U, has no twin: those kernels keep one round size here, kernels.metal says why.)
 */
static int lane_loads(int chunks) {
    const int need = (chunks + 31) / 32;
    return need <= 2 ? 2 : need <= 4 ? 4 : need <= 8 ? 8 : need <= 12 ? 12 : 0;
}

/** 8-byte chunks of a row of hidden_size weights: the rows of qkv_rope, gate_up and lm_head. */
static int dim_chunks(const LBEngine *e) { return e->cfg.hidden_size / (8 / dtype_bytes(e->dtype)); }

/**
 * Threadgroups of 8 simdgroups for `units` simdgroup units: the fewest units a simdgroup that the grid cap allows,
 * then the fewest threadgroups that carry them, so no simdgroup has a unit more than another (but the last).
 */
static MTLSize balanced_grid(long units) {
    const long cap = kMaxGroups * 8L;
    const long per = (units + cap - 1) / cap;
    return groups_1d((units + per * 8 - 1) / (per * 8));
}

/** The gemv_residual kernel for rows of K: its KSPLIT, and the lane kernels' U (0: the threadgroup-memory kernel). */
typedef struct {
    int ksplit, u;
} GemvPlan;

/**
 * engine.cu's gemv_residual choice: the lane kernel with K split 8 ways when K is long (over 2048) and each eighth
 * fits a lane's loads, else the lane kernel on whole rows where they fit, else four simdgroups a row for a long K,
 * else two whole rows a simdgroup. Chunks are 8 bytes here (16 in CUDA).
 */
static GemvPlan gemv_plan(const LBEngine *e, int K) {
    const int chunks = K / (8 / dtype_bytes(e->dtype));
    if (chunks % 8 == 0 && K > 2048 && lane_loads(chunks / 8)) return (GemvPlan){8, lane_loads(chunks / 8)};
    if (lane_loads(chunks)) return (GemvPlan){1, lane_loads(chunks)};
    if (K > 2048 && chunks % 4 == 0) return (GemvPlan){4, 0};
    return (GemvPlan){1, 0};
}

/** kernels.metal's host name of gemv_plan's kernel for rows of K. */
static NSString *gemv_kernel(const LBEngine *e, int K) {
    const GemvPlan g = gemv_plan(e, K);
    if (g.u) return [NSString stringWithFormat:@"gemv_residual_lane_k%d_u%d_%s", g.ksplit, g.u, dtype_name(e->dtype)];
    return [NSString stringWithFormat:@"gemv_residual_k%d_%s", g.ksplit, dtype_name(e->dtype)];
}

/** x += W . v over `rows` rows of K, by the lane kernel k: K split `ksplit` (8) ways over a threadgroup's run of rows, or whole rows. */
static void gemv_residual_lane(LBEngine *e, const char *label, id<MTLComputePipelineState> k, Ref w, id<MTLBuffer> v,
                               int rows, int K, int ksplit) {
    Args a = begin(e, k);
    arg_ref(&a, w);
    arg_buf(&a, v, 0);
    arg_buf(&a, e->x, 0);
    arg_i32(&a, rows);
    arg_i32(&a, K);
    if (ksplit == 1) {
        arg_i32(&a, 0);
        dispatch(e, &a, label, balanced_grid(rows), 256, sizeof(float)); // its `parts` is unused, but must be bound
        return;
    }
    const int per = (int)((rows + kMaxGroups - 1) / kMaxGroups); // rows a threadgroup (the kernel's sums loop over them)
    arg_i32(&a, per);
    dispatch(e, &a, label, groups_1d((rows + per - 1) / per), 256, sizeof(float) * 8 * (NSUInteger)per);
}

/**
 * x += W . v over `rows` rows of K, by k, the kernel gemv_plan takes for K: a lane kernel, or four simdgroups a row
 * for a long K (over 2048), or two whole rows a simdgroup.
 */
static void gemv_residual(LBEngine *e, const char *label, id<MTLComputePipelineState> k, Ref w, id<MTLBuffer> v, int rows,
                          int K) {
    const GemvPlan g = gemv_plan(e, K);
    if (g.u) {
        gemv_residual_lane(e, label, k, w, v, rows, K, g.ksplit);
        return;
    }
    Args a = begin(e, k);
    arg_ref(&a, w);
    arg_buf(&a, v, 0);
    arg_buf(&a, e->x, 0);
    arg_i32(&a, rows);
    arg_i32(&a, K);
    dispatch(e, &a, label, grid_groups(g.ksplit == 4 ? (rows + 1) / 2 : (rows + 15) / 16), 256, 0); // 2 or 16 rows a threadgroup
}

static void attn_decode(LBEngine *e, NSUInteger smem, NSUInteger cache, float scale) {
    const lb_model_config *c = &e->cfg;
    const int nq = c->num_heads, nkv = c->num_kv_heads, max_len = e->opt.max_cache_len, group = 1;
    // the step's position picks attn_decode_warp's shape (engine.cu: a graph for each, replayed by position); engine.cu's
    // third shape from grouped_from (attn_decode_group_kernel) is not ported: measured on an H200 only (native/README.md)
    const BOOL short_context = e->attn_warp && e->pos < kLongContext;
    // attn_decode_warp_w<kAttnWarps>_hd<head_dim> (w8p16_hd<head_dim> below kLongContext) or attn_decode_hd<head_dim>
    Args a = begin(e, short_context ? e->k_attn_decode_short : e->k_attn_decode);
    arg_buf(&a, e->q, 0);
    arg_buf(&a, e->k_cache, cache);
    arg_buf(&a, e->v_cache, cache);
    arg_buf(&a, e->step_in, 0);
    arg_buf(&a, e->part_o, 0);
    arg_buf(&a, e->part_ml, 0);
    arg_buf(&a, e->counters, 0);
    arg_buf(&a, e->attn, 0);
    arg_i32(&a, nq);
    arg_i32(&a, nkv);
    if (e->attn_warp) {
        // 128 positions a threadgroup, 8 simdgroups of 16 below kLongContext and 4 of 32 from there; CUDA measured 8
        // of 32 (256 positions) 3% slower at S5. The grid covers max_len, or kLongContext for the short shape, whose
        // steps never reach it: the threadgroups past the step's length return at once
        const int warps = short_context ? kAttnShortWarps : kAttnWarps;
        const int reach = short_context && max_len > kLongContext ? kLongContext : max_len;
        const int splits = (reach + kAttnSplit - 1) / kAttnSplit;
        arg_i32(&a, max_len);
        arg_f32(&a, scale);
        dispatch(e, &a, "attn_decode", MTLSizeMake((NSUInteger)nq, (NSUInteger)splits, 1), (NSUInteger)(32 * warps),
                 attn_decode_warp_smem(c->head_dim, warps, splits));
        return;
    }
    arg_i32(&a, group);
    arg_i32(&a, max_len);
    arg_f32(&a, scale);
    dispatch(e, &a, "attn_decode", MTLSizeMake((NSUInteger)(nq / group), (NSUInteger)e->splits, 1), 128, smem);
}

/** lm_head's threadgroups: the lane kernel's balanced grid where a row fits a lane's loads, else one unit of two rows a simdgroup. */
static MTLSize lm_head_grid(const LBEngine *e) {
    if (lane_loads(dim_chunks(e))) return balanced_grid(e->cfg.vocab_size);
    return grid_for(((long)e->cfg.vocab_size + 1) / 2, 8);
}

/** The LM head on row `row` of x, then the argmax of its logits into step_out. */
static void lm_head(LBEngine *e, int row) {
    const lb_model_config *c = &e->cfg;
    const int dim = c->hidden_size;
    Args a = begin(e, e->k_lm_head); // lm_head_lane_u<U> or lm_head
    arg_buf(&a, e->x, (NSUInteger)row * dim * sizeof(float));
    arg_ref(&a, e->final_norm);
    arg_f32(&a, c->rms_norm_eps);
    arg_ref(&a, e->lm_head);
    arg_buf(&a, e->logits, 0);
    arg_i32(&a, dim);
    arg_i32(&a, c->vocab_size);
    arg_buf(&a, e->tg_best, 0);
    arg_buf(&a, e->step_out, 0);
    dispatch(e, &a, "lm_head", lm_head_grid(e), 256, lane_loads(dim_chunks(e)) ? 0 : norm_smem(e));
    a = begin(e, e->k_argmax_reduce);
    arg_buf(&a, e->tg_best, 0);
    arg_i32(&a, e->lm_groups);
    arg_buf(&a, e->step_out, 0);
    dispatch(e, &a, "argmax_reduce", groups_1d(1), kReduceThreads, 0);
}

static void encode_decode(LBEngine *e) {
    const lb_model_config *c = &e->cfg;
    const int dim = c->hidden_size, ffn = c->intermediate_size, nq = c->num_heads, nkv = c->num_kv_heads, hd = c->head_dim;
    const int qdim = nq * hd, half = hd / 2, max_len = e->opt.max_cache_len;
    const float eps = c->rms_norm_eps, scale = 1.f / sqrtf((float)hd);
    const BOOL lane = lane_loads(dim_chunks(e)) != 0; // engine.cu: if (const int u = lane_loads(dim_chunks))
    const NSUInteger attn_smem = attn_decode_smem(1, hd, e->splits);
    Args a = begin(e, e->k_embed_token);
    arg_ref(&a, e->embed);
    arg_buf(&a, e->step_in, 0);
    arg_buf(&a, e->x, 0);
    arg_i32(&a, dim);
    dispatch(e, &a, "embed_token", groups_1d(1), 256, 0);
    for (int l = 0; l < c->num_layers; ++l) {
        const Layer *w = &e->layers[l];
        const NSUInteger cache = layer_cache(e, l);
        a = begin(e, e->k_qkv_rope);
        arg_buf(&a, e->x, 0);
        arg_ref(&a, w->input_norm);
        arg_f32(&a, eps);
        arg_ref(&a, w->wq);
        arg_ref(&a, w->wk);
        arg_ref(&a, w->wv);
        arg_ref(&a, w->bq);
        arg_ref(&a, w->bk);
        arg_ref(&a, w->bv);
        arg_buf(&a, e->step_in, 0);
        arg_buf(&a, e->rope_cos, 0);
        arg_buf(&a, e->rope_sin, 0);
        arg_buf(&a, e->q, 0);
        arg_buf(&a, e->k_cache, cache);
        arg_buf(&a, e->v_cache, cache);
        arg_i32(&a, dim);
        arg_i32(&a, nq);
        arg_i32(&a, nkv);
        arg_i32(&a, hd);
        arg_i32(&a, max_len);
        if (lane) // qkv_rope_lane_u<U>: 4 rotation pairs a threadgroup, a simdgroup a row
            dispatch(e, &a, "qkv_rope", grid_groups(((long)(nq + 2 * nkv) * half + 3) / 4), 256, 0);
        else dispatch(e, &a, "qkv_rope", grid_for((long)(nq + 2 * nkv) * half, 8), 256, norm_smem(e));
        attn_decode(e, attn_smem, cache, scale);
        gemv_residual(e, "o_proj", e->k_o_proj, w->wo, e->attn, dim, qdim);
        a = begin(e, e->k_gate_up);
        arg_buf(&a, e->x, 0);
        arg_ref(&a, w->post_norm);
        arg_f32(&a, eps);
        arg_ref(&a, w->wg);
        arg_ref(&a, w->wu);
        arg_buf(&a, e->h, 0);
        arg_i32(&a, dim);
        arg_i32(&a, ffn);
        if (lane) dispatch(e, &a, "gate_up", balanced_grid(ffn), 256, 0); // gate_up_lane_u<U>
        else dispatch(e, &a, "gate_up", grid_for(ffn, 8), 256, norm_smem(e));
        gemv_residual(e, "down_proj", e->k_down_proj, w->wdown, e->h, dim, ffn);
    }
    lm_head(e, 0);
}

// ---- prefill -------------------------------------------------------------------------------------------------
/** The MPS kernel of one GEMM shape: C (T, N) = A (T, K) . W (N, K)^T + beta C, made once and kept. */
static MPSMatrixMultiplication *mps_gemm(LBEngine *e, int T, int N, int K, float beta) {
    NSString *key = [NSString stringWithFormat:@"%d %d %d %g", T, N, K, beta];
    MPSMatrixMultiplication *k = e->gemms[key];
    if (!k) {
        k = [[MPSMatrixMultiplication alloc] initWithDevice:e->device transposeLeft:NO transposeRight:YES resultRows:(NSUInteger)T
                                              resultColumns:(NSUInteger)N interiorColumns:(NSUInteger)K alpha:1.0 beta:beta];
        e->gemms[key] = k;
    }
    return k;
}

static MPSMatrix *mps_matrix(id<MTLBuffer> buf, NSUInteger off, int rows, int cols, int row_stride) {
    MPSMatrixDescriptor *d = [MPSMatrixDescriptor matrixDescriptorWithRows:(NSUInteger)rows columns:(NSUInteger)cols
                                                                  rowBytes:(NSUInteger)row_stride * sizeof(float)
                                                                  dataType:MPSDataTypeFloat32];
    return [[MPSMatrix alloc] initWithBuffer:buf offset:off descriptor:d];
}

/**
 * c (T rows of stride ldc floats, from byte c_off) = beta c + a (T, K) . w (N, K)^T, in f32: the columns of one
 * tensor's output (q, k and v write their own columns of qkv, gate and up theirs of gu).
 */
static void gemm(LBEngine *e, const char *label, id<MTLBuffer> a, Ref w, id<MTLBuffer> c, NSUInteger c_off, int T, int N,
                 int K, int ldc, float beta) {
    if (e->gemm_mps) {
        close_encoder(e);
        [mps_gemm(e, T, N, K, beta) encodeToCommandBuffer:e->cmd
                                               leftMatrix:mps_matrix(a, 0, T, K, K)
                                              rightMatrix:mps_matrix(w.buf, w.off, N, K, K)
                                             resultMatrix:mps_matrix(c, c_off, T, N, ldc)];
        e->launches++; // counted as one kernel
        if (e->profiling) profile_cut(e, label);
        return;
    }
    Args g = begin(e, e->k_gemm_f32);
    arg_buf(&g, a, 0);
    arg_ref(&g, w);
    arg_buf(&g, c, c_off);
    arg_i32(&g, T);
    arg_i32(&g, N);
    arg_i32(&g, K);
    arg_i32(&g, ldc);
    arg_f32(&g, beta);
    dispatch(e, &g, label, MTLSizeMake((NSUInteger)(N + kGemmTile - 1) / kGemmTile, (NSUInteger)(T + kGemmTile - 1) / kGemmTile, 1),
             256, 0);
}

/** Tokens [p0, p0 + T) of the prompt (ids already in their buffer); the LM head on the last one when `last`. */
static void encode_prefill_chunk(LBEngine *e, int T, int p0, BOOL last) {
    const lb_model_config *c = &e->cfg;
    const int dim = c->hidden_size, ffn = c->intermediate_size, nq = c->num_heads, nkv = c->num_kv_heads, hd = c->head_dim;
    const int qdim = nq * hd, kvdim = nkv * hd, rows_qkv = qdim + 2 * kvdim, max_len = e->opt.max_cache_len;
    const float eps = c->rms_norm_eps, scale = 1.f / sqrtf((float)hd);
    Args a = begin(e, e->k_embed_rows);
    arg_ref(&a, e->embed);
    arg_buf(&a, e->ids, (NSUInteger)p0 * sizeof(int32_t));
    arg_buf(&a, e->x, 0);
    arg_i32(&a, dim);
    dispatch(e, &a, "embed_rows", groups_1d(T), 256, 0);
    for (int l = 0; l < c->num_layers; ++l) {
        const Layer *w = &e->layers[l];
        const NSUInteger cache = layer_cache(e, l);
        a = begin(e, e->k_rmsnorm_rows);
        arg_buf(&a, e->x, 0);
        arg_ref(&a, w->input_norm);
        arg_f32(&a, eps);
        arg_buf(&a, e->xn, 0);
        arg_i32(&a, dim);
        dispatch(e, &a, "rmsnorm_rows", groups_1d(T), 256, 0);
        gemm(e, "qkv_gemm", e->xn, w->wq, e->qkv, 0, T, qdim, dim, rows_qkv, 0.f);
        gemm(e, "qkv_gemm", e->xn, w->wk, e->qkv, (NSUInteger)qdim * sizeof(float), T, kvdim, dim, rows_qkv, 0.f);
        gemm(e, "qkv_gemm", e->xn, w->wv, e->qkv, (NSUInteger)(qdim + kvdim) * sizeof(float), T, kvdim, dim, rows_qkv, 0.f);
        a = begin(e, e->k_bias_rope_cache);
        arg_buf(&a, e->qkv, 0);
        arg_ref(&a, w->bq);
        arg_ref(&a, w->bk);
        arg_ref(&a, w->bv);
        arg_buf(&a, e->rope_cos, 0);
        arg_buf(&a, e->rope_sin, 0);
        arg_buf(&a, e->q, 0);
        arg_buf(&a, e->k_cache, cache);
        arg_buf(&a, e->v_cache, cache);
        arg_i32(&a, p0);
        arg_i32(&a, nq);
        arg_i32(&a, nkv);
        arg_i32(&a, hd);
        arg_i32(&a, max_len);
        dispatch(e, &a, "bias_rope_cache", groups_1d(T), 256, 0);
        a = begin(e, e->k_attn_prefill);
        arg_buf(&a, e->q, 0);
        arg_buf(&a, e->k_cache, cache);
        arg_buf(&a, e->v_cache, cache);
        arg_buf(&a, e->attn, 0);
        arg_i32(&a, T);
        arg_i32(&a, p0);
        arg_i32(&a, nq);
        arg_i32(&a, nkv);
        arg_i32(&a, max_len);
        arg_f32(&a, scale);
        dispatch(e, &a, "attn_prefill", MTLSizeMake((NSUInteger)(T + kPrefillQ - 1) / kPrefillQ, (NSUInteger)nq, 1), 128, 0);
        gemm(e, "o_gemm", e->attn, w->wo, e->x, 0, T, dim, qdim, dim, 1.f);
        a = begin(e, e->k_rmsnorm_rows);
        arg_buf(&a, e->x, 0);
        arg_ref(&a, w->post_norm);
        arg_f32(&a, eps);
        arg_buf(&a, e->xn, 0);
        arg_i32(&a, dim);
        dispatch(e, &a, "rmsnorm_rows", groups_1d(T), 256, 0);
        gemm(e, "gate_up_gemm", e->xn, w->wg, e->gu, 0, T, ffn, dim, 2 * ffn, 0.f);
        gemm(e, "gate_up_gemm", e->xn, w->wu, e->gu, (NSUInteger)ffn * sizeof(float), T, ffn, dim, 2 * ffn, 0.f);
        const long n = (long)T * ffn;
        a = begin(e, e->k_silu_mul);
        arg_buf(&a, e->gu, 0);
        arg_buf(&a, e->h, 0);
        arg_i32(&a, T);
        arg_i32(&a, ffn);
        dispatch(e, &a, "silu_mul", groups_1d((n + 255) / 256 < 4096 ? (n + 255) / 256 : 4096), 256, 0);
        gemm(e, "down_gemm", e->h, w->wdown, e->x, 0, T, dim, ffn, dim, 1.f);
    }
    if (last) lm_head(e, T - 1);
}

static void encode_prefill(LBEngine *e, int n) {
    for (int p0 = 0; p0 < n; p0 += e->chunk) {
        const int T = n - p0 < e->chunk ? n - p0 : e->chunk;
        encode_prefill_chunk(e, T, p0, p0 + T == n);
    }
}

// ---- calls: one command buffer each --------------------------------------------------------------------------
/** Starts a call's command buffer; `timed` calls (prefill, decode) are the ones profile mode splits up. */
static void begin_call(LBEngine *e, BOOL timed) {
    // unretained: the engine owns every buffer the call uses, for longer than the call
    e->cmd = [e->queue commandBufferWithUnretainedReferences];
    e->enc = nil;
    e->launches = 0;
    e->profiling = timed && e->opt.profile;
    e->call_ms = 0.0;
    e->call_rc = LB_OK;
}

/** Commits the call's command buffer and waits for it; its GPU start-to-end time is the call's kernel time. */
static int run_call(LBEngine *e) {
    close_encoder(e);
    id<MTLCommandBuffer> cb = e->cmd;
    e->cmd = nil;
    [cb commit];
    [cb waitUntilCompleted];
    if (e->call_rc != LB_OK) return e->call_rc;
    if (cb.status != MTLCommandBufferStatusCompleted)
        return fail(LB_E_INTERNAL, "the GPU did not complete the command buffer (status %d): %s", (int)cb.status,
                    cb.error ? cb.error.localizedDescription.UTF8String : "no error given");
    // profile mode: the sum of the dispatches' own command buffers (this last one is empty)
    e->last_ms = e->profiling ? e->call_ms : (cb.GPUEndTime - cb.GPUStartTime) * 1000.0;
    return LB_OK;
}

static int finish_call(LBEngine *e, int32_t *next_token) {
    TRY(run_call(e));
    e->last_count = e->launches;
    e->have_stats = YES;
    const StepOut *out = (const StepOut *)e->step_out.contents;
    *next_token = (int32_t)(0xFFFFFFFFu - (uint32_t)(out->argmax_key & 0xFFFFFFFFull));
    return LB_OK;
}

// ---- loading -------------------------------------------------------------------------------------------------
static int check_config(const lb_model_config *c, const lb_options *o) {
    if (c->vocab_size <= 0 || c->hidden_size <= 0 || c->intermediate_size <= 0 || c->num_layers <= 0 ||
        c->num_heads <= 0 || c->num_kv_heads <= 0 || c->head_dim <= 0)
        return fail(LB_E_INVALID, "model config has a size <= 0");
    if (c->num_heads % c->num_kv_heads != 0 || c->num_heads / c->num_kv_heads > kMaxGroup)
        return fail(LB_E_INVALID, "num_attention_heads / num_key_value_heads must be a whole number up to %d, got %d / %d",
                    kMaxGroup, c->num_heads, c->num_kv_heads);
    if (c->head_dim != 16 && c->head_dim != 32 && c->head_dim != 64 && c->head_dim != 128)
        return fail(LB_E_INVALID, "head_dim %d is not supported by the Metal engine (16, 32, 64 or 128)", c->head_dim);
    if (o->prefill_seq_len <= 0 || o->max_cache_len <= 0)
        return fail(LB_E_INVALID, "prefill_seq_len and max_cache_len must be > 0");
    if (o->kernel_timer != 0) // the ABI: an engine without the CUPTI timer answers LB_E_INVALID
        return fail(LB_E_INVALID, "kernel_timer=cupti: the Metal engine has no CUPTI; use kernel_timer=events");
    if (o->kv_cache_dtype != LB_F32) // the ABI: an engine answers LB_E_INVALID for a cache type it does not keep
        return fail(LB_E_INVALID, "kv_cache=bf16: the Metal engine keeps its KV cache in f32; use kv_cache=f32");
    return LB_OK;
}

/** LB_OK when the engine can run on d; otherwise the reason, in buf. */
static int check_device(id<MTLDevice> d, char *buf, size_t len) {
    if (!d) {
        snprintf(buf, len, "no Metal device");
        return LB_E_UNAVAILABLE;
    }
    if (![d supportsFamily:MTLGPUFamilyApple7]) {
        snprintf(buf, len, "%s: GPU family below Apple7 (M1), and the kernels need 32-wide SIMD-group reductions; "
                           "virtual machines' GPUs (e.g. the Apple Paravirtual device of GitHub-hosted macOS runners) are "
                           "like this", d.name.UTF8String);
        return LB_E_UNAVAILABLE;
    }
    return LB_OK;
}

static int pick_device(LBEngine *e) {
    const int index = e->opt.device_index;
    if (index == 0) {
        e->device = MTLCreateSystemDefaultDevice();
    } else {
        NSArray<id<MTLDevice>> *all = MTLCopyAllDevices();
        if (index < 0 || (NSUInteger)index >= all.count)
            return fail(LB_E_INVALID, "--engine-opt device=%d: this Mac has %lu Metal device(s)", index, (unsigned long)all.count);
        e->device = all[(NSUInteger)index];
    }
    char why[512];
    if (check_device(e->device, why, sizeof why) != LB_OK) return fail(LB_E_UNAVAILABLE, "%s", why);
    // threadgroup memory: the threadgroup-memory decode kernels keep the normalised input (dim + 32 floats, lm_head 32
    // keys more); the attention kernels a float per split besides their query and partials (attn_decode_warp_smem and
    // its flag, or attn_decode_smem at group 1 and its lsum and flag); attn_prefill 16 queries and one K tile. (The
    // lane kernels need little: gemv_residual_lane 8 floats a row of a threadgroup's run, 256 bytes up to 8192 rows;
    // qkv_rope_lane 8 floats, lm_head_lane 32 keys.)
    const lb_model_config *c = &e->cfg;
    const NSUInteger limit = e->device.maxThreadgroupMemoryLength;
    const NSUInteger norm = sizeof(float) * ((NSUInteger)c->hidden_size + 32) + 32 * sizeof(uint64_t);
    const int splits = (e->opt.max_cache_len + kAttnSplit - 1) / kAttnSplit;
    const int short_reach = e->opt.max_cache_len < kLongContext ? e->opt.max_cache_len : kLongContext;
    const int short_splits = (short_reach + kAttnSplit - 1) / kAttnSplit;
    const NSUInteger long_smem = attn_decode_warp_smem(c->head_dim, kAttnWarps, splits);
    const NSUInteger short_smem = attn_decode_warp_smem(c->head_dim, kAttnShortWarps, short_splits);
    const NSUInteger warp_smem = long_smem > short_smem ? long_smem : short_smem;
    const NSUInteger attn = e->attn_warp ? align_up(warp_smem, 16) + sizeof(uint32_t)
                                         : attn_decode_smem(1, c->head_dim, splits) + sizeof(float) * (kMaxGroup + 1);
    const NSUInteger prefill = sizeof(float) * ((NSUInteger)kPrefillQ * c->head_dim + kPrefillKeys * (c->head_dim + 1));
    NSUInteger need = norm > attn ? norm : attn;
    if (prefill > need) need = prefill;
    if (need > limit)
        return fail(LB_E_INVALID,
                    "hidden_size %d, head_dim %d and max_cache_len %d need %lu bytes of threadgroup memory; %s has %lu: "
                    "lower --max-cache-len", c->hidden_size, c->head_dim, e->opt.max_cache_len, (unsigned long)need,
                    e->device.name.UTF8String, (unsigned long)limit);
    return LB_OK;
}

/** The pipeline of kernels.metal's kernel `name`, checked for the simdgroup width and threadgroup size it needs. */
static int pipeline(LBEngine *e, NSString *name, NSUInteger threads, id<MTLComputePipelineState> __strong *out) {
    id<MTLFunction> f = [e->library newFunctionWithName:name];
    if (!f) return fail(LB_E_INTERNAL, "kernels.metal has no kernel %s", name.UTF8String);
    NSError *err = nil;
    id<MTLComputePipelineState> p = [e->device newComputePipelineStateWithFunction:f error:&err];
    if (!p) return fail(LB_E_INTERNAL, "building the pipeline of %s failed: %s", name.UTF8String, err.localizedDescription.UTF8String);
    if (p.threadExecutionWidth != 32)
        return fail(LB_E_UNAVAILABLE, "%s runs %lu-wide SIMD groups on %s; the kernels need 32", name.UTF8String,
                    (unsigned long)p.threadExecutionWidth, e->device.name.UTF8String);
    if (p.maxTotalThreadsPerThreadgroup < threads)
        return fail(LB_E_INTERNAL, "%s allows %lu threads per threadgroup on %s; the engine dispatches %lu", name.UTF8String,
                    (unsigned long)p.maxTotalThreadsPerThreadgroup, e->device.name.UTF8String, (unsigned long)threads);
    *out = p;
    return LB_OK;
}

#define BUILD(field, name, threads)                                                                             \
    do {                                                                                                        \
        id<MTLComputePipelineState> p_ = nil;                                                                   \
        TRY(pipeline(e, (name), (threads), &p_));                                                               \
        e->field = p_;                                                                                          \
    } while (0)

/** Compiles kernels.metal with fast math off and builds the pipelines of this model's weight dtype. */
static int build_pipelines(LBEngine *e) {
    MTLCompileOptions *options = [[MTLCompileOptions alloc] init];
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    options.fastMathEnabled = NO; // IEEE f32, and synthetic_fill's bits as Java makes them; macOS 14's switch
#pragma clang diagnostic pop
#if defined(__MAC_15_0) && __MAC_OS_X_VERSION_MAX_ALLOWED >= __MAC_15_0
    if (@available(macOS 15.0, *)) options.mathMode = MTLMathModeSafe; // the same, as macOS 15 names it
#endif
    NSError *err = nil;
    NSString *source = [NSString stringWithUTF8String:lb_kernels_metal_source];
    e->library = [e->device newLibraryWithSource:source options:options error:&err];
    if (!e->library)
        return fail(LB_E_INTERNAL, "compiling kernels.metal failed: %s", err ? err.localizedDescription.UTF8String : "no error given");
    const char *t = dtype_name(e->dtype);
#define TYPED(base) [NSString stringWithFormat:@"%s_%s", base, t]
    BUILD(k_embed_token, TYPED("embed_token"), 256);
    // engine.cu's choices: the lane kernels where a row of hidden_size fits a lane's loads
    const int u = lane_loads(dim_chunks(e));
#define LANE_OR_TYPED(base) (u ? [NSString stringWithFormat:@"%s_lane_u%d_%s", base, u, t] : TYPED(base))
    BUILD(k_qkv_rope, LANE_OR_TYPED("qkv_rope"), 256);
    BUILD(k_attn_decode, (e->attn_warp ? [NSString stringWithFormat:@"attn_decode_warp_w%d_hd%d", kAttnWarps, e->cfg.head_dim]
                                         : [NSString stringWithFormat:@"attn_decode_hd%d", e->cfg.head_dim]),
          e->attn_warp ? 32 * kAttnWarps : 128);
    if (e->attn_warp)
        BUILD(k_attn_decode_short, [NSString stringWithFormat:@"attn_decode_warp_w%dp16_hd%d", kAttnShortWarps, e->cfg.head_dim],
              32 * kAttnShortWarps);
    BUILD(k_o_proj, gemv_kernel(e, e->cfg.num_heads * e->cfg.head_dim), 256);
    BUILD(k_gate_up, LANE_OR_TYPED("gate_up"), 256);
    BUILD(k_down_proj, gemv_kernel(e, e->cfg.intermediate_size), 256);
    BUILD(k_lm_head, LANE_OR_TYPED("lm_head"), 256);
#undef LANE_OR_TYPED
    BUILD(k_argmax_reduce, @"argmax_reduce", kReduceThreads);
    BUILD(k_embed_rows, TYPED("embed_rows"), 256);
    BUILD(k_rmsnorm_rows, TYPED("rmsnorm_rows"), 256);
    BUILD(k_bias_rope_cache, TYPED("bias_rope_cache"), 256);
    BUILD(k_attn_prefill, ([NSString stringWithFormat:@"attn_prefill_hd%d", e->cfg.head_dim]), 128);
    BUILD(k_silu_mul, @"silu_mul", 256);
    BUILD(k_gemm_f32, TYPED("gemm_f32"), 256);
    BUILD(k_synthetic_fill, @"synthetic_fill", 256);
    BUILD(k_cache_fill, @"cache_fill", 256);
#undef TYPED
    return LB_OK;
}

/** Every checkpoint tensor's slot, with the Ref it fills (tensors are matched to slots by name). */
static int plan_slots(LBEngine *e, Slot *slots) {
    const lb_model_config *c = &e->cfg;
    const int64_t dim = c->hidden_size, ffn = c->intermediate_size, q = (int64_t)c->num_heads * c->head_dim,
                  kv = (int64_t)c->num_kv_heads * c->head_dim;
    int n = 0;
#define SLOT(rows_, cols_, dst_, ...)                                                                           \
    do {                                                                                                        \
        snprintf(slots[n].name, sizeof slots[n].name, __VA_ARGS__);                                             \
        slots[n].rows = (rows_), slots[n].cols = (cols_), slots[n].dst = (dst_), slots[n].tensor = -1;          \
        ++n;                                                                                                    \
    } while (0)
    SLOT(c->vocab_size, dim, &e->embed, "model.embed_tokens.weight");
    for (int l = 0; l < c->num_layers; ++l) {
        Layer *w = &e->layers[l];
        SLOT(dim, 0, &w->input_norm, "model.layers.%d.input_layernorm.weight", l);
        SLOT(q, dim, &w->wq, "model.layers.%d.self_attn.q_proj.weight", l);
        SLOT(kv, dim, &w->wk, "model.layers.%d.self_attn.k_proj.weight", l);
        SLOT(kv, dim, &w->wv, "model.layers.%d.self_attn.v_proj.weight", l);
        SLOT(q, 0, &w->bq, "model.layers.%d.self_attn.q_proj.bias", l);
        SLOT(kv, 0, &w->bk, "model.layers.%d.self_attn.k_proj.bias", l);
        SLOT(kv, 0, &w->bv, "model.layers.%d.self_attn.v_proj.bias", l);
        SLOT(dim, q, &w->wo, "model.layers.%d.self_attn.o_proj.weight", l);
        SLOT(dim, 0, &w->post_norm, "model.layers.%d.post_attention_layernorm.weight", l);
        SLOT(ffn, dim, &w->wg, "model.layers.%d.mlp.gate_proj.weight", l);
        SLOT(ffn, dim, &w->wu, "model.layers.%d.mlp.up_proj.weight", l);
        SLOT(dim, ffn, &w->wdown, "model.layers.%d.mlp.down_proj.weight", l);
    }
    SLOT(dim, 0, &e->final_norm, "model.norm.weight");
    if (!c->tie_word_embeddings) SLOT(c->vocab_size, dim, &e->lm_head, "lm_head.weight");
#undef SLOT
    return n;
}

static size_t slot_bytes(const Slot *s, int wb) { return (size_t)s->rows * (size_t)(s->cols ? s->cols : 1) * (size_t)wb; }

/** A wrapped tensor's page span, for merging spans that share a page. */
typedef struct {
    uintptr_t lo, hi;
    int slot;
} Piece;

static int by_lo(const void *a, const void *b) {
    const uintptr_t x = ((const Piece *)a)->lo, y = ((const Piece *)b)->lo;
    return x < y ? -1 : x > y;
}

/**
 * Puts every tensor on the GPU. A tensor in a mapped file whose address is 8-byte aligned (what the kernels' 8-byte
 * loads need) is wrapped where it lies: the page-aligned spans of such tensors, merged where they share a page, each
 * become one newBufferWithBytesNoCopy buffer, and the tensor a Ref at its offset. The others (unaligned, in a span
 * Metal would not wrap, or synthetic) go into blocks of shared memory: copied with memcpy, or made by synthetic_fill.
 */
static int load_weights(LBEngine *e, const lb_tensor *tensors, int32_t count) {
    const lb_model_config *c = &e->cfg;
    const int wb = dtype_bytes(e->dtype);
    if (((int64_t)c->hidden_size * wb) % 8 || ((int64_t)c->intermediate_size * wb) % 8 ||
        ((int64_t)c->num_heads * c->head_dim * wb) % 8)
        return fail(LB_E_INVALID, "hidden_size, intermediate_size and heads*head_dim must make rows of a multiple of 8 bytes");
    e->layers = calloc((size_t)c->num_layers, sizeof(Layer));
    if (!e->layers) return fail(LB_E_INTERNAL, "out of host memory");
    NSMutableData *slot_mem = [NSMutableData dataWithLength:(12 * (size_t)c->num_layers + 3) * sizeof(Slot)];
    Slot *slots = (Slot *)slot_mem.mutableBytes;
    const int n = plan_slots(e, slots);
    NSMutableDictionary<NSString *, NSNumber *> *by_name = [NSMutableDictionary dictionaryWithCapacity:(NSUInteger)n];
    for (int i = 0; i < n; ++i) by_name[[NSString stringWithUTF8String:slots[i].name]] = @(i);
    for (int32_t i = 0; i < count; ++i) {
        const lb_tensor *t = &tensors[i];
        const char *name = t->name ? t->name : "";
        NSString *key = [NSString stringWithUTF8String:name];
        NSNumber *at = key ? by_name[key] : nil;
        if (!at) return fail(LB_E_INVALID, "tensor %s is not part of a Qwen2 checkpoint of this config", name);
        if (t->dtype != e->dtype)
            return fail(LB_E_INVALID, "tensor %s is %s but the model is %s; the Metal engine needs one dtype for every tensor",
                        name, dtype_name(t->dtype), dtype_name(e->dtype));
        Slot *s = &slots[at.intValue];
        if (s->tensor >= 0) return fail(LB_E_INVALID, "tensor %s is given twice", name);
        const bool vec = s->cols == 0;
        if (t->rank != (vec ? 1 : 2) || t->shape[0] != s->rows || (!vec && t->shape[1] != s->cols))
            return fail(LB_E_INVALID, "tensor %s has the wrong shape for this config", name);
        const size_t bytes = slot_bytes(s, wb);
        if (t->data != NULL && t->bytes != bytes)
            return fail(LB_E_INVALID, "tensor %s holds %zu bytes, expected %zu", name, t->bytes, bytes);
        if (t->data == NULL && t->dtype != LB_BF16) return fail(LB_E_INVALID, "synthetic tensor %s must be bf16", name);
        s->tensor = i;
    }
    for (int i = 0; i < n; ++i)
        if (slots[i].tensor < 0) return fail(LB_E_INVALID, "tensor %s is missing", slots[i].name);
    if (c->tie_word_embeddings) e->lm_head = e->embed;
    e->weight_buffers = [NSMutableArray array];
    const size_t max_buffer = (size_t)e->device.maxBufferLength;

    // 1. wrap the aligned tensors of the mapped files where they lie
    const uintptr_t page = (uintptr_t)getpagesize();
    NSMutableData *piece_mem = [NSMutableData dataWithLength:(size_t)n * sizeof(Piece)];
    Piece *pieces = (Piece *)piece_mem.mutableBytes;
    NSMutableData *placed_mem = [NSMutableData dataWithLength:(size_t)n];
    bool *placed = (bool *)placed_mem.mutableBytes;
    int np = 0;
    for (int i = 0; i < n; ++i) {
        const lb_tensor *t = &tensors[slots[i].tensor];
        const uintptr_t at = (uintptr_t)t->data;
        if (t->data == NULL || at % 8 != 0) continue;
        pieces[np++] = (Piece){at / page * page, (at + t->bytes + page - 1) / page * page, i};
    }
    qsort(pieces, (size_t)np, sizeof(Piece), by_lo);
    for (int i = 0; i < np;) {
        uintptr_t lo = pieces[i].lo, hi = pieces[i].hi;
        int j = i + 1;
        for (; j < np && pieces[j].lo < hi; ++j) // shares a page with the span so far
            if (pieces[j].hi > hi) hi = pieces[j].hi;
        id<MTLBuffer> span = nil;
        if (hi - lo <= max_buffer)
            span = [e->device newBufferWithBytesNoCopy:(void *)lo length:hi - lo options:MTLResourceStorageModeShared
                                           deallocator:nil]; // the Java side unmaps the files after lb_close
        if (span) {
            [e->weight_buffers addObject:span];
            e->spans++;
            for (int k = i; k < j; ++k) {
                Slot *s = &slots[pieces[k].slot];
                *s->dst = (Ref){span, (NSUInteger)((uintptr_t)tensors[s->tensor].data - lo)};
                placed[pieces[k].slot] = true;
                e->wrapped++;
            }
        }
        i = j;
    }

    // 2. the others into blocks of at most maxBufferLength bytes, each tensor 256-byte aligned
    NSMutableData *where_mem = [NSMutableData dataWithLength:(size_t)n * 2 * sizeof(size_t)];
    size_t *block_of = (size_t *)where_mem.mutableBytes, *offset_of = block_of + n;
    NSMutableData *end_mem = [NSMutableData dataWithLength:(size_t)(n + 1) * sizeof(size_t)];
    size_t *block_end = (size_t *)end_mem.mutableBytes;
    size_t blocks = 0, used = 0;
    for (int i = 0; i < n; ++i) {
        if (placed[i]) continue;
        const size_t bytes = slot_bytes(&slots[i], wb);
        if (bytes > max_buffer)
            return fail(LB_E_INVALID, "tensor %s has %zu bytes, more than the %zu of this GPU's largest buffer", slots[i].name,
                        bytes, max_buffer);
        if (blocks == 0 || align_up(used, 256) + bytes > max_buffer) {
            blocks++;
            used = 0;
        }
        block_of[i] = blocks - 1;
        offset_of[i] = align_up(used, 256);
        used = offset_of[i] + bytes;
        block_end[blocks - 1] = used;
    }
    NSMutableArray<id<MTLBuffer>> *block = [NSMutableArray arrayWithCapacity:blocks];
    for (size_t b = 0; b < blocks; ++b) {
        id<MTLBuffer> buf = [e->device newBufferWithLength:block_end[b] options:MTLResourceStorageModeShared];
        if (!buf)
            return fail(LB_E_INVALID, "allocating %zu bytes for the weights failed; the model does not fit: use a smaller model",
                        block_end[b]);
        [block addObject:buf];
        [e->weight_buffers addObject:buf];
    }
    BOOL fills = NO;
    for (int i = 0; i < n; ++i) {
        if (placed[i]) continue;
        const lb_tensor *t = &tensors[slots[i].tensor];
        id<MTLBuffer> buf = block[block_of[i]];
        *slots[i].dst = (Ref){buf, offset_of[i]};
        if (t->data != NULL) {
            memcpy((char *)buf.contents + offset_of[i], t->data, t->bytes);
            e->copied++;
            continue;
        }
        if (!fills) begin_call(e, NO);
        fills = YES;
        const uint64_t elems = slot_bytes(&slots[i], wb) / 2;
        const uint64_t groups = (elems / 4 + 255) / 256 < 65535 ? (elems / 4 + 255) / 256 + 1 : 65535;
        Args a = begin(e, e->k_synthetic_fill);
        arg_buf(&a, buf, offset_of[i]);
        arg_u64(&a, elems);
        arg_u64(&a, t->synth_base);
        arg_f32(&a, t->synth_center);
        arg_f32(&a, t->synth_scale);
        arg_u32(&a, 0u); // `opaque`: see synthetic_element
        dispatch(e, &a, "synthetic_fill", groups_1d((long)groups), 256, 0);
        e->synthetic++;
    }
    if (fills) TRY(run_call(e));
    return LB_OK;
}

/** A zeroed shared buffer of `bytes`, or nil with the error set. */
static id<MTLBuffer> new_buffer(LBEngine *e, size_t bytes, const char *what) {
    if (bytes > e->device.maxBufferLength) {
        fail(LB_E_INVALID, "%s needs %zu bytes, more than the %lu of this GPU's largest buffer; lower --max-cache-len", what,
             bytes, (unsigned long)e->device.maxBufferLength);
        return nil;
    }
    id<MTLBuffer> b = [e->device newBufferWithLength:bytes ? bytes : 16 options:MTLResourceStorageModeShared];
    if (!b) {
        fail(LB_E_INVALID, "allocating %zu bytes for %s failed; the model and its KV cache do not fit: lower "
                           "--max-cache-len or use a smaller model", bytes, what);
        return nil;
    }
    memset(b.contents, 0, b.length);
    return b;
}

#define ALLOC(field, bytes)                                                                                     \
    do {                                                                                                        \
        if (!(e->field = new_buffer(e, (bytes), #field))) return LB_E_INVALID;                                   \
    } while (0)

static int alloc_buffers(LBEngine *e) {
    const lb_model_config *c = &e->cfg;
    const size_t dim = (size_t)c->hidden_size, ffn = (size_t)c->intermediate_size, hd = (size_t)c->head_dim,
                 nkv = (size_t)c->num_kv_heads;
    const size_t q = (size_t)c->num_heads * hd, kv = nkv * hd, max_len = (size_t)e->opt.max_cache_len, f = sizeof(float);
    const size_t chunk = (size_t)(e->chunk = e->opt.prefill_seq_len < e->opt.max_cache_len ? e->opt.prefill_seq_len
                                                                                           : e->opt.max_cache_len);
    ALLOC(x, chunk * dim * f);
    ALLOC(xn, chunk * dim * f);
    ALLOC(qkv, chunk * (q + 2 * kv) * f);
    ALLOC(q, chunk * q * f);
    ALLOC(attn, chunk * q * f);
    ALLOC(gu, chunk * 2 * ffn * f);
    ALLOC(h, chunk * ffn * f);
    ALLOC(logits, (size_t)c->vocab_size * f);
    ALLOC(k_cache, (size_t)c->num_layers * kv * max_len * f);
    ALLOC(v_cache, (size_t)c->num_layers * kv * max_len * f);
    e->splits = (int)((max_len + kAttnSplit - 1) / kAttnSplit);
    ALLOC(part_o, q * (size_t)e->splits * f);
    ALLOC(part_ml, (size_t)c->num_heads * (size_t)e->splits * 2 * f);
    ALLOC(counters, (size_t)c->num_heads * sizeof(uint32_t));
    e->lm_groups = (int)lm_head_grid(e).width;
    ALLOC(tg_best, (size_t)e->lm_groups * sizeof(uint64_t));
    ALLOC(ids, max_len * sizeof(int32_t));
    ALLOC(step_in, sizeof(StepIn));
    ALLOC(step_out, sizeof(StepOut));
    // RoPE tables in f32 as Hugging Face makes them: inv_freq = 1 / theta^(2i/d), angle = pos * inv_freq
    const size_t half = hd / 2;
    ALLOC(rope_cos, max_len * half * f);
    ALLOC(rope_sin, max_len * half * f);
    float *cs = (float *)e->rope_cos.contents, *sn = (float *)e->rope_sin.contents;
    for (size_t i = 0; i < half; ++i) {
        const float inv = (float)(1.0 / pow((double)c->rope_theta, (double)((float)(2 * i) / (float)hd)));
        for (size_t p = 0; p < max_len; ++p) {
            const float angle = (float)p * inv;
            cs[p * half + i] = (float)cos((double)angle);
            sn[p * half + i] = (float)sin((double)angle);
        }
    }
    return LB_OK;
}
#undef ALLOC

static void init_gemm(LBEngine *e) {
    // MPS multiplies f32 matrices here; f16/bf16 weights run on gemm_f32 (native/README.md says why)
    e->gemm_mps = e->opt.prefill_gemm == 0 && e->dtype == LB_F32 && MPSSupportsMTLDevice(e->device);
    e->gemms = [NSMutableDictionary dictionary];
}

static void describe(LBEngine *e) {
    const NSOperatingSystemVersion v = NSProcessInfo.processInfo.operatingSystemVersion;
    char gemm[160], weights[320] = "";
    if (e->gemm_mps)
        snprintf(gemm, sizeof gemm, "MPSMatrixMultiplication, f32 inputs, f32 accumulate");
    else if (e->dtype == LB_F32)
        snprintf(gemm, sizeof gemm, "f32 GEMM kernel (gemm_f32)");
    else
        snprintf(gemm, sizeof gemm, "f32 GEMM kernel (gemm_f32), %s weights widened to f32", dtype_name(e->dtype));
    if (e->wrapped + e->copied > 0) // a model folder; for synthetic models the runner's own line stays
        snprintf(weights, sizeof weights,
                 "weights=mmap: %d tensors wrapped in place (newBufferWithBytesNoCopy over %d page-aligned spans of the "
                 "mapped files), %d copied into shared buffers (not 8-byte aligned, or Metal did not wrap their span)\n",
                 e->wrapped, e->spans, e->copied);
    snprintf(e->description, sizeof e->description,
             "device=%s\ndriver=macOS %ld.%ld.%ld\nprefill_gemm=%s\ndecode=%s\nprefill=%s\nkv_cache_dtype=f32\n"
             "weights_dtype=%s\ndecode_kernels=%d\nprefill_attention=f32 flash-style kernel (attn_prefill)\n"
             "fast_math=off\nunified_memory=%s\n%s",
             e->device.name.UTF8String, (long)v.majorVersion, (long)v.minorVersion, (long)v.patchVersion, gemm,
             e->opt.profile ? "a command buffer per kernel (profile)" : "one command buffer per step",
             e->opt.profile ? "a command buffer per kernel (profile)" : "one command buffer per call",
             dtype_name(e->dtype), e->decode_kernels, e->device.hasUnifiedMemory ? "yes" : "no", weights);
}

static int open_engine(LBEngine *e, const lb_tensor *tensors, int32_t count, double *compile_ms, double *load_ms) {
    e->attn_warp = e->cfg.head_dim == 64 || e->cfg.head_dim == 128; // before pick_device's threadgroup-memory check
    TRY(pick_device(e));
    sample_memory(e);
    e->mem_baseline = e->mem_peak;
    e->queue = [e->device newCommandQueue];
    if (!e->queue) return fail(LB_E_INTERNAL, "newCommandQueue failed");
    if (count <= 0 || tensors == NULL) return fail(LB_E_INVALID, "no tensors given");
    e->dtype = tensors[0].dtype;
    if (e->dtype != LB_F32 && e->dtype != LB_F16 && e->dtype != LB_BF16)
        return fail(LB_E_INVALID, "tensor %s has an unknown dtype %d", tensors[0].name ? tensors[0].name : "", (int)e->dtype);
    const double t0 = now_ms();
    TRY(build_pipelines(e)); // before the weights: synthetic weights are made by a kernel
    const double t1 = now_ms();
    TRY(load_weights(e, tensors, count));
    const double t2 = now_ms();
    TRY(alloc_buffers(e));
    init_gemm(e);
    e->decode_kernels = 1 + 5 * e->cfg.num_layers + 2; // embedding, 5 per layer, LM head and its argmax
    if (compile_ms) *compile_ms = t1 - t0;
    if (load_ms) *load_ms = t2 - t1;
    sample_memory(e);
    describe(e);
    return LB_OK;
}

// ---- the ABI -------------------------------------------------------------------------------------------------
int32_t lb_abi_version(void) { return LB_ABI_VERSION; }

int32_t lb_probe(char *buf, size_t buf_len) {
    @autoreleasepool {
        char msg[512];
        id<MTLDevice> d = MTLCreateSystemDefaultDevice();
        int rc = check_device(d, msg, sizeof msg);
        if (rc == LB_OK) {
            const NSOperatingSystemVersion v = NSProcessInfo.processInfo.operatingSystemVersion;
            snprintf(msg, sizeof msg, "%s (%.0f GiB recommended working set, macOS %ld.%ld)", d.name.UTF8String,
                     d.recommendedMaxWorkingSetSize / 1073741824.0, (long)v.majorVersion, (long)v.minorVersion);
        }
        if (buf && buf_len) snprintf(buf, buf_len, "%s", msg);
        return rc;
    }
}

int32_t lb_open(const lb_model_config *config, const lb_tensor *tensors, int32_t tensor_count, const lb_options *options,
                lb_engine **out, double *compile_ms, double *load_ms) {
    if (!config || !options || !out) return fail(LB_E_INVALID, "lb_open: null argument");
    *out = NULL;
    TRY(check_config(config, options));
    @autoreleasepool {
        LBEngine *e = [[LBEngine alloc] init];
        e->cfg = *config;
        e->opt = *options;
        TRY(open_engine(e, tensors, tensor_count, compile_ms, load_ms)); // on failure ARC releases what was made
        *out = (lb_engine *)(__bridge_retained void *)e;
    }
    return LB_OK;
}

int32_t lb_prefill(lb_engine *handle, const int32_t *ids, int32_t n, int32_t *next_token) {
    LBEngine *e = engine_of(handle);
    if (!e || !ids || !next_token) return fail(LB_E_INVALID, "lb_prefill: null argument");
    if (n <= 0 || n > e->opt.max_cache_len)
        return fail(LB_E_INVALID, "prompt of %d tokens does not fit the KV cache of %d (--max-cache-len)", n, e->opt.max_cache_len);
    for (int32_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= e->cfg.vocab_size)
            return fail(LB_E_INVALID, "prompt id %d at %d is outside the vocabulary [0, %d)", ids[i], i, e->cfg.vocab_size);
    @autoreleasepool {
        memcpy(e->ids.contents, ids, sizeof(int32_t) * (size_t)n);
        e->pos = 0;
        begin_call(e, YES);
        encode_prefill(e, n);
        TRY(finish_call(e, next_token));
    }
    e->pos = n;
    return LB_OK;
}

int32_t lb_decode(lb_engine *handle, int32_t token, int32_t *next_token) {
    LBEngine *e = engine_of(handle);
    if (!e || !next_token) return fail(LB_E_INVALID, "lb_decode: null argument");
    if (e->pos >= e->opt.max_cache_len)
        return fail(LB_E_INVALID, "the KV cache is full (%d positions); raise --max-cache-len", e->opt.max_cache_len);
    if (token < 0 || token >= e->cfg.vocab_size)
        return fail(LB_E_INVALID, "token %d is outside the vocabulary [0, %d)", token, e->cfg.vocab_size);
    @autoreleasepool {
        StepIn *in = (StepIn *)e->step_in.contents; // the GPU is idle between calls
        in->token = token;
        in->pos = e->pos;
        begin_call(e, YES);
        encode_decode(e);
        TRY(finish_call(e, next_token));
    }
    e->pos++;
    return LB_OK;
}

int32_t lb_reset(lb_engine *handle) {
    LBEngine *e = engine_of(handle);
    if (!e) return fail(LB_E_INVALID, "lb_reset: null engine");
    e->pos = 0;
    e->profile_rows = 0; // the profile printed at lb_close covers the last sequence only: warm, not the first calls
    ((StepOut *)e->step_out.contents)->non_finite = 0;
    return LB_OK;
}

int32_t lb_fill_cache(lb_engine *handle, int32_t positions, uint64_t seed) {
    LBEngine *e = engine_of(handle);
    if (!e) return fail(LB_E_INVALID, "lb_fill_cache: null engine");
    const int max_len = e->opt.max_cache_len;
    if (positions < 1 || positions >= max_len)
        return fail(LB_E_INVALID, "cannot fill %d cache positions: expected 1 to %d (max_cache_len %d less the position the next step writes)",
                    positions, max_len - 1, max_len);
    TRY(lb_reset(handle)); // a new sequence: position 0, the non-finite flag cleared
    const lb_model_config *c = &e->cfg;
    // the decode step reads its position from StepIn, which lb_decode sets from e->pos, and the attention splits it
    // uses from that position: nothing else depends on the sequence's length
    const uint64_t n = (uint64_t)positions * (uint64_t)c->num_kv_heads * (uint64_t)c->head_dim;
    const uint64_t groups = (n + 255) / 256 < (uint64_t)kMaxGroups ? (n + 255) / 256 : (uint64_t)kMaxGroups;
    const double last_ms = e->last_ms; // not a timed call: the kernel stats stay those of the last prefill or decode
    @autoreleasepool {
        begin_call(e, NO);
        Args a = begin(e, e->k_cache_fill);
        arg_buf(&a, e->k_cache, 0);
        arg_buf(&a, e->v_cache, 0);
        arg_u64(&a, seed);
        arg_i32(&a, positions);
        arg_i32(&a, c->num_kv_heads);
        arg_i32(&a, c->head_dim);
        arg_i32(&a, max_len);
        dispatch(e, &a, "cache_fill", MTLSizeMake((NSUInteger)groups, (NSUInteger)(2 * c->num_layers), 1), 256, 0);
        const int rc = run_call(e);
        e->last_ms = last_ms;
        TRY(rc);
    }
    e->pos = positions;
    return LB_OK;
}

int32_t lb_last_kernel_stats(const lb_engine *handle, lb_kernel_stats *out) {
    LBEngine *e = engine_of(handle);
    if (!e || !out) return fail(LB_E_INVALID, "lb_last_kernel_stats: null argument");
    if (!e->have_stats) return fail(LB_E_INVALID, "no prefill or decode call has finished yet");
    out->kernel_ms = e->last_ms;
    out->kernel_count = e->last_count;
    return LB_OK;
}

int32_t lb_peak_device_memory(const lb_engine *handle, int64_t *bytes) {
    LBEngine *e = engine_of(handle);
    if (!e || !bytes) return fail(LB_E_INVALID, "lb_peak_device_memory: null argument");
    sample_memory(e);
    *bytes = (int64_t)(e->mem_peak - e->mem_baseline);
    return LB_OK;
}

int32_t lb_saw_non_finite(const lb_engine *handle) {
    LBEngine *e = engine_of(handle);
    return e && e->step_out && ((const StepOut *)e->step_out.contents)->non_finite ? 1 : 0;
}

int32_t lb_last_logits(const lb_engine *handle, float *out, int32_t n) {
    LBEngine *e = engine_of(handle);
    if (!e || !out) return fail(LB_E_INVALID, "lb_last_logits: null argument");
    if (n < 0 || n > e->cfg.vocab_size) return fail(LB_E_INVALID, "lb_last_logits: n = %d outside [0, %d]", n, e->cfg.vocab_size);
    memcpy(out, e->logits.contents, sizeof(float) * (size_t)n);
    return LB_OK;
}

int32_t lb_describe(const lb_engine *handle, char *buf, size_t buf_len) {
    LBEngine *e = engine_of(handle);
    if (!e || !buf || buf_len == 0) return fail(LB_E_INVALID, "lb_describe: null argument");
    snprintf(buf, buf_len, "%s", e->description);
    return LB_OK;
}

const char *lb_last_error(void) { return g_error; }

static int by_ms_descending(const void *a, const void *b) {
    const double x = ((const ProfileRow *)a)->ms, y = ((const ProfileRow *)b)->ms;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void print_profile(LBEngine *e) {
    if (e->profile_rows == 0) return;
    qsort(e->profile, (size_t)e->profile_rows, sizeof(ProfileRow), by_ms_descending);
    double total = 0.0;
    for (int i = 0; i < e->profile_rows; ++i) total += e->profile[i].ms;
    fprintf(stderr, "llmbench metal profile: kernel time by kernel over the last sequence (a command buffer per kernel, "
                    "GPU start to end of each)\n");
    fprintf(stderr, "  %-20s %10s %12s %12s %7s\n", "kernel", "launches", "total ms", "mean us", "share");
    for (int i = 0; i < e->profile_rows; ++i) {
        const ProfileRow *r = &e->profile[i];
        fprintf(stderr, "  %-20s %10ld %12.3f %12.2f %6.1f%%\n", r->label, r->launches, r->ms, 1000.0 * r->ms / r->launches,
                100.0 * r->ms / total);
    }
}

void lb_close(lb_engine *handle) {
    if (!handle) return;
    @autoreleasepool {
        // takes back lb_open's reference: the engine, its buffers (the wrapped spans too), pipelines and queue go
        // when this scope ends; no call is in flight, every call waits for its command buffer
        LBEngine *e = (__bridge_transfer LBEngine *)(void *)handle;
        print_profile(e);
    }
}
