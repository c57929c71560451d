/**
 * Kaplan–Meier estimation from grouped times: pure, no I/O (usable in the browser).
 * Input rows: at time t, `events` ended with the event and `censored` were censored.
 * Censored at t means still at risk at t (events at t come first), the usual convention.
 */
export interface TimeCount {
	t: number;
	events: number;
	censored: number;
}

export interface KmPoint {
	t: number;
	/** survival: share that has not had the event by t */
	s: number;
	atRisk: number;
	events: number;
}

export function kaplanMeier(rows: readonly TimeCount[]): KmPoint[] {
	const sorted = [...rows].sort((a, b) => a.t - b.t);
	let atRisk = sorted.reduce((n, r) => n + r.events + r.censored, 0);
	let s = 1;
	const out: KmPoint[] = [];
	for (const r of sorted) {
		if (r.events > 0 && atRisk > 0) {
			s *= 1 - r.events / atRisk;
			out.push({ t: r.t, s, atRisk, events: r.events });
		}
		atRisk -= r.events + r.censored;
	}
	return out;
}

/**
 * The time by which a share q of subjects has had the event: the smallest t with
 * 1 − S(t) ≥ q (q = 0.5 gives the median). Null when the curve never gets there.
 */
export function kmQuantile(curve: readonly KmPoint[], q: number): number | null {
	for (const p of curve) if (1 - p.s >= q - 1e-12) return p.t;
	return null;
}

/** the share that has had the event by day d (the step function 1 − S) */
export function kmCumulativeAt(curve: readonly KmPoint[], d: number): number {
	let s = 1;
	for (const p of curve) {
		if (p.t > d) break;
		s = p.s;
	}
	return 1 - s;
}

export interface KmBandPoint extends KmPoint {
	/** pointwise confidence band of S(t), on the log scale (R survfit's default, conf.type "log") */
	lower: number;
	upper: number;
}

/**
 * The Kaplan–Meier curve with a pointwise confidence band: Greenwood's variance of log S,
 * σ²(t) = Σ_{tᵢ ≤ t} dᵢ / (nᵢ (nᵢ − dᵢ)), and S·exp(±z σ) capped at 1. Where S reaches 0
 * the band is [0, 0].
 */
export function kaplanMeierBand(rows: readonly TimeCount[], z = 1.959963984540054): KmBandPoint[] {
	let v = 0;
	return kaplanMeier(rows).map((p) => {
		v += p.atRisk > p.events ? p.events / (p.atRisk * (p.atRisk - p.events)) : Infinity;
		if (p.s === 0 || !Number.isFinite(v)) return { ...p, lower: 0, upper: 0 };
		const f = Math.exp(z * Math.sqrt(v));
		return { ...p, lower: p.s / f, upper: Math.min(1, p.s * f) };
	});
}

/**
 * A confidence interval for the time by which a share q has had the event (Brookmeyer and
 * Crowley, as R's quantile.survfit): from the first t where the band's lower edge falls to
 * 1 − q or below, to the first t where its upper edge does. Either end is null when the
 * band never gets there (an open interval).
 */
export function kmQuantileInterval(band: readonly KmBandPoint[], q: number): { low: number | null; high: number | null } {
	const target = 1 - q + 1e-12;
	return { low: band.find((p) => p.lower <= target)?.t ?? null, high: band.find((p) => p.upper <= target)?.t ?? null };
}
