/**
 * Why did a ratio move: the change of R = scale·Σnum/Σden between two periods, split into
 * mix (the population shifted between groups) and rate (the ratio moved inside them), per
 * group. Pure, no I/O; usable in the browser.
 *
 * With w = den/Σden (a group's share of the population) and r = scale·num/den (its rate),
 * R = Σ w·r, and the symmetric (Shapley) two-factor split of each group's Δ(w·r) is
 *
 *   rate_g = (r1 − r0)·(w0 + w1)/2
 *   mix_g  = (w1 − w0)·((r0 + r1)/2 − (R0 + R1)/2)
 *
 * (period 0 is the comparison, 1 the current). Without the constant (R0 + R1)/2 the two add up
 * to Δ(w·r) exactly; the constant changes no total, as Σ(w1 − w0) = 0, and makes a group's mix
 * read as "more of a group that is below / above the average". So Σ(mix + rate) = R1 − R0, up
 * to floating-point rounding (the sums are compensated).
 *
 * A group absent in one period (den = 0 there) takes its rate from the other period: its rate
 * effect is 0 and its whole effect is mix (it came or went). A group with a numerator but no
 * denominator in a period (complaints from accounts not contacted, say) has no rate there; what
 * its numerator adds to R is then put in its rate effect, so that the sum stays exact.
 */

export interface DecomposeGroup {
	key: string;
	/** the comparison period */
	num0: number;
	den0: number;
	/** the current period */
	num1: number;
	den1: number;
}

export interface GroupEffect {
	key: string;
	/** the population shifted: (w1 − w0)·(r̄ − R̄) */
	mix: number;
	/** the ratio moved inside the group: (r1 − r0)·w̄ */
	rate: number;
	/** the group's share of the denominator in each period */
	w0: number;
	w1: number;
	/** the group's rate in each period (scaled); a group absent in one period carries the other's; null when it has no denominator in either */
	r0: number | null;
	r1: number | null;
}

export interface Decomposition {
	/** the ratio in each period (scaled); null when that period's Σden is 0 */
	R0: number | null;
	R1: number | null;
	/** R1 − R0; null when either is null (no decomposition then) */
	total: number | null;
	/** Σ mix and Σ rate over the groups; mix + rate = total */
	mix: number;
	rate: number;
	/** in the order given */
	groups: GroupEffect[];
	/** why there is no decomposition, else null */
	reason: string | null;
}

/** Neumaier's compensated sum: the rounding of long sums stays at the last bit */
export function exactSum(xs: Iterable<number>): number {
	let s = 0;
	let c = 0;
	for (const x of xs) {
		const t = s + x;
		c += Math.abs(s) >= Math.abs(x) ? s - t + x : x - t + s;
		s = t;
	}
	return s + c;
}

const ratio = (num: number, den: number, scale: number) => (num / den) * scale;

export function decompose(groups: readonly DecomposeGroup[], scale = 1): Decomposition {
	for (const g of groups)
		for (const v of [g.num0, g.den0, g.num1, g.den1])
			if (!Number.isFinite(v)) throw new RangeError(`group ${g.key}: counts must be finite numbers`);
	if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError('scale must be a positive number');
	const N0 = exactSum(groups.map((g) => g.num0));
	const D0 = exactSum(groups.map((g) => g.den0));
	const N1 = exactSum(groups.map((g) => g.num1));
	const D1 = exactSum(groups.map((g) => g.den1));
	const R0 = D0 > 0 ? ratio(N0, D0, scale) : null;
	const R1 = D1 > 0 ? ratio(N1, D1, scale) : null;
	if (R0 === null || R1 === null) {
		const which = R0 === null && R1 === null ? 'either period' : R0 === null ? 'the comparison period' : 'the current period';
		return { R0, R1, total: null, mix: 0, rate: 0, groups: [], reason: `nothing to divide by in ${which} (the denominator is 0)` };
	}
	const mean = (R0 + R1) / 2;
	const out: GroupEffect[] = groups.map((g) => {
		const w0 = g.den0 / D0;
		const w1 = g.den1 / D1;
		let r0 = g.den0 > 0 ? ratio(g.num0, g.den0, scale) : null;
		let r1 = g.den1 > 0 ? ratio(g.num1, g.den1, scale) : null;
		// absent in one period: the rate of the other
		r0 ??= r1;
		r1 ??= r0;
		const mix = r0 === null || r1 === null ? 0 : (w1 - w0) * ((r0 + r1) / 2 - mean);
		let rate = r0 === null || r1 === null ? 0 : (r1 - r0) * ((w0 + w1) / 2);
		// a numerator without a denominator adds scale·num/Σden to R, which w·r cannot carry
		const orphan1 = g.den1 > 0 ? 0 : (g.num1 / D1) * scale;
		const orphan0 = g.den0 > 0 ? 0 : (g.num0 / D0) * scale;
		if (orphan0 !== 0 || orphan1 !== 0) rate += orphan1 - orphan0;
		// (+ 0: no −0 in the output)
		return { key: g.key, mix: mix + 0, rate: rate + 0, w0, w1, r0, r1 };
	});
	const mix = exactSum(out.map((g) => g.mix));
	const rate = exactSum(out.map((g) => g.rate));
	return { R0, R1, total: R1 - R0, mix, rate, groups: out, reason: null };
}
