/**
 * Sample size, minimum detectable effect (MDE) and duration for a fixed-horizon comparison of
 * each arm against control (the first weight is control's), by the normal approximation
 * (Chow, Shao & Wang, Sample Size Calculations in Clinical Research, 2nd ed., §3.2 and §4.2,
 * with unequal allocation):
 *   N = (z_{1−α/2} + z_{power})² · (σ_c²/w_c + σ_t²/w_t) / δ²
 * units in all arms together, w the arms' shares of traffic (weights normalised to sum 1) and
 * δ the absolute effect. Arm i then needs ⌈N·w_i⌉ units. With several treatment arms the
 * largest N over them is used (each arm can detect the effect). For a proportion
 * σ_c² = p₀(1 − p₀) and σ_t² = p₁(1 − p₁) with p₁ = p₀ + δ (the unpooled variance of the
 * analysis in effects.ts; R's `power.prop.test` uses the pooled variance under the null for
 * the α term instead, so it asks for slightly more units). For a mean σ_c = σ_t = sd.
 * A relative effect r means δ = r·baseline. `bonferroni` splits α over the k − 1 comparisons.
 *
 * `analysis: 'sequential'` plans for the always-valid analysis the experiments use by default
 * (sequential.ts: the normal-mixture confidence sequence with the mixture variance tuned at N*
 * units): at the planned end, with V the variance of the difference and τ² = ρ²·V·N (as the
 * analysis sets it), the test rejects when |d̂| exceeds the half-width
 *   h(N) = √( V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V)) ),
 * so the power at the planned end is Φ((|δ| − h)/√V) (the other tail neglected) and N is the
 * smallest total for which it reaches the power asked (bisection), about 1.6–2 times the
 * fixed-horizon figure. A look before the end can only reject earlier, so this power is a lower
 * bound of the sequential test's power over the whole run.
 *
 * Invalid inputs (effect 0, rates outside (0, 1), fewer than two weights …) throw a RangeError.
 */
import { normalCdf, normalQuantile } from './distributions.ts';
import { DEFAULT_TUNING_N, rhoSquared } from './sequential.ts';

export type Effect = { absolute: number } | { relative: number };

export interface DesignOptions {
	/** two-sided significance level (default 0.05) */
	alpha?: number;
	/** default 0.8 */
	power?: number;
	/** traffic weights, control first (default [1, 1]); any positive numbers */
	weights?: readonly number[];
	/** divide α by the number of treatment arms (default false) */
	bonferroni?: boolean;
	/** the analysis the design is for: 'fixed' (default) or 'sequential' (always-valid) */
	analysis?: 'fixed' | 'sequential';
	/** the sequential analysis' tuning sample size N* (default DEFAULT_TUNING_N) */
	tuningN?: number;
}

export interface SampleSizeResult {
	/** units needed per arm, in the order of the weights */
	perArm: number[];
	total: number;
	/** absolute effect used */
	absoluteEffect: number;
	/** α for each comparison (after Bonferroni if asked) */
	alphaPerComparison: number;
	comparisons: number;
}

interface Design {
	shares: number[];
	z: number;
	alphaPerComparison: number;
	comparisons: number;
	analysis: 'fixed' | 'sequential';
	zPower: number;
	rho2: number;
}

