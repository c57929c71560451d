/**
 * Exact tests for rare events (complaints, opt-outs, presumed violations): they accept zero
 * events in an arm.
 *
 * Poisson rate comparison (the conditional binomial test; Przyborowski & Wileński 1940,
 * Biometrika 31:313; as R's `poisson.test(c(x_arm, x_ctl), c(T_arm, T_ctl))`). Given the total
 * x = x_arm + x_ctl, x_arm ~ Bin(x, π) with π = R·T_arm/(R·T_arm + T_ctl), R = λ_arm/λ_ctl.
 * The test of R = R₀ is the exact binomial test of π₀ (two-sided: the sum of the probabilities
 * not larger than that of the observed count, with R's relative tolerance 1 + 1e-7, as in
 * `binom.test`). The interval for R maps the Clopper–Pearson interval for π
 * (Clopper & Pearson 1934, Biometrika 26:404: limits Beta(α/2; x, n−x+1) and
 * Beta(1−α/2; x+1, n−x)) through R = π/(1 − π) · T_ctl/T_arm.
 *
 * Fisher's exact test for a 2×2 table [[a, b], [c, d]] (Fisher 1935; as R's `fisher.test`):
 * conditional on the margins, a follows the (noncentral) hypergeometric distribution with odds
 * ratio ψ. The p-value sums the null probabilities not larger than that of the table (relative
 * tolerance 1 + 1e-7); the estimate is the conditional maximum-likelihood ψ and the interval
 * inverts the one-sided tail probabilities in ψ (Cornfield 1956). Roots are found by bisection
 * on log ψ to full double precision (R's uniroot stops at about 1e-4, so R's printed interval
 * ends agree to about 4 digits).
 *
 * `alternative`: 'two-sided' (default), 'greater' (arm rate / odds higher: harm detection for
 * a bad event), 'less'. One-sided intervals are one-sided at level 1 − α.
 */
import {
	betaQuantile,
	binomialCdf,
	binomialPmf,
	binomialUpperTail,
	logGamma
} from './distributions.ts';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface RareOptions {
	alpha?: number;
	alternative?: Alternative;
}

export interface EventCount {
	events: number;
	/** exposure: account-days, contacts, accounts … (> 0; 0 means the arm is empty) */
	exposure: number;
}

export interface RateRatioResult {
	alternative: Alternative;
	alpha: number;
	/** arm rate / control rate; null when both arms have no events; Infinity when only control has none */
	rateRatio: number | null;
	armRate: number;
	controlRate: number;
	lower: number;
	upper: number;
	pValue: number;
	/** the null ratio tested */
	nullRatio: number;
}

export interface FisherResult {
	alternative: Alternative;
	alpha: number;
	/** conditional MLE of the odds ratio (0 or Infinity at the edges of the support) */
	oddsRatio: number;
	lower: number;
	upper: number;
	pValue: number;
}

const REL_ERR = 1 + 1e-7;

function checkAlpha(alpha: number): void {
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
}

/** exact binomial test p-value (R's binom.test) */
function binomTestP(x: number, n: number, p: number, alternative: Alternative): number {
	if (alternative === 'less') return binomialCdf(x, n, p);
	if (alternative === 'greater') return binomialUpperTail(x, n, p);
	const d = binomialPmf(x, n, p);
	const m = n * p;
	if (x === m) return 1;
	let pv: number;
	if (x < m) {
		let y = 0;
		for (let i = Math.ceil(m); i <= n; i++) if (binomialPmf(i, n, p) <= d * REL_ERR) y++;
		pv = binomialCdf(x, n, p) + binomialUpperTail(n - y + 1, n, p);
	} else {
		let y = 0;
		for (let i = 0; i <= Math.floor(m); i++) if (binomialPmf(i, n, p) <= d * REL_ERR) y++;
		pv = (y > 0 ? binomialCdf(y - 1, n, p) : 0) + binomialUpperTail(x, n, p);
	}
	return Math.min(1, pv);
}

/**
 * Exact comparison of two Poisson rates (arm against control). Null when an arm has zero
 * exposure (an empty arm). With no events in either arm the p-value is 1 and the interval
 * [0, ∞).
 */
