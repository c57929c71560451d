/**
 * Time-to-event comparisons between arms from grouped times (km.ts's TimeCount rows:
 * at time t, `events` had the event and `censored` were censored; censored at t are still at
 * risk at t).
 *
 * Log-rank test for k ≥ 2 arms (Mantel 1966; Peto & Peto 1972; the formulas of
 * Klein & Moeschberger, Survival Analysis, 2nd ed., §7.3, and of R's `survdiff`, rho = 0).
 * At each distinct event time t, with N_t at risk and D_t events overall, and n_gt, d_gt in
 * arm g:
 *   O_g = Σ d_gt,  E_g = Σ n_gt·D_t/N_t,
 *   V_gh = Σ D_t·(N_t − D_t)/(N_t − 1) · (n_gt/N_t)·(δ_gh − n_ht/N_t)
 *   χ² = (O − E)ᵀ V⁻ (O − E) on k − 1 df (any k − 1 arms; arms never at risk at an event
 *   time are left out, as R does).
 *
 * Restricted mean survival time up to τ (Royston & Parmar 2013, BMC Med Res Methodol 13:152;
 * Klein & Moeschberger §4.5): RMST(τ) = ∫₀^τ S(t) dt under the Kaplan–Meier curve, with
 *   Var = Σ_{t_j ≤ τ} A_j² · d_j / (n_j (n_j − d_j)),  A_j = ∫_{t_j}^τ S(t) dt
 * (terms with n_j = d_j are 0), as in R's survRM2::rmst2. The difference between two arms uses
 * the sum of the variances and a normal interval. For days-to-pay, S(t) is the share not yet
 * paid, so RMST is the mean days to pay, counted up to τ.
 *
 * Empty arms and untestable data give null (documented per function); malformed rows throw.
 */
import { normalCdf, normalQuantile, chiSquareSurvival } from './distributions.ts';
import { kaplanMeier, type TimeCount } from './km.ts';
import type { Interval } from './effects.ts';

export type { TimeCount } from './km.ts';

export interface LogRankResult {
	statistic: number;
	df: number;
	pValue: number;
	/** observed events per arm */
	observed: number[];
	/** expected events per arm under no difference */
	expected: number[];
}

export interface RmstResult {
	tau: number;
	rmst: number;
	variance: number;
	se: number;
}

export interface RmstDifference {
	tau: number;
	alpha: number;
	control: RmstResult;
	arm: RmstResult;
	/** RMST(arm) − RMST(control) with a normal two-sided interval */
	difference: Interval;
	pValue: number;
}

function validateRows(rows: readonly TimeCount[], label: string): void {
	for (const r of rows) {
		if (!Number.isFinite(r.t) || r.t < 0)
			throw new RangeError(`${label}: time must be a finite number ≥ 0 (got ${r.t})`);
		if (!Number.isInteger(r.events) || r.events < 0 || !Number.isInteger(r.censored) || r.censored < 0)
			throw new RangeError(`${label}: events and censored must be non-negative integers (at t = ${r.t})`);
	}
}

/** rows merged by time, sorted */
function merged(rows: readonly TimeCount[]): TimeCount[] {
	const m = new Map<number, TimeCount>();
	for (const r of rows) {
		const e = m.get(r.t);
		if (e) {
			e.events += r.events;
			e.censored += r.censored;
		} else m.set(r.t, { t: r.t, events: r.events, censored: r.censored });
	}
	return [...m.values()].sort((a, b) => a.t - b.t);
}

/** Solve A x = b by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: number[][], b: number[]): number[] | null {
	const n = b.length;
	const m = a.map((row, i) => [...row, b[i]!]);
	const scale = Math.max(...a.map((row) => Math.max(...row.map(Math.abs))));
	for (let c = 0; c < n; c++) {
		let p = c;
		for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
		if (Math.abs(m[p]![c]!) <= 1e-12 * scale) return null;
		[m[c], m[p]] = [m[p]!, m[c]!];
		for (let r = c + 1; r < n; r++) {
			const f = m[r]![c]! / m[c]![c]!;
			for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
		}
	}
	const x = new Array<number>(n).fill(0);
	for (let r = n - 1; r >= 0; r--) {
		let s = m[r]![n]!;
		for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
		x[r] = s / m[r]![r]!;
	}
	return x;
}

/**
 * Log-rank test across two or more arms. Throws for fewer than two arms; null when an arm has
 * no subjects, when there is no event at all, or when fewer than two arms are ever at risk at
 * an event time (nothing to compare).
 */
