/**
 * Fixed-horizon effect of an arm against control, from sufficient statistics
 * { n, Σy, Σy² } per arm (a proportion is the 0/1 case: Σy = Σy² = successes).
 *
 * - Absolute effect d = ȳ_arm − ȳ_control, se = √(s²_arm/n_arm + s²_control/n_control).
 *   `test: 'welch'` (default): unbiased variances (n − 1) and Student t with the
 *   Welch–Satterthwaite degrees of freedom, df = (v₁ + v₂)² / (v₁²/(n₁−1) + v₂²/(n₂−1)),
 *   v = s²/n (Welch 1947, Biometrika 34:28–35; as R's `t.test(var.equal = FALSE)`).
 *   `test: 'z'`: maximum-likelihood variances (divide by n) and the normal distribution; for
 *   0/1 data this is the Wald interval p₁ − p₂ ± z·√(p₁q₁/n₁ + p₂q₂/n₂).
 * - Relative lift r = ȳ_arm/ȳ_control − 1 with the delta-method variance
 *   Var(r) ≈ v_arm/ȳ_c² + ȳ_a²·v_control/ȳ_c⁴ (first-order Taylor expansion of a ratio of
 *   independent means; Casella & Berger, Statistical Inference, 2nd ed., §5.5.4), and the same
 *   critical value as the absolute interval.
 * - The p-value is the two-sided test of d = 0 (the same hypothesis as r = 0).
 *
 * Empty or too-small arms give `null` (n = 0 in an arm, or n < 2 for Welch); malformed input
 * (negative or fractional n, Σy² < 0, (Σy)² > n·Σy²) throws a RangeError.
 */
import { studentTCdf, studentTQuantile } from './distributions.ts';

/** Sufficient statistics of one arm: count, sum and sum of squares of the per-unit metric. */
export interface SufficientStats {
	n: number;
	sum: number;
	sumSquares: number;
}

/** A point estimate with its standard error and two-sided confidence interval. */
export interface Interval {
	estimate: number;
	se: number;
	lower: number;
	upper: number;
}

export type EffectTest = 'welch' | 'z';

export interface EffectOptions {
	/** two-sided level: the interval has coverage 1 − alpha (default 0.05) */
	alpha?: number;
	/** default 'welch' */
	test?: EffectTest;
}

export interface EffectResult {
	test: EffectTest;
	alpha: number;
	controlMean: number;
	armMean: number;
	/** arm − control */
	absolute: Interval;
	/** arm/control − 1; null when the control mean is 0 */
	relative: Interval | null;
	/** t (Welch) or z statistic of the absolute difference */
	statistic: number;
	/** Welch–Satterthwaite df, or Infinity for the z test */
	df: number;
	/** two-sided p-value for "no difference" */
	pValue: number;
}

/** Sufficient statistics of a 0/1 metric with `successes` ones among `n` units. */
export function proportionStats(successes: number, n: number): SufficientStats {
	if (!(successes >= 0) || successes > n)
		throw new RangeError(`successes must be between 0 and n (got ${successes} of ${n})`);
	return { n, sum: successes, sumSquares: successes };
}

/** Sufficient statistics of a list of values (convenience for tests and small data). */
export function statsOf(values: readonly number[]): SufficientStats {
	let sum = 0;
	let sumSquares = 0;
	for (const v of values) {
		sum += v;
		sumSquares += v * v;
	}
	return { n: values.length, sum, sumSquares };
}

/** Throws a RangeError unless the statistics are well formed. */
export function validateStats(s: SufficientStats, label = 'arm'): void {
	if (!Number.isInteger(s.n) || s.n < 0)
		throw new RangeError(`${label}: n must be a non-negative integer (got ${s.n})`);
	if (!Number.isFinite(s.sum) || !Number.isFinite(s.sumSquares))
		throw new RangeError(`${label}: sum and sumSquares must be finite numbers`);
	if (s.sumSquares < 0) throw new RangeError(`${label}: sumSquares must be ≥ 0`);
	if (s.n === 0 && (s.sum !== 0 || s.sumSquares !== 0))
		throw new RangeError(`${label}: n = 0 but the sums are not 0`);
	// Cauchy–Schwarz: (Σy)² ≤ n·Σy², with room for rounding
	if (s.sum * s.sum > s.n * s.sumSquares * (1 + 1e-9) + 1e-9)
		throw new RangeError(`${label}: inconsistent sums ((Σy)² > n·Σy²)`);
}