export function poissonRateTest(
	control: EventCount,
	arm: EventCount,
	options: RareOptions & { nullRatio?: number } = {}
): RateRatioResult | null {
	const alpha = options.alpha ?? 0.05;
	const alternative = options.alternative ?? 'two-sided';
	const r0 = options.nullRatio ?? 1;
	checkAlpha(alpha);
	if (!(r0 > 0) || !Number.isFinite(r0)) throw new RangeError(`nullRatio must be > 0 (got ${r0})`);
	for (const [label, c] of [
		['control', control],
		['arm', arm]
	] as const) {
		if (!Number.isInteger(c.events) || c.events < 0)
			throw new RangeError(`${label}: events must be a non-negative integer (got ${c.events})`);
		if (!(c.exposure >= 0) || !Number.isFinite(c.exposure))
			throw new RangeError(`${label}: exposure must be a finite number ≥ 0 (got ${c.exposure})`);
		if (c.exposure === 0 && c.events > 0)
			throw new RangeError(`${label}: events without exposure`);
	}
	if (control.exposure === 0 || arm.exposure === 0) return null;

	const x = arm.events;
	const n = arm.events + control.events;
	const ta = arm.exposure;
	const tc = control.exposure;
	const armRate = x / ta;
	const controlRate = control.events / tc;
	const rateRatio = n === 0 ? null : armRate / controlRate;
	const base = { alternative, alpha, rateRatio, armRate, controlRate, nullRatio: r0 };
	if (n === 0) return { ...base, lower: 0, upper: Infinity, pValue: 1 };

	const pi0 = (r0 * ta) / (r0 * ta + tc);
	const pValue = binomTestP(x, n, pi0, alternative);
	const a = alternative === 'two-sided' ? alpha / 2 : alpha;
	const piL = alternative === 'less' || x === 0 ? 0 : betaQuantile(a, x, n - x + 1);
	const piU = alternative === 'greater' || x === n ? 1 : betaQuantile(1 - a, x + 1, n - x);
	const toRatio = (p: number) => (p >= 1 ? Infinity : (p / (1 - p)) * (tc / ta));
	return { ...base, lower: toRatio(piL), upper: toRatio(piU), pValue };
}

/**
 * An always-valid confidence sequence for the rate ratio R = λ_arm/λ_ctl, for an analysis read
 * at every look: given the events so far, each event is the arm's with probability
 * π = R·T_arm/(R·T_arm + T_ctl) (the conditional binomial of poissonRateTest), and the mixture
 * of the binomial likelihood ratios over π ~ Beta(½, ½),
 *   M(π₀) = B(x + ½, n − x + ½) / B(½, ½) / (π₀^x (1 − π₀)^(n − x)),
 * is a nonnegative martingale of mean 1 under π = π₀ (Robbins 1970, "Statistical methods related
 * to the law of the iterated logarithm"), so by Ville's inequality the set {π₀ : M(π₀) < 1/α}
 * covers π at every look with probability at least 1 − α. Its ends are found by bisection and
 * mapped to R; valid at zero events in an arm (the lower end is then 0, or the upper ∞). The
 * conditional binomial takes the two arms' exposures in a fixed ratio (a steady assignment).
 * Null when an arm has no exposure or there is no event at all.
 */
export function poissonRateRatioSequence(control: EventCount, arm: EventCount, alpha = 0.05): { rateRatio: number; lower: number; upper: number } | null {
	checkAlpha(alpha);
	if (!(control.exposure > 0) || !(arm.exposure > 0)) return null;
	const x = arm.events;
	const n = arm.events + control.events;
	if (n === 0) return null;
	const lnB = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);
	const c = lnB(x + 0.5, n - x + 0.5) - lnB(0.5, 0.5);
	const logM = (p: number) => c - (x > 0 ? x * Math.log(p) : 0) - (n - x > 0 ? (n - x) * Math.log1p(-p) : 0);
	const target = Math.log(1 / alpha);
	const mle = x / n;
	// M decreases from π₀ = 0 to the MLE and increases after it
	const edge = (from: number, to: number): number => {
		// from: a point outside the set (or the end of (0, 1)); to: the MLE, inside it
		let out = from;
		let inside = to;
		for (let i = 0; i < 200 && Math.abs(out - inside) > 1e-16; i++) {
			const mid = (out + inside) / 2;
			if (logM(mid) >= target) out = mid;
			else inside = mid;
		}
		return (out + inside) / 2;
	};
	const piL = x === 0 || logM(Number.MIN_VALUE) < target ? 0 : edge(0, mle);
	const piU = x === n || logM(1 - Number.EPSILON / 2) < target ? 1 : edge(1, mle);
	const toRatio = (p: number) => (p >= 1 ? Infinity : (p / (1 - p)) * (control.exposure / arm.exposure));
	return { rateRatio: control.events === 0 ? Infinity : x / arm.exposure / (control.events / control.exposure), lower: toRatio(piL), upper: toRatio(piU) };
}