export function logRank(arms: readonly (readonly TimeCount[])[]): LogRankResult | null {
	if (arms.length < 2) throw new RangeError('logRank needs at least two arms');
	arms.forEach((a, i) => validateRows(a, `arm ${i}`));
	const groups = arms.map(merged);
	const k = groups.length;
	const atRisk = groups.map((g) => g.reduce((n, r) => n + r.events + r.censored, 0));
	if (atRisk.some((n) => n === 0)) return null;

	const times = [...new Set(groups.flatMap((g) => g.filter((r) => r.events > 0).map((r) => r.t)))].sort(
		(a, b) => a - b
	);
	if (times.length === 0) return null;

	const observed = new Array<number>(k).fill(0);
	const expected = new Array<number>(k).fill(0);
	const v = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	const ptr = new Array<number>(k).fill(0);
	const n = [...atRisk];
	for (const t of times) {
		// remove everyone who left strictly before t
		for (let g = 0; g < k; g++) {
			const rows = groups[g]!;
			while (ptr[g]! < rows.length && rows[ptr[g]!]!.t < t) {
				n[g]! -= rows[ptr[g]!]!.events + rows[ptr[g]!]!.censored;
				ptr[g]!++;
			}
		}
		const d = groups.map((rows, g) => {
			const r = rows[ptr[g]!];
			return r && r.t === t ? r.events : 0;
		});
		const N = n.reduce((a, b) => a + b, 0);
		const D = d.reduce((a, b) => a + b, 0);
		const f = N > 1 ? (D * (N - D)) / (N - 1) : 0;
		for (let g = 0; g < k; g++) {
			observed[g]! += d[g]!;
			expected[g]! += (n[g]! * D) / N;
			for (let h = 0; h < k; h++)
				v[g]![h]! += f * (n[g]! / N) * ((g === h ? 1 : 0) - n[h]! / N);
		}
	}

	// arms with E = 0 were never at risk at an event time: leave them out
	const keep = expected.map((e, g) => (e > 0 ? g : -1)).filter((g) => g >= 0);
	if (keep.length < 2) return null;
	const use = keep.slice(0, -1);
	const diff = use.map((g) => observed[g]! - expected[g]!);
	const sub = use.map((g) => use.map((h) => v[g]![h]!));
	const x = solve(sub, diff);
	if (!x) return null;
	const statistic = Math.max(0, diff.reduce((s, di, i) => s + di * x[i]!, 0));
	const df = keep.length - 1;
	return { statistic, df, pValue: chiSquareSurvival(statistic, df), observed, expected };
}

/**
 * RMST up to `tau` for one arm. Null when the arm has no subjects, or when τ is past the arm's
 * last observed time while its curve is still above 0 (the curve is unknown there).
 */
export function rmst(rows: readonly TimeCount[], tau: number): RmstResult | null {
	if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`tau must be a positive number (got ${tau})`);
	validateRows(rows, 'arm');
	const rs = merged(rows).filter((r) => r.events + r.censored > 0);
	if (rs.length === 0) return null;
	const curve = kaplanMeier(rs);
	const last = rs[rs.length - 1]!.t;
	const reachedZero = curve.length > 0 && curve[curve.length - 1]!.s === 0;
	if (tau > last && !reachedZero) return null;

	// steps of S within [0, τ]: S = 1 before the first event time
	const steps = curve.filter((p) => p.t <= tau);
	let area = 0;
	let prevT = 0;
	let prevS = 1;
	for (const p of steps) {
		area += (p.t - prevT) * prevS;
		prevT = p.t;
		prevS = p.s;
	}
	area += (tau - prevT) * prevS;

	// A_j = ∫_{t_j}^τ S, accumulated backwards
	let variance = 0;
	let tail = 0;
	let nextT = tau;
	for (let j = steps.length - 1; j >= 0; j--) {
		const p = steps[j]!;
		tail += (nextT - p.t) * p.s;
		nextT = p.t;
		if (p.atRisk > p.events) variance += (tail * tail * p.events) / (p.atRisk * (p.atRisk - p.events));
	}
	return { tau, rmst: area, variance, se: Math.sqrt(variance) };
}

/**
 * Difference in RMST at τ between `arm` and `control`, with a two-sided normal interval and
 * p-value. Null when either arm's RMST is null (see `rmst`).
 */
export function rmstDifference(
	control: readonly TimeCount[],
	arm: readonly TimeCount[],
	tau: number,
	alpha = 0.05
): RmstDifference | null {
	if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
	const c = rmst(control, tau);
	const a = rmst(arm, tau);
	if (!c || !a) return null;
	const d = a.rmst - c.rmst;
	const se = Math.sqrt(a.variance + c.variance);
	const z = normalQuantile(1 - alpha / 2);
	const pValue = se > 0 ? Math.min(1, 2 * normalCdf(-Math.abs(d / se))) : d === 0 ? 1 : 0;
	return {
		tau,
		alpha,
		control: c,
		arm: a,
		difference: { estimate: d, se, lower: d - z * se, upper: d + z * se },
		pValue
	};
}
