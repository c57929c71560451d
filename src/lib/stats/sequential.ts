/**
 * Always-valid (sequential) inference for an arm against control: the mixture sequential
 * probability ratio test (mSPRT) with a normal mixture over the effect, applied to the
 * asymptotically normal estimate of the difference (Johari, Pekelis & Walsh 2017, "Peeking at
 * A/B tests: why it matters, and what to do about it", KDD '17, and "Always valid inference",
 * Operations Research 70(3), 2022; the formulation used by Optimizely and GrowthBook).
 *
 * With estimate d̂ of the effect θ, its variance V (= se²) and mixture θ ~ N(θ₀, τ²):
 *   Λ(θ₀) = √(V/(V + τ²)) · exp( τ²(d̂ − θ₀)² / (2V(V + τ²)) )
 *   always-valid p-value      p = min(1, 1/Λ(0))
 *   confidence sequence       d̂ ± √( V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V)) )
 * (the set of θ₀ with Λ(θ₀) < 1/α). With V = σ²/N and τ² = ρ²σ² this is exactly the
 * asymptotic confidence sequence of Waudby-Smith et al. 2021 ("Time-uniform central limit
 * theory and asymptotic confidence sequences", two-sided normal-mixture form):
 *   d̂ ± σ √( 2(Nρ² + 1)/(N²ρ²) · ln(√(Nρ² + 1)/α) ).
 *
 * Tuning. The mixture variance τ² sets the effect size the test is most sensitive to. Rather
 * than an absolute τ² (which depends on the metric's units) the default is GrowthBook's tuning
 * sample size N* (`tuningN`, default 5000 units in the two arms together): ρ is chosen so the
 * sequence is narrowest when N = N*,
 *   ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*   (Waudby-Smith et al. 2021),
 * and τ² = ρ²·σ̂², where σ̂² = V·N is the per-unit variance of the difference and N the number
 * of units in both arms. A fixed `tau2` may be given instead (then in the metric's units², and
 * for the relative lift in relative units²).
 *
 * Each call gives the values at one look. Validity across looks holds for the sequence as a
 * whole; a caller that keeps history should report the running minimum of the p-values and the
 * running intersection of the intervals (`runningIntersection`).
 */
import { validateStats, meanAndVariance, type Interval, type SufficientStats } from './effects.ts';
import { normalCdf } from './distributions.ts';

export interface MixtureTest {
	/** mixture likelihood ratio Λ for θ₀ = 0 */
	lambda: number;
	/** always-valid p-value min(1, 1/Λ) */
	pValue: number;
	/** always-valid (1 − α) interval */
	lower: number;
	upper: number;
}

/**
 * The normal-mixture mSPRT for an estimate with known variance `variance` (se²), mixture
 * variance `tau2` and level `alpha`.
 */
export function normalMixtureTest(
	estimate: number,
	variance: number,
	tau2: number,
	alpha: number
): MixtureTest {
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
	if (!(tau2 > 0)) throw new RangeError(`the mixture variance tau2 must be > 0 (got ${tau2})`);
	if (!(variance >= 0)) throw new RangeError(`variance must be ≥ 0 (got ${variance})`);
	if (variance === 0) {
		// the estimate is exact
		return {
			lambda: estimate === 0 ? 1 : Infinity,
			pValue: estimate === 0 ? 1 : 0,
			lower: estimate,
			upper: estimate
		};
	}
	const vt = variance + tau2;
	const logLambda = 0.5 * Math.log(variance / vt) + (tau2 * estimate * estimate) / (2 * variance * vt);
	const half = Math.sqrt(((variance * vt) / tau2) * (2 * Math.log(1 / alpha) + Math.log(vt / variance)));
	return {
		lambda: Math.exp(logLambda),
		pValue: Math.min(1, Math.exp(-logLambda)),
		lower: estimate - half,
		upper: estimate + half
	};
}

export interface OneSidedMixtureTest {
	/** the one-sided mixture likelihood ratio Λ₊ for θ₀ = 0 */
	lambda: number;
	/** always-valid one-sided p-value for "θ ≤ 0" against "θ > 0": min(1, 1/Λ₊) */
	pValue: number;
	/** always-valid one-sided (1 − α) lower bound of θ: every θ₀ below it is rejected */
	lower: number;
}

/**
 * The one-sided version of normalMixtureTest, for a question asked in one direction only (is
 * the arm worse?): the mixture over θ is the half-normal N(0, τ²) restricted to θ > 0, so that
 *   Λ₊(θ₀) = 2 · √(V/(V + τ²)) · exp( τ²(d̂ − θ₀)² / (2V(V + τ²)) ) · Φ( τ(d̂ − θ₀) / √(V(V + τ²)) )
 * (the integral in closed form). Λ₊ is a nonnegative martingale of mean 1 under θ = θ₀, so by
 * Ville's inequality the test "Λ₊(0) ≥ 1/α" keeps its error rate α one-sided at every look; the
 * two-sided test at α spends only α/2 on each side. The lower bound solves Λ₊(θ₀) = 1/α (Λ₊
 * decreases in θ₀) by bisection.
 */
