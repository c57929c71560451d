/**
 * Bayesian view of an arm against control: the chance to beat control and the expected loss
 * of each decision. Deterministic (numerical integration, no sampling), so results repeat.
 *
 * Proportions (Beta–Binomial). With a Beta(a₀, b₀) prior (default Beta(1, 1), uniform) and s
 * successes in n, the posterior is Beta(a₀ + s, b₀ + n − s) (conjugacy; Gelman et al.,
 * Bayesian Data Analysis, 3rd ed., §2.4). For posteriors p_A (arm) and p_C (control):
 *   chance to beat  P(p_A > p_C) = ∫ f_A(x) F_C(x) dx
 *   loss of shipping the arm   E[max(p_C − p_A, 0)]
 *                              = ∫ f_A(x) [ m_C·(1 − I_x(a_C + 1, b_C)) − x·(1 − I_x(a_C, b_C)) ] dx
 *   loss of keeping control    E[max(p_A − p_C, 0)]   (the same with A and C swapped)
 * using ∫_x^1 y f_C(y) dy = m_C (1 − I_x(a_C + 1, b_C)), m_C = a_C/(a_C + b_C) (Stucchio 2015,
 * "Bayesian A/B testing at VWO", gives the same quantities in closed form; Evan Miller,
 * "Formulas for Bayesian A/B testing", 2015, gives P(p_A > p_C) as a finite sum, used in tests).
 * The integrals use 20-point Gauss–Legendre on panels one posterior standard deviation wide
 * over ±40 sd (accurate to ~1e-12 for priors with a₀, b₀ ≥ 1; priors below 1 put an
 * integrable singularity at 0 or 1 and cost a few digits).
 *
 * Means (normal approximation, flat prior on each mean). The posterior of the difference
 * D = μ_A − μ_C is N(d̂, V), d̂ = ȳ_A − ȳ_C, V = s²_A/n_A + s²_C/n_C (the large-sample
 * posterior; GrowthBook's "Bayesian engine" with an improper prior). Then
 *   chance to beat  Φ(d̂/√V)
 *   loss of shipping the arm   E[max(−D, 0)] = √V·φ(d̂/√V) − d̂·Φ(−d̂/√V)
 *   loss of keeping control    E[max(D, 0)]  = √V·φ(d̂/√V) + d̂·Φ(d̂/√V)
 * (the normal partial expectation; e.g. Winkler, Roodman & Britney 1972, Management Science
 * 19(3), "The determination of partial moments").
 *
 * "Beat" means larger unless `lowerIsBetter` (complaints, opt-outs): then it means smaller and
 * the losses are measured the other way round.
 *
 * An empty arm (n = 0; n < 2 for means) gives null rather than the prior.
 */
import {
	betaCdf,
	betaPdf,
	normalCdf,
	normalPdf,
	regularizedBeta
} from './distributions.ts';
import { meanAndVariance, validateStats, type SufficientStats } from './effects.ts';

export interface BetaPrior {
	alpha: number;
	beta: number;
}

export interface BayesResult {
	/** P(arm is better than control) */
	chanceToBeat: number;
	/** expected loss (in the metric's units) if the arm is shipped and it is in fact worse */
	expectedLossArm: number;
	/** expected loss if control is kept and the arm is in fact better */
	expectedLossControl: number;
}

export interface BayesProportionResult extends BayesResult {
	prior: BetaPrior;
	controlPosterior: BetaPrior;
	armPosterior: BetaPrior;
}

export interface BayesMeanResult extends BayesResult {
	/** posterior mean and sd of arm − control */
	difference: { mean: number; sd: number };
}

export interface Counts {
	successes: number;
	n: number;
}

export interface BayesOptions {
	lowerIsBetter?: boolean;
}

export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

// ---- Gauss–Legendre nodes (Newton on P_n; Press et al., Numerical Recipes 3rd ed., §4.6) ----

function gaussLegendre(n: number): { x: number[]; w: number[] } {
	const x: number[] = new Array<number>(n);
	const w: number[] = new Array<number>(n);
	for (let i = 0; i < Math.ceil(n / 2); i++) {
		let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
		let dp = 0;
		for (let iter = 0; iter < 100; iter++) {
			let p1 = 1;
			let p2 = 0;
			for (let j = 1; j <= n; j++) {
				const p3 = p2;
				p2 = p1;
				p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
			}
			dp = (n * (z * p1 - p2)) / (z * z - 1);
			const dz = p1 / dp;
			z -= dz;
			if (Math.abs(dz) < 1e-15) break;
		}
		x[i] = -z;
		x[n - 1 - i] = z;
		w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
	}
	return { x, w };
}

const GL = gaussLegendre(20);

/** ∫ f over the sorted break points, 20-point Gauss–Legendre on each panel */
function integrate(f: (x: number) => number, breaks: readonly number[]): number {
	let total = 0;
	for (let i = 0; i + 1 < breaks.length; i++) {
		const a = breaks[i]!;
		const b = breaks[i + 1]!;
		if (!(b > a)) continue;
		const half = (b - a) / 2;
		const mid = (a + b) / 2;
		let s = 0;
		for (let k = 0; k < GL.x.length; k++) s += GL.w[k]! * f(mid + half * GL.x[k]!);
		total += s * half;
	}
	return total;
}

function betaMoments(p: BetaPrior): { mean: number; sd: number } {
	const s = p.alpha + p.beta;
	return { mean: p.alpha / s, sd: Math.sqrt((p.alpha * p.beta) / (s * s * (s + 1))) };
}