// ---- Fisher's exact test ----

function logChoose(n: number, k: number): number {
	return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

/** increasing-in-t root of f(t) = 0 by bisection on log t ∈ [−lim, lim] */
function rootLog(f: (t: number) => number, increasing: boolean): number {
	let lo = -745;
	let hi = 709;
	for (let i = 0; i < 200; i++) {
		const mid = (lo + hi) / 2;
		const v = f(Math.exp(mid));
		if (v > 0 === increasing) hi = mid;
		else lo = mid;
		if (hi - lo < 1e-15 * Math.max(1, Math.abs(mid))) break;
	}
	return Math.exp((lo + hi) / 2);
}

/**
 * Fisher's exact test of a 2×2 table [[a, b], [c, d]] (rows: arm, control; columns: event,
 * no event gives the odds ratio of the arm against control). Throws for negative or
 * fractional counts; a table with an empty row or column has p = 1 and the interval [0, ∞).
 */
export function fisherExact(
	table: readonly [readonly [number, number], readonly [number, number]],
	options: RareOptions = {}
): FisherResult {
	const alpha = options.alpha ?? 0.05;
	const alternative = options.alternative ?? 'two-sided';
	checkAlpha(alpha);
	const [[a, b], [c, d]] = table;
	for (const v of [a, b, c, d])
		if (!Number.isInteger(v) || v < 0)
			throw new RangeError(`table counts must be non-negative integers (got ${v})`);
	const m = a + c; // first column
	const n = b + d; // second column
	const k = a + b; // first row
	const lo = Math.max(0, k - n);
	const hi = Math.min(k, m);
	const support: number[] = [];
	for (let s = lo; s <= hi; s++) support.push(s);
	const logdc = support.map((s) => logChoose(m, s) + logChoose(n, k - s) - logChoose(m + n, k));

	// noncentral hypergeometric probabilities for odds ratio psi (0 < psi < ∞)
	const dn = (psi: number): number[] => {
		const lp = Math.log(psi);
		const l = logdc.map((v, i) => v + lp * support[i]!);
		const mx = Math.max(...l);
		const e = l.map((v) => Math.exp(v - mx));
		const sum = e.reduce((s, v) => s + v, 0);
		return e.map((v) => v / sum);
	};
	const mean = (psi: number): number => dn(psi).reduce((s, p, i) => s + p * support[i]!, 0);
	const lowerTail = (q: number, psi: number): number =>
		dn(psi).reduce((s, p, i) => (support[i]! <= q ? s + p : s), 0);
	const upperTail = (q: number, psi: number): number =>
		dn(psi).reduce((s, p, i) => (support[i]! >= q ? s + p : s), 0);

	const base = { alternative, alpha };
	if (lo === hi) {
		// only one table has these margins: nothing to test
		return { ...base, oddsRatio: NaN, lower: 0, upper: Infinity, pValue: 1 };
	}

	let pValue: number;
	if (alternative === 'less') pValue = lowerTail(a, 1);
	else if (alternative === 'greater') pValue = upperTail(a, 1);
	else {
		const d0 = dn(1);
		const dObs = d0[a - lo]!;
		pValue = d0.reduce((s, p) => (p <= dObs * REL_ERR ? s + p : s), 0);
	}
	pValue = Math.min(1, pValue);

	const oddsRatio = a === lo ? 0 : a === hi ? Infinity : rootLog((t) => mean(t) - a, true);
	// upper limit: P(X ≤ a; ψ) = α' (decreasing in ψ); lower: P(X ≥ a; ψ) = α' (increasing)
	const upperLimit = (al: number) => (a === hi ? Infinity : rootLog((t) => lowerTail(a, t) - al, false));
	const lowerLimit = (al: number) => (a === lo ? 0 : rootLog((t) => upperTail(a, t) - al, true));
	let lower: number;
	let upper: number;
	if (alternative === 'less') {
		lower = 0;
		upper = upperLimit(alpha);
	} else if (alternative === 'greater') {
		lower = lowerLimit(alpha);
		upper = Infinity;
	} else {
		lower = lowerLimit(alpha / 2);
		upper = upperLimit(alpha / 2);
	}
	return { ...base, oddsRatio, lower, upper, pValue };
}
