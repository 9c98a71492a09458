package dev.llmbench.site.diff;

import java.util.Arrays;

/**
 * Two-sided Mann-Whitney U test: do two samples come from the same distribution? Exact for small samples without
 * ties (so it can reach p &lt; 0.05 with 5 runs a side: the smallest p there is 2/252), normal approximation with
 * tie correction otherwise. Makes no assumption of normality, which run times rarely have.
 */
public final class MannWhitney {
    /** Above this many (x, y) pairs the exact distribution is replaced by the normal approximation. */
    static final int EXACT_LIMIT = 2500;

    private MannWhitney() {
    }

    /** Two-sided p-value; 1 when either sample is empty. */
    public static double pValue(double[] x, double[] y) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            return 1.0;
        }
        double[] all = new double[n1 + n2];
        System.arraycopy(x, 0, all, 0, n1);
        System.arraycopy(y, 0, all, n1, n2);
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        // midranks; tie groups also feed the variance correction
        double rankSumX = 0;
        for (double v : x) {
            rankSumX += midrank(sorted, v);
        }
        double u = rankSumX - n1 * (n1 + 1) / 2.0;
        boolean ties = false;
        double tieTerm = 0;
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j < sorted.length && sorted[j] == sorted[i]) {
                j++;
            }
            int t = j - i;
            if (t > 1) {
                ties = true;
                tieTerm += (double) t * t * t - t;
            }
            i = j;
        }
        if (!ties && (long) n1 * n2 <= EXACT_LIMIT) {
            return exact(u, n1, n2);
        }
        double n = n1 + n2;
        double mean = n1 * n2 / 2.0;
        double var = n1 * n2 / 12.0 * ((n + 1) - tieTerm / (n * (n - 1)));
        if (var <= 0) {
            return 1.0;
        }
        double z = (Math.abs(u - mean) - 0.5) / Math.sqrt(var);
        return Math.min(1.0, 2 * (1 - normalCdf(Math.max(0, z))));
    }

    private static double midrank(double[] sorted, double v) {
        int lo = Arrays.binarySearch(sorted, v);
        int first = lo;
        while (first > 0 && sorted[first - 1] == v) {
            first--;
        }
        int last = lo;
        while (last < sorted.length - 1 && sorted[last + 1] == v) {
            last++;
        }
        return (first + last) / 2.0 + 1;
    }

    /** P(U <= u) and P(U >= u) from the exact distribution of U (counts of rank arrangements), doubled. */
    static double exact(double u, int n1, int n2) {
        int max = n1 * n2;
        // counts[i][k] = arrangements of i x's among the first positions giving U = k, built up by n2
        double[][] prev = new double[n1 + 1][max + 1];
        for (int i = 0; i <= n1; i++) {
            prev[i][0] = 1;
        }
        for (int m = 1; m <= n2; m++) {
            double[][] cur = new double[n1 + 1][max + 1];
            cur[0][0] = 1;
            for (int i = 1; i <= n1; i++) {
                for (int k = 0; k <= max; k++) {
                    // the largest value is an x (adds m to U) or a y
                    double c = cur[i - 1][k >= m ? k - m : 0] * (k >= m ? 1 : 0) + prev[i][k];
                    cur[i][k] = c;
                }
            }
            prev = cur;
        }
        double[] dist = prev[n1];
        double total = 0;
        for (double c : dist) {
            total += c;
        }
        long uFloor = (long) Math.floor(u);
        long uCeil = (long) Math.ceil(u);
        double lower = 0;
        double upper = 0;
        for (int k = 0; k <= max; k++) {
            if (k <= uFloor) {
                lower += dist[k];
            }
            if (k >= uCeil) {
                upper += dist[k];
            }
        }
        return Math.min(1.0, 2 * Math.min(lower, upper) / total);
    }

    /** Standard normal CDF (Abramowitz-Stegun 7.1.26 through erf; error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