function design(options: DesignOptions): Design {
	const alpha = options.alpha ?? 0.05;
	const power = options.power ?? 0.8;
	const weights = options.weights ?? [1, 1];
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
	if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1) (got ${power})`);
	if (weights.length < 2) throw new RangeError('weights: need control and at least one arm');
	for (const w of weights)
		if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`weights must be positive numbers (got ${w})`);
	const sum = weights.reduce((a, b) => a + b, 0);
	const comparisons = weights.length - 1;
	const alphaPerComparison = options.bonferroni ? alpha / comparisons : alpha;
	const analysis = options.analysis ?? 'fixed';
	return {
		shares: weights.map((w) => w / sum),
		z: normalQuantile(1 - alphaPerComparison / 2) + normalQuantile(power),
		alphaPerComparison,
		comparisons,
		analysis,
		zPower: normalQuantile(power),
		rho2: rhoSquared(alphaPerComparison, options.tuningN ?? DEFAULT_TUNING_N)
	};
}

/**
 * The smallest |difference| the analysis detects with the power asked, for a difference whose
 * variance is v with `total` units in all arms: z·√v for the fixed analysis; for the sequential
 * one the always-valid half-width at the end plus z_power·√v.
 */
function detectable(d: Design, v: number, total: number): number {
	if (d.analysis === 'fixed') return d.z * Math.sqrt(v);
	const tau2 = d.rho2 * v * total;
	const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / d.alphaPerComparison) + Math.log((v + tau2) / v)));
	return half + d.zPower * Math.sqrt(v);
}

/**
 * The total units for which a difference δ with per-unit variance `perUnit` (the variance of
 * the difference is perUnit/total) becomes detectable: closed form for the fixed analysis,
 * bisection on the total for the sequential one (the gap δ − detectable grows with the total).
 */
function totalFor(d: Design, perUnit: number, delta: number): number {
	if (d.analysis === 'fixed') return (d.z * d.z * perUnit) / (delta * delta);
	const gap = (n: number) => Math.abs(delta) - detectable(d, perUnit / n, n);
	let lo = 1;
	let hi = 2;
	while (gap(hi) < 0) {
		lo = hi;
		hi *= 2;
		if (hi > 1e15) throw new RangeError('the effect is too small to detect with any sample');
	}
	for (let i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
		const mid = (lo + hi) / 2;
		if (gap(mid) < 0) lo = mid;
		else hi = mid;
	}
	return hi;
}

function absoluteOf(effect: Effect, baseline: number | undefined): number {
	if ('absolute' in effect) return effect.absolute;
	if (baseline === undefined || baseline === 0)
		throw new RangeError('a relative effect needs a non-zero baseline');
	return effect.relative * baseline;
}

function result(d: Design, total: number, delta: number): SampleSizeResult {
	const perArm = d.shares.map((s) => Math.ceil(total * s - 1e-9));
	return {
		perArm,
		total: perArm.reduce((a, b) => a + b, 0),
		absoluteEffect: delta,
		alphaPerComparison: d.alphaPerComparison,
		comparisons: d.comparisons
	};
}

/** Units per arm to detect a change of a proportion from `baseline` by `effect`. */
export function sampleSizeForProportion(
	baseline: number,
	effect: Effect,
	options: DesignOptions = {}
): SampleSizeResult {
	if (!(baseline > 0 && baseline < 1)) throw new RangeError(`baseline rate must be in (0, 1) (got ${baseline})`);
	const d = design(options);
	const delta = absoluteOf(effect, baseline);
	if (!(delta !== 0) || !Number.isFinite(delta)) throw new RangeError('the effect must be non-zero');
	const p1 = baseline + delta;
	if (!(p1 > 0 && p1 < 1)) throw new RangeError(`the effect takes the rate outside (0, 1) (to ${p1})`);
	const vc = baseline * (1 - baseline);
	const vt = p1 * (1 - p1);
	const c = d.shares[0]!;
	const total = Math.max(...d.shares.slice(1).map((s) => totalFor(d, vc / c + vt / s, delta)));
	return result(d, total, delta);
}

/**
 * Units per arm to detect a change of a mean by `effect`, with per-unit standard deviation
 * `sd` (the same in all arms); `mean` is needed only for a relative effect.
 */
export function sampleSizeForMean(
	baseline: { sd: number; mean?: number },
	effect: Effect,
	options: DesignOptions = {}
): SampleSizeResult {
	if (!(baseline.sd > 0) || !Number.isFinite(baseline.sd)) throw new RangeError(`sd must be > 0 (got ${baseline.sd})`);
	const d = design(options);
	const delta = absoluteOf(effect, baseline.mean);
	if (!(delta !== 0) || !Number.isFinite(delta)) throw new RangeError('the effect must be non-zero');
	const v = baseline.sd * baseline.sd;
	const c = d.shares[0]!;
	const total = Math.max(...d.shares.slice(1).map((s) => totalFor(d, v / c + v / s, delta)));
	return result(d, total, delta);
}

function checkTotal(total: number): void {
	if (!(total > 0) || !Number.isFinite(total)) throw new RangeError(`total sample must be > 0 (got ${total})`);
}

/**
 * The smallest absolute change of a mean detectable with `totalSample` units split by the
 * weights: (z_{1−α/2} + z_power)·sd·√(1/n_c + 1/n_t) for the fixed analysis (the sequential
 * one: see the header), the largest over the arms.
 */
export function mdeForMean(sd: number, totalSample: number, options: DesignOptions = {}): number {
	if (!(sd > 0)) throw new RangeError(`sd must be > 0 (got ${sd})`);
	checkTotal(totalSample);
	const d = design(options);
	const c = d.shares[0]!;
	return Math.max(...d.shares.slice(1).map((s) => detectable(d, sd * sd * (1 / (totalSample * c) + 1 / (totalSample * s)), totalSample)));
}

/**
 * The smallest absolute increase of a proportion from `baseline` detectable with `totalSample`
 * units: the δ > 0 solving δ = (z_{1−α/2} + z_power)·√(p₀q₀/n_c + p₁q₁/n_t), p₁ = p₀ + δ
 * (bisection), the largest over the arms. Null when even p₁ → 1 is not detectable.
 */
export function mdeForProportion(
	baseline: number,
	totalSample: number,
	options: DesignOptions = {}
): number | null {
	if (!(baseline > 0 && baseline < 1)) throw new RangeError(`baseline rate must be in (0, 1) (got ${baseline})`);
	checkTotal(totalSample);
	const d = design(options);
	const nc = totalSample * d.shares[0]!;
	let worst = 0;
	for (const s of d.shares.slice(1)) {
		const nt = totalSample * s;
		const gap = (delta: number) => {
			const p1 = baseline + delta;
			return delta - detectable(d, (baseline * (1 - baseline)) / nc + (p1 * (1 - p1)) / nt, totalSample);
		};
		let lo = 0;
		let hi = 1 - baseline;
		if (gap(hi) < 0) return null;
		for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
			const mid = (lo + hi) / 2;
			if (gap(mid) < 0) lo = mid;
			else hi = mid;
		}
		worst = Math.max(worst, (lo + hi) / 2);
	}
	return worst;
}

/**
 * The power reached with the units analysed so far (n_c in control, n_t in the arm) to detect a
 * change of a proportion from `baseline` by the absolute `delta`, for the analysis of the
 * options (α not split by Bonferroni: the caller passes the α of one comparison):
 * Φ(|δ|/√V − z_{1−α/2}) fixed, Φ((|δ| − h)/√V) sequential (see the header), with
 * V = p₀q₀/n_c + p₁q₁/n_t. Null when an arm has no unit or p₁ leaves (0, 1).
 */
export function powerForProportion(baseline: number, delta: number, nControl: number, nArm: number, options: Pick<DesignOptions, 'alpha' | 'analysis' | 'tuningN'> = {}): number | null {
	const p1 = baseline + delta;
	if (!(nControl > 0 && nArm > 0) || !(baseline > 0 && baseline < 1) || !(p1 > 0 && p1 < 1) || delta === 0) return null;
	const d = design({ ...options, power: 0.5, weights: [1, 1] });
	const v = (baseline * (1 - baseline)) / nControl + (p1 * (1 - p1)) / nArm;
	// detectable() at power 0.5 is the rejection boundary itself (z_power = 0)
	return normalCdf((Math.abs(delta) - detectable(d, v, nControl + nArm)) / Math.sqrt(v));
}

/**
 * Days needed to reach `totalSample` units when `eligiblePerDay` new accounts become eligible
 * each day and a share `trafficShare` of them (default 1) enters the experiment.
 */
export function durationDays(totalSample: number, eligiblePerDay: number, trafficShare = 1): number {
	if (!(totalSample >= 0)) throw new RangeError(`total sample must be ≥ 0 (got ${totalSample})`);
	if (!(eligiblePerDay > 0)) throw new RangeError(`eligible accounts per day must be > 0 (got ${eligiblePerDay})`);
	if (!(trafficShare > 0 && trafficShare <= 1)) throw new RangeError(`trafficShare must be in (0, 1]`);
	return Math.max(0, Math.ceil(totalSample / (eligiblePerDay * trafficShare) - 1e-9));
}
