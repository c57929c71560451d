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
	// rows that share a time are one time: its events come before its censored units, whatever
	// the rows' order
	const byTime = new Map<number, { events: number; censored: number }>();
	for (const r of rows) {
		const m = byTime.get(r.t);
		if (m) {
			m.events += r.events;
			m.censored += r.censored;
		} else byTime.set(r.t, { events: r.events, censored: r.censored });
	}
	const sorted = [...byTime].sort((a, b) => a[0] - b[0]);
	let atRisk = sorted.reduce((n, [, r]) => n + r.events + r.censored, 0);
	let s = 1;
	const out: KmPoint[] = [];
	for (const [t, r] of sorted) {
		if (r.events > 0 && atRisk > 0) {
			s *= 1 - r.events / atRisk;
			out.push({ t, s, atRisk, events: r.events });
		}
		atRisk -= r.events + r.censored;
	}
	return out;
}

/** the last time of the data, an event's or a censored unit's (R's survfit: the curve's last time) */
export function lastTime(rows: readonly TimeCount[]): number | null {
	let m: number | null = null;
	for (const r of rows) if (r.events + r.censored > 0 && (m === null || r.t > m)) m = r.t;
	return m;
}

/** R's tolerance for "the curve is at the quantile" (sqrt(.Machine$double.eps)) */
const TOL = Math.sqrt(Number.EPSILON);

/**
 * The time at which the step function y (non-decreasing, 0 at time 0) reaches p, as R's
 * survival:::findq does for quantile.survfit: the first time where y ≥ p; where y equals p on a
 * flat stretch, the midpoint of that stretch (to the next step, or to the last time of the data
 * when it stays there); null when y never reaches p. Points whose y is NaN (a band that is not
 * defined where the curve reaches 0) are left out.
 */
function findq(points: readonly { t: number; y: number }[], p: number, last: number): number | null {
	const xs: number[] = [0];
	const ys: number[] = [0];
	for (const q of points) {
		if (Number.isNaN(q.y)) continue;
		if (q.y === ys[ys.length - 1]) continue; // a repeated level: its first time stands
		xs.push(q.t);
		ys.push(q.y);
	}
	if (ys[ys.length - 1]! < p) return null; // non-decreasing: the last is the largest
	if (p === 0) return xs[0]!;
	const i1 = ys.findIndex((y) => y + TOL >= p);
	if (i1 < 0) return null;
	const n = ys.length;
	if (Math.abs(p - ys[n - 1]!) < TOL) return (xs[i1]! + last) / 2;
	const i2 = ys.findIndex((y) => y - TOL >= p);
	if (i2 < 0) return null;
	return (xs[i1]! + xs[i2]!) / 2;
}

/**
 * The time by which a share q of subjects has had the event: the first t with 1 − S(t) ≥ q
 * (q = 0.5 gives the median); where the curve is flat exactly at 1 − q, the midpoint of the flat
 * stretch (to the next event time, or to `last`, the data's last time, when it ends there), as R's
 * quantile.survfit. Null when the curve never gets there.
 */
export function kmQuantile(curve: readonly KmPoint[], q: number, last: number | null = curve.at(-1)?.t ?? null): number | null {
	return findq(
		curve.map((p) => ({ t: p.t, y: 1 - p.s })),
		q,
		last ?? 0
	);
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
 * σ²(t) = Σ_{tᵢ ≤ t} dᵢ / (nᵢ (nᵢ − dᵢ)), and S·exp(±z σ) capped at 1. Where S reaches 0 the
 * band is not defined (NaN), as R's survfit leaves it NA.
 */
export function kaplanMeierBand(rows: readonly TimeCount[], z = 1.959963984540054): KmBandPoint[] {
	let v = 0;
	return kaplanMeier(rows).map((p) => {
		v += p.atRisk > p.events ? p.events / (p.atRisk * (p.atRisk - p.events)) : Infinity;
		if (p.s === 0 || !Number.isFinite(v)) return { ...p, lower: NaN, upper: NaN };
		const f = Math.exp(z * Math.sqrt(v));
		return { ...p, lower: p.s / f, upper: Math.min(1, p.s * f) };
	});
}

/**
 * A confidence interval for the time by which a share q has had the event (Brookmeyer and
 * Crowley, as R's quantile.survfit): where the band's lower edge reaches 1 − q, and where its
 * upper edge does, with the same midpoint rule as kmQuantile. Either end is null when the band
 * never gets there (an open interval): the upper end stays open when the curve reaches 0, where
 * the band is not defined.
 */
export function kmQuantileInterval(band: readonly KmBandPoint[], q: number, last: number | null = band.at(-1)?.t ?? null): { low: number | null; high: number | null } {
	return {
		low: findq(
			band.map((p) => ({ t: p.t, y: 1 - p.lower })),
			q,
			last ?? 0
		),
		high: findq(
			band.map((p) => ({ t: p.t, y: 1 - p.upper })),
			q,
			last ?? 0
		)
	};
}