export function oneSidedMixtureTest(estimate: number, variance: number, tau2: number, alpha: number): OneSidedMixtureTest {
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
	if (!(tau2 > 0)) throw new RangeError(`the mixture variance tau2 must be > 0 (got ${tau2})`);
	if (!(variance >= 0)) throw new RangeError(`variance must be ≥ 0 (got ${variance})`);
	if (variance === 0) return { lambda: estimate > 0 ? Infinity : 0, pValue: estimate > 0 ? 0 : 1, lower: estimate };
	const vt = variance + tau2;
	const k = tau2 / (2 * variance * vt);
	const c = Math.sqrt(tau2 / (variance * vt));
	const logLambda = (x: number) => Math.log(2) + 0.5 * Math.log(variance / vt) + k * x * x + Math.log(normalCdf(c * x));
	const target = Math.log(1 / alpha);
	// x = d̂ − θ₀ where log Λ₊ reaches log(1/α): bracket, then bisect to full precision
	const sd = Math.sqrt(variance);
	let lo = 0;
	let hi = sd;
	while (logLambda(hi) < target) hi *= 2;
	while (logLambda(lo) > target) lo -= sd;
	for (let i = 0; i < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); i++) {
		const mid = (lo + hi) / 2;
		if (logLambda(mid) < target) lo = mid;
		else hi = mid;
	}
	const l0 = logLambda(estimate);
	return { lambda: Math.exp(l0), pValue: Math.min(1, Math.exp(-l0)), lower: estimate - (lo + hi) / 2 };
}

/**
 * ρ² of the Waudby-Smith et al. confidence sequence that is narrowest at N* units:
 * (−2 ln α + ln(−2 ln α + 1)) / N*.
 */
export function rhoSquared(alpha: number, tuningN: number): number {
	if (!(tuningN > 0)) throw new RangeError(`tuningN must be > 0 (got ${tuningN})`);
	const a = -2 * Math.log(alpha);
	return (a + Math.log(a + 1)) / tuningN;
}

export interface SequentialOptions {
	/** two-sided level (default 0.05) */
	alpha?: number;
	/** tuning sample size N* (both arms together), default 5000; ignored when tau2 is set */
	tuningN?: number;
	/** a fixed mixture variance for the absolute effect (metric units²) */
	tau2?: number;
	/** a fixed mixture variance for the relative lift; defaults from tuningN */
	tau2Relative?: number;
}

export interface SequentialResult {
	alpha: number;
	controlMean: number;
	armMean: number;
	/** arm − control with its always-valid interval */
	absolute: Interval;
	/** arm/control − 1 (delta method) with its always-valid interval; null if control mean is 0 */
	relative: Interval | null;
	/** always-valid p-value for "no difference" (from the absolute effect) */
	pValue: number;
	/** mixture likelihood ratio of the absolute effect at 0 */
	lambda: number;
	/** the mixture variance used for the absolute effect */
	tau2: number;
}

/** Default tuning sample size N* (GrowthBook's default). */
export const DEFAULT_TUNING_N = 5000;

/**
 * Sequential comparison of `arm` against `control` at the current look. Variances are the
 * unbiased ones (n − 1), as in the Welch analysis. Null when an arm has n < 2.
 */
export function sequentialCompare(
	control: SufficientStats,
	arm: SufficientStats,
	options: SequentialOptions = {}
): SequentialResult | null {
	const alpha = options.alpha ?? 0.05;
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
	validateStats(control, 'control');
	validateStats(arm, 'arm');
	if (control.n < 2 || arm.n < 2) return null;
	const c = meanAndVariance(control, 1);
	const a = meanAndVariance(arm, 1);
	const vC = c.variance / control.n;
	const vA = a.variance / arm.n;
	const n = control.n + arm.n;
	const rho2 = rhoSquared(alpha, options.tuningN ?? DEFAULT_TUNING_N);

	const d = a.mean - c.mean;
	const v = vA + vC;
	// with no variance at all any τ² gives the same (exact) answer
	const tau2 = options.tau2 ?? (v > 0 ? rho2 * v * n : 1);
	const abs = normalMixtureTest(d, v, tau2, alpha);

	let relative: Interval | null = null;
	if (c.mean !== 0) {
		const r = a.mean / c.mean - 1;
		const vR = vA / c.mean ** 2 + (a.mean ** 2 * vC) / c.mean ** 4;
		const tau2R = options.tau2Relative ?? (vR > 0 ? rho2 * vR * n : 1);
		const rel = normalMixtureTest(r, vR, tau2R, alpha);
		relative = { estimate: r, se: Math.sqrt(vR), lower: rel.lower, upper: rel.upper };
	}

	return {
		alpha,
		controlMean: c.mean,
		armMean: a.mean,
		absolute: { estimate: d, se: Math.sqrt(v), lower: abs.lower, upper: abs.upper },
		relative,
		pValue: abs.pValue,
		lambda: abs.lambda,
		tau2
	};
}

/**
 * Running intersection of always-valid intervals over successive looks (oldest first), and
 * the running minimum of their p-values: the monotone versions that keep the guarantee when
 * results are shown at every look. The intersection can come out empty (lower > upper); that
 * happens with probability at most α when the model holds, and is itself a sign that it does not.
 */
export function runningIntersection(
	looks: readonly { lower: number; upper: number; pValue: number }[]
): { lower: number; upper: number; pValue: number }[] {
	const out: { lower: number; upper: number; pValue: number }[] = [];
	let lower = -Infinity;
	let upper = Infinity;
	let p = 1;
	for (const l of looks) {
		lower = Math.max(lower, l.lower);
		upper = Math.min(upper, l.upper);
		p = Math.min(p, l.pValue);
		out.push({ lower, upper, pValue: p });
	}
	return out;
}