/** break points covering `outer` (±40 sd, panels of 1 sd) refined where `inner` changes */
function breakPoints(outer: BetaPrior, inner: BetaPrior): number[] {
	const o = betaMoments(outer);
	const i = betaMoments(inner);
	const lo = Math.max(0, o.mean - 40 * o.sd);
	const hi = Math.min(1, o.mean + 40 * o.sd);
	const pts = new Set<number>([lo, hi]);
	for (let k = -40; k <= 40; k++) pts.add(o.mean + k * o.sd);
	for (let k = -40; k <= 40; k += 0.5) pts.add(i.mean + k * i.sd);
	return [...pts].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
}

/** P(X > Y) for X ~ Beta(x), Y ~ Beta(y) */
function probGreater(x: BetaPrior, y: BetaPrior): number {
	const v = integrate(
		(t) => betaPdf(t, x.alpha, x.beta) * betaCdf(t, y.alpha, y.beta),
		breakPoints(x, y)
	);
	return Math.min(1, Math.max(0, v));
}

/** E[max(Y − X, 0)] for X ~ Beta(x), Y ~ Beta(y) */
function expectedShortfall(x: BetaPrior, y: BetaPrior): number {
	const my = y.alpha / (y.alpha + y.beta);
	const v = integrate((t) => {
		const inner =
			my * regularizedBeta(t, y.alpha + 1, y.beta, true) - t * regularizedBeta(t, y.alpha, y.beta, true);
		return betaPdf(t, x.alpha, x.beta) * Math.max(0, inner);
	}, breakPoints(x, y));
	return Math.max(0, v);
}

function checkCounts(c: Counts, label: string): void {
	if (!Number.isInteger(c.n) || c.n < 0)
		throw new RangeError(`${label}: n must be a non-negative integer (got ${c.n})`);
	if (!Number.isInteger(c.successes) || c.successes < 0 || c.successes > c.n)
		throw new RangeError(`${label}: successes must be an integer between 0 and n (got ${c.successes})`);
}

/**
 * Beta–Binomial chance to beat control and expected losses. Null when an arm has n = 0.
 */
export function bayesProportions(
	control: Counts,
	arm: Counts,
	options: BayesOptions & { prior?: BetaPrior } = {}
): BayesProportionResult | null {
	const prior = options.prior ?? UNIFORM_PRIOR;
	if (!(prior.alpha > 0 && prior.beta > 0))
		throw new RangeError('prior: alpha and beta must be > 0');
	checkCounts(control, 'control');
	checkCounts(arm, 'arm');
	if (control.n === 0 || arm.n === 0) return null;
	const post = (c: Counts): BetaPrior => ({
		alpha: prior.alpha + c.successes,
		beta: prior.beta + c.n - c.successes
	});
	const pc = post(control);
	const pa = post(arm);
	const armHigher = probGreater(pa, pc);
	// E[max(p_C − p_A, 0)] and E[max(p_A − p_C, 0)]
	const armShort = expectedShortfall(pa, pc);
	const controlShort = expectedShortfall(pc, pa);
	const higher = !options.lowerIsBetter;
	return {
		chanceToBeat: higher ? armHigher : 1 - armHigher,
		expectedLossArm: higher ? armShort : controlShort,
		expectedLossControl: higher ? controlShort : armShort,
		prior,
		controlPosterior: pc,
		armPosterior: pa
	};
}

/**
 * Normal-approximation chance to beat control and expected losses for a mean metric.
 * Null when an arm has n < 2.
 */
export function bayesMeans(
	control: SufficientStats,
	arm: SufficientStats,
	options: BayesOptions = {}
): BayesMeanResult | null {
	validateStats(control, 'control');
	validateStats(arm, 'arm');
	if (control.n < 2 || arm.n < 2) return null;
	const c = meanAndVariance(control, 1);
	const a = meanAndVariance(arm, 1);
	const d = a.mean - c.mean;
	const sd = Math.sqrt(c.variance / control.n + a.variance / arm.n);
	// improvement in the "good" direction
	const g = options.lowerIsBetter ? -d : d;
	let chance: number;
	let lossArm: number;
	let lossControl: number;
	if (sd === 0) {
		chance = g > 0 ? 1 : g < 0 ? 0 : 0.5;
		lossArm = Math.max(0, -g);
		lossControl = Math.max(0, g);
	} else {
		const z = g / sd;
		chance = normalCdf(z);
		lossArm = sd * normalPdf(z) - g * normalCdf(-z);
		lossControl = sd * normalPdf(z) + g * normalCdf(z);
	}
	return {
		chanceToBeat: chance,
		expectedLossArm: Math.max(0, lossArm),
		expectedLossControl: Math.max(0, lossControl),
		difference: { mean: d, sd }
	};
}

/**
 * The same normal-approximation chance to beat and expected losses from a difference already
 * estimated, arm − control = d with standard error se (flat priors: the posterior is N(d, se²));
 * the experiment analysis uses it for the RMST difference of a time to event. A se that is not
 * positive gives the degenerate posterior at d.
 */
export function bayesNormalDifference(d: number, se: number, options: BayesOptions = {}): { chanceToBeat: number; expectedLossArm: number; expectedLossControl: number } {
	const g = options.lowerIsBetter ? -d : d;
	if (!(se > 0)) return { chanceToBeat: g > 0 ? 1 : g < 0 ? 0 : 0.5, expectedLossArm: Math.max(0, -g), expectedLossControl: Math.max(0, g) };
	const z = g / se;
	return {
		chanceToBeat: normalCdf(z),
		expectedLossArm: Math.max(0, se * normalPdf(z) - g * normalCdf(-z)),
		expectedLossControl: Math.max(0, se * normalPdf(z) + g * normalCdf(z))
	};
}