/** Mean and variance of one arm; `ddof` 1 gives the unbiased variance, 0 the ML variance. */
export function meanAndVariance(
	s: SufficientStats,
	ddof: 0 | 1 = 1
): { mean: number; variance: number } {
	const mean = s.n > 0 ? s.sum / s.n : NaN;
	if (s.n - ddof <= 0) return { mean, variance: NaN };
	// centred sum of squares; clamp the rounding error of the one-pass formula
	const ss = Math.max(0, s.sumSquares - (s.sum * s.sum) / s.n);
	return { mean, variance: ss / (s.n - ddof) };
}

/** Two-sided p-value of a t (or z, df = Infinity) statistic. */
export function twoSidedP(statistic: number, df: number): number {
	if (Number.isNaN(statistic)) return NaN;
	return Math.min(1, 2 * studentTCdf(-Math.abs(statistic), df));
}

function checkAlpha(alpha: number): void {
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
}

/**
 * Effect of `arm` against `control` (fixed horizon). Null when an arm has too little data
 * (n = 0; or n < 2 with the Welch test).
 */
export function compareArms(
	control: SufficientStats,
	arm: SufficientStats,
	options: EffectOptions = {}
): EffectResult | null {
	const alpha = options.alpha ?? 0.05;
	const test = options.test ?? 'welch';
	checkAlpha(alpha);
	validateStats(control, 'control');
	validateStats(arm, 'arm');
	const ddof = test === 'welch' ? 1 : 0;
	if (control.n <= ddof || arm.n <= ddof) return null;

	const c = meanAndVariance(control, ddof);
	const a = meanAndVariance(arm, ddof);
	const vC = c.variance / control.n;
	const vA = a.variance / arm.n;
	const d = a.mean - c.mean;
	const se = Math.sqrt(vA + vC);

	let df = Infinity;
	if (test === 'welch') {
		const denom = (vA * vA) / (arm.n - 1) + (vC * vC) / (control.n - 1);
		// both variances 0: df is 0/0; any value gives the same (degenerate) answer
		df = denom > 0 ? ((vA + vC) * (vA + vC)) / denom : arm.n + control.n - 2;
	}
	const crit = studentTQuantile(1 - alpha / 2, df);

	let statistic: number;
	let pValue: number;
	if (se > 0) {
		statistic = d / se;
		pValue = twoSidedP(statistic, df);
	} else {
		// no variance at all: the difference is known exactly
		statistic = d === 0 ? 0 : d > 0 ? Infinity : -Infinity;
		pValue = d === 0 ? 1 : 0;
	}

	let relative: Interval | null = null;
	if (c.mean !== 0) {
		const r = a.mean / c.mean - 1;
		const seR = Math.sqrt(vA / c.mean ** 2 + (a.mean ** 2 * vC) / c.mean ** 4);
		relative = { estimate: r, se: seR, lower: r - crit * seR, upper: r + crit * seR };
	}

	return {
		test,
		alpha,
		controlMean: c.mean,
		armMean: a.mean,
		absolute: { estimate: d, se, lower: d - crit * se, upper: d + crit * se },
		relative,
		statistic,
		df,
		pValue
	};
}

/**
 * Whether an effect differs between two independent groups (a segment and the rest of the
 * experiment: the treatment × segment interaction): the difference of the two effects,
 * d₁ − d₂, its standard error √(se₁² + se₂²) and the two-sided normal test of "no difference"
 * (Altman & Bland 2003, "Interaction revisited: the difference between two estimates", BMJ
 * 326:219). Null when a standard error is 0 or not finite.
 */
export function interactionTest(d1: number, se1: number, d2: number, se2: number): { difference: number; se: number; z: number; pValue: number } | null {
	const se = Math.sqrt(se1 * se1 + se2 * se2);
	if (!(se > 0) || !Number.isFinite(se) || !Number.isFinite(d1) || !Number.isFinite(d2)) return null;
	const z = (d1 - d2) / se;
	return { difference: d1 - d2, se, z, pValue: twoSidedP(z, Infinity) };
}
