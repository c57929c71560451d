/**
 * Distribution functions used by the experiment statistics: thin, typed wrappers over the
 * modular `@stdlib/stats-base-dists-*` and `@stdlib/math-base-special-*` packages
 * (stdlib, https://stdlib.io, Apache-2.0). Pure JavaScript: no Node built-ins, so they run in
 * the browser bundle as well as on the server.
 *
 * Formulas (for the few identities used here rather than a direct stdlib function):
 * - upper tails through the regularized incomplete functions, which keep full relative
 *   precision for tiny p-values where `1 − cdf` would cancel (Abramowitz & Stegun, Handbook
 *   of Mathematical Functions, §6.5, §26.4 and §26.5):
 *   P(χ²_k ≥ x) = Q(k/2, x/2);  P(Bin(n,p) ≥ k) = I_p(k, n−k+1);  P(Pois(λ) ≥ k) = P(k, λ).
 *
 * Every function returns NaN for parameters outside its domain (stdlib's convention).
 */
import betaCdfImpl from '@stdlib/stats-base-dists-beta-cdf';
import betaPdfImpl from '@stdlib/stats-base-dists-beta-pdf';
import betaQuantileImpl from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdfImpl from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmfImpl from '@stdlib/stats-base-dists-binomial-pmf';
import hypergeometricPmfImpl from '@stdlib/stats-base-dists-hypergeometric-pmf';
import normalCdfImpl from '@stdlib/stats-base-dists-normal-cdf';
import normalPdfImpl from '@stdlib/stats-base-dists-normal-pdf';
import normalQuantileImpl from '@stdlib/stats-base-dists-normal-quantile';
import poissonCdfImpl from '@stdlib/stats-base-dists-poisson-cdf';
import poissonPmfImpl from '@stdlib/stats-base-dists-poisson-pmf';
import tCdfImpl from '@stdlib/stats-base-dists-t-cdf';
import tQuantileImpl from '@stdlib/stats-base-dists-t-quantile';
import betaincImpl from '@stdlib/math-base-special-betainc';
import betalnImpl from '@stdlib/math-base-special-betaln';
import gammaincImpl from '@stdlib/math-base-special-gammainc';
import gammalnImpl from '@stdlib/math-base-special-gammaln';

/** Normal cumulative distribution function P(X ≤ x), X ~ N(mu, sigma²). */
export function normalCdf(x: number, mu = 0, sigma = 1): number {
	return normalCdfImpl(x, mu, sigma);
}

/** Normal density. */
export function normalPdf(x: number, mu = 0, sigma = 1): number {
	return normalPdfImpl(x, mu, sigma);
}

/** Normal quantile (inverse cdf): the x with P(X ≤ x) = p. */
export function normalQuantile(p: number, mu = 0, sigma = 1): number {
	return normalQuantileImpl(p, mu, sigma);
}

/** Student t cdf with `df` degrees of freedom; df = Infinity gives the standard normal. */
export function studentTCdf(x: number, df: number): number {
	return df === Infinity ? normalCdfImpl(x, 0, 1) : tCdfImpl(x, df);
}

/** Student t quantile; df = Infinity gives the standard normal quantile. */
export function studentTQuantile(p: number, df: number): number {
	return df === Infinity ? normalQuantileImpl(p, 0, 1) : tQuantileImpl(p, df);
}

/** Chi-square cdf P(X ≤ x) with `df` degrees of freedom: P(df/2, x/2). */
export function chiSquareCdf(x: number, df: number): number {
	if (Number.isNaN(x) || !(df > 0)) return NaN;
	if (x <= 0) return 0;
	if (x === Infinity) return 1;
	return gammaincImpl(x / 2, df / 2, true, false);
}

/** Chi-square upper tail P(X ≥ x) = Q(df/2, x/2): the p-value of a χ² statistic. */
export function chiSquareSurvival(x: number, df: number): number {
	if (Number.isNaN(x) || !(df > 0)) return NaN;
	if (x <= 0) return 1;
	if (x === Infinity) return 0;
	return gammaincImpl(x / 2, df / 2, true, true);
}

/** Binomial P(X = k), X ~ Bin(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
	return binomialPmfImpl(k, n, p);
}

/** Binomial P(X ≤ k). */
export function binomialCdf(k: number, n: number, p: number): number {
	return binomialCdfImpl(k, n, p);
}

/** Binomial P(X ≥ k) = I_p(k, n−k+1), accurate in the far tail. */
export function binomialUpperTail(k: number, n: number, p: number): number {
	if (!Number.isInteger(n) || n < 0 || !(p >= 0 && p <= 1) || Number.isNaN(k)) return NaN;
	if (k <= 0) return 1;
	if (k > n) return 0;
	if (p === 0) return 0;
	if (p === 1) return 1;
	return betaincImpl(p, Math.ceil(k), n - Math.ceil(k) + 1, true, false);
}

/** Poisson P(X = k), X ~ Pois(lambda). */
export function poissonPmf(k: number, lambda: number): number {
	return poissonPmfImpl(k, lambda);
}

/** Poisson P(X ≤ k). */
export function poissonCdf(k: number, lambda: number): number {
	return poissonCdfImpl(k, lambda);
}

/** Poisson P(X ≥ k) = P(k, λ) (regularized lower incomplete gamma). */
export function poissonUpperTail(k: number, lambda: number): number {
	if (!(lambda >= 0) || Number.isNaN(k)) return NaN;
	if (k <= 0) return 1;
	if (lambda === 0) return 0;
	return gammaincImpl(lambda, Math.ceil(k), true, false);
}

/** Beta(a, b) cdf, i.e. the regularized incomplete beta function I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
	return betaCdfImpl(x, a, b);
}

/** Beta(a, b) density. */
export function betaPdf(x: number, a: number, b: number): number {
	return betaPdfImpl(x, a, b);
}

/** Beta(a, b) quantile (inverse of the regularized incomplete beta in x). */
export function betaQuantile(p: number, a: number, b: number): number {
	return betaQuantileImpl(p, a, b);
}

/**
 * Hypergeometric P(X = k): k successes in `draws` draws without replacement from a
 * population of `population` items of which `successes` are successes.
 */
export function hypergeometricPmf(
	k: number,
	population: number,
	successes: number,
	draws: number
): number {
	return hypergeometricPmfImpl(k, population, successes, draws);
}

/** Regularized incomplete beta I_x(a, b) (upper = 1 − I_x(a, b), computed without cancellation). */
export function regularizedBeta(x: number, a: number, b: number, upper = false): number {
	return betaincImpl(x, a, b, true, upper);
}

/** Regularized incomplete gamma: lower P(a, x), or upper Q(a, x) when `upper`. */
export function regularizedGamma(x: number, a: number, upper = false): number {
	return gammaincImpl(x, a, true, upper);
}

/** ln Γ(x). */
export function logGamma(x: number): number {
	return gammalnImpl(x);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
	return betalnImpl(a, b);
}
