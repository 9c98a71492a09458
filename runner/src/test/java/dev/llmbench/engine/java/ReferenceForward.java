package dev.llmbench.engine.java;

import dev.llmbench.model.ModelConfig;
import dev.llmbench.model.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * The naive Qwen2 forward pass, one token at a time, written from the Hugging Face modeling code with
 * {@link ScalarKernels} only: the oracle of {@link Qwen2Model} (chunked prefill, vector kernels, thread pool).
 */
final class ReferenceForward {
    private final Weights w;
    private final ModelConfig c;
    private final List<List<float[]>> keys = new ArrayList<>();   // (layer, position) -> (kvDim)
    private final List<List<float[]>> values = new ArrayList<>();
    private int pos;

    ReferenceForward(Weights w) {
        this.w = w;
        this.c = w.config();
        for (int l = 0; l < c.numLayers(); l++) {
            keys.add(new ArrayList<>());
            values.add(new ArrayList<>());
        }
    }

    /** Feeds one token and returns the logits of its position, (vocab). */
    float[] step(int token) {
        int dim = c.hiddenSize();
        int hd = c.headDim();
        float[] x = new float[dim];
        for (int i = 0; i < dim; i++) {
            x[i] = w.embed().getFloat((long) token * dim + i);
        }
        for (int l = 0; l < c.numLayers(); l++) {
            Weights.Layer layer = w.layers()[l];
            float[] h = new float[dim];
            ScalarKernels.rmsnorm(x, 0, h, 0, layer.inputNorm(), dim, c.rmsNormEps());
            float[] q = ScalarKernels.matmul(layer.q(), h, 1, layer.qBias());
            float[] k = ScalarKernels.matmul(layer.k(), h, 1, layer.kBias());
            float[] v = ScalarKernels.matmul(layer.v(), h, 1, layer.vBias());
            for (int head = 0; head < c.numHeads(); head++) {
                ScalarKernels.rope(q, head * hd, hd, pos, c.ropeTheta());
            }
            for (int head = 0; head < c.numKvHeads(); head++) {
                ScalarKernels.rope(k, head * hd, hd, pos, c.ropeTheta());
            }
            keys.get(l).add(k);
            values.get(l).add(v);
            float[] att = new float[c.qDim()];
            int group = c.numHeads() / c.numKvHeads();
            for (int head = 0; head < c.numHeads(); head++) {
                int kvh = head / group;
                float[] s = new float[pos + 1];
                for (int j = 0; j <= pos; j++) {
                    double d = 0;
                    for (int i = 0; i < hd; i++) {
                        d += (double) q[head * hd + i] * keys.get(l).get(j)[kvh * hd + i];
                    }
                    s[j] = (float) (d / Math.sqrt(hd));
                }
                ScalarKernels.softmax(s, 0, pos + 1);
                for (int i = 0; i < hd; i++) {
                    double o = 0;
                    for (int j = 0; j <= pos; j++) {
                        o += (double) s[j] * values.get(l).get(j)[kvh * hd + i];
                    }
                    att[head * hd + i] = (float) o;
                }
            }
            float[] o = ScalarKernels.matmul(layer.o(), att, 1, null);
            for (int i = 0; i < dim; i++) {
                x[i] += o[i];
            }
            ScalarKernels.rmsnorm(x, 0, h, 0, layer.postNorm(), dim, c.rmsNormEps());
            float[] g = ScalarKernels.matmul(layer.gate(), h, 1, null);
            float[] u = ScalarKernels.matmul(layer.up(), h, 1, null);
            for (int i = 0; i < g.length; i++) {
                g[i] = ScalarKernels.silu(g[i]) * u[i];
            }
            float[] d = ScalarKernels.matmul(layer.down(), g, 1, null);
            for (int i = 0; i < dim; i++) {
                x[i] += d[i];
            }
        }
        float[] h = new float[dim];
        ScalarKernels.rmsnorm(x, 0, h, 0, w.finalNorm(), dim, c.rmsNormEps());
        pos++;
        return ScalarKernels.matmul(w.lmHead(), h, 1, null);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
