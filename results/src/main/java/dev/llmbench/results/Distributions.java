package dev.llmbench.results;

/**
 * The standard normal CDF, for the Mann-Whitney U test's normal approximation beyond 20 samples a side, computed
 * here (through the incomplete gamma function) so the results format has no numerical dependency. Accurate to about
 * 1e-12 relative, far past what benchmark runs can resolve.
 */
public final class Distributions {
    private static final double EPSILON = 1e-15;
    private static final double TINY = 1e-300;
    private static final int MAX_ITERATIONS = 10_000;
    /** Lanczos approximation, g = 7, n = 9: ln Γ to about 15 digits for positive arguments. */
    private static final double[] LANCZOS = {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};

    private Distributions() {
    }

    /** Φ(z), the standard normal CDF. */
    public static double normalCdf(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        // Φ(z) = erfc(-z / √2) / 2, and erfc(x) = Q(1/2, x²) for x >= 0.
        double x = Math.abs(z) / Math.sqrt(2);
        double upper = regularizedGammaQ(0.5, x * x) / 2;
        return z < 0 ? upper : 1 - upper;
    }

    /** ln Γ(x) for x > 0. */
    static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /** Q(a, x) = Γ(a, x) / Γ(a), the regularized upper incomplete gamma function. */
    static double regularizedGammaQ(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        double logFront = a * Math.log(x) - x - logGamma(a);
        if (x < a + 1) {
            // Series for P(a, x), then Q = 1 - P.
            double term = 1 / a;
            double sum = term;
            for (int n = 1; n <= MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPSILON; n++) {
                term *= x / (a + n);
                sum += term;
            }
            return 1 - sum * Math.exp(logFront);
        }
        // Continued fraction for Q(a, x), modified Lentz.
        double b = x + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i <= MAX_ITERATIONS; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < TINY ? TINY : d;
            c = b + an / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPSILON) {
                break;
            }
        }
        return Math.exp(logFront) * h;
    }
}
