package dev.llmbench.results;

/**
 * The few distribution functions the statistics need, computed here so the results format has no numerical
 * dependency: Student's t (CDF, two-sided tail, quantile) and the standard normal CDF. Accurate to about
 * 1e-12 relative, far past what five benchmark runs can resolve.
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

    /** P(T <= t) for Student's t with {@code df} degrees of freedom ({@code df} > 0, need not be an integer). */
    public static double studentTCdf(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (t == 0) {
            return 0.5;
        }
        double tail = studentTTwoSided(Math.abs(t), df) / 2;
        return t > 0 ? 1 - tail : tail;
    }

    /** P(|T| >= |t|): the two-sided p-value of a t statistic. */
    public static double studentTTwoSided(double t, double df) {
        checkDf(df);
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        if (Double.isInfinite(t)) {
            return 0;
        }
        double t2 = t * t;
        // P(|T| >= t) = I_x(df/2, 1/2) with x = df / (df + t^2); 1 - x passed separately to keep precision near t = 0.
        return regularizedBeta(df / (df + t2), t2 / (df + t2), df / 2, 0.5);
    }

    /** The t with P(T <= t) = p: exact to about 1e-12 by bisection on the CDF. */
    public static double studentTQuantile(double p, double df) {
        checkDf(df);
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        if (p == 0.5) {
            return 0;
        }
        if (p < 0.5) {
            return -studentTQuantile(1 - p, df);
        }
        double upperTail = 1 - p;
        double lo = 0;
        double hi = 1;
        while (studentTTwoSided(hi, df) / 2 > upperTail) {
            lo = hi;
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (studentTTwoSided(mid, df) / 2 > upperTail) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
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

    /** I_x(a, b), the regularized incomplete beta function; {@code y} is 1 - x, given exactly by the caller. */
    static double regularizedBeta(double x, double y, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (y <= 0) {
            return 1;
        }
        double front = Math.exp(a * Math.log(x) + b * Math.log(y) - (logGamma(a) + logGamma(b) - logGamma(a + b)));
        // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaFraction(x, a, b) / a;
        }
        return 1 - front * betaFraction(y, b, a) / b;
    }

    /** Continued fraction of the incomplete beta function, by the modified Lentz method. */
    private static double betaFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < TINY ? TINY : d);
        double h = d;
        for (int m = 1; m <= MAX_ITERATIONS; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = 1 / (Math.abs(d) < TINY ? TINY : d);
            c = 1 + even / c;
            c = Math.abs(c) < TINY ? TINY : c;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = 1 / (Math.abs(d) < TINY ? TINY : d);
            c = 1 + odd / c;
            c = Math.abs(c) < TINY ? TINY : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPSILON) {
                return h;
            }
        }
        return h;
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

    private static void checkDf(double df) {
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be > 0, got " + df);
        }
    }
}
