/**
 * The effect over time: the primary metric's effect as the analysis would have said it on
 * each snapshot date (snapshotDates, weekly), from the statistics kept per as-of date
 * (cache.ts), so each date is computed once per import.
 */
import type { Experiment } from '../../../experiments/schema.ts';
import type { EffectOverTime, EffectPoint } from '../../../experiments/analysis-types.ts';
import type { Store } from '../../db/store.ts';
import { dataAsOf } from '../../kpi/as-of.ts';
import type { AnalyzeOptions } from './analyze.ts';
import { experimentStats } from './cache.ts';
import { addUp, kindOf } from './cells.ts';
import { cupedFor, statMetric, type Settings } from './metric.ts';

/** at most this many snapshots in the effect over time (weekly; thinned evenly beyond) */
export const MAX_SNAPSHOTS = 26;

/**
 * The dates the effect over time is shown at: the Sunday ending each week from the start to
 * the as-of date, and the as-of date itself (the analysis shown above the chart). Beyond
 * MAX_SNAPSHOTS, every k-th Sunday, counted back from the as-of date.
 */
export function snapshotDates(start: string, asOf: string): string[] {
	if (asOf < start) return [];
	const day = (iso: string) => Date.parse(iso + 'T00:00:00Z') / 86_400_000;
	const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
	const first = day(start);
	const end = day(asOf);
	// 1970-01-04 was a Sunday: day 3
	const firstSunday = first + ((3 - (first % 7) + 7) % 7);
	const sundays: number[] = [];
	for (let d = firstSunday; d < end; d += 7) sundays.push(d);
	const step = Math.ceil((sundays.length + 1) / MAX_SNAPSHOTS);
	const kept = sundays.filter((_, i) => (sundays.length - 1 - i) % step === 0);
	return [...kept.map(iso), asOf];
}

/**
 * The primary metric's effect as the analysis would have said it on each snapshot date
 * (snapshotDates): each point is the analysis at that as-of date, from the same statistics
 * (experimentStats, kept in the store, so each date is computed once per import): the
 * accounts assigned by then, their outcomes as known then and matured by then. It is not
 * today's outcomes of the accounts that entered by each week, which show a trend that no
 * one could have seen at the time.
 */
export async function effectOverTime(store: Store, e: Experiment, opts: AnalyzeOptions = {}): Promise<EffectOverTime> {
	const metric = e.primary_metric;
	const asOf = opts.asOf ?? (await dataAsOf(store)) ?? new Date().toISOString().slice(0, 10);
	const base = { metric, as_of: asOf };
	if (kindOf(metric) === 'time')
		return { ...base, series: [], note: 'the effect over time is shown for proportion, mean and count metrics; the primary metric is a time to event (see its Kaplan–Meier curves)' };
	const dates = snapshotDates(e.start, asOf);
	if (!dates.length) return { ...base, series: [], note: `the experiment starts on ${e.start}, after the data's as-of date ${asOf}` };
	const s: Settings = { alpha: e.analysis.alpha, mode: e.analysis.mode, cupedOn: e.analysis.variance_reduction === 'cuped' };
	const armIds = e.arms.map((a) => a.id);
	const series = armIds.filter((a) => a !== 'control').map((arm) => ({ arm, points: [] as EffectPoint[] }));
	// one date at a time: each computation reads the assigned accounts' interactions
	for (const date of dates) {
		const { stats } = await experimentStats(store, e, date);
		const groups = addUp(stats.cells.filter((c) => armIds.includes(c.arm)));
		const cup = cupedFor(metric, groups, armIds, s);
		for (const sr of series) {
			const r = statMetric(metric, ['primary'], sr.arm, groups, cup, s, false);
			sr.points.push({
				as_of: date,
				n_control: r.n_control,
				n_arm: r.n_arm,
				control_value: r.control_value,
				arm_value: r.arm_value,
				difference: r.difference?.estimate ?? null,
				lower: r.difference?.lower ?? null,
				upper: r.difference?.upper ?? null,
				p_value: r.p_value
			});
		}
	}
	return { ...base, series, note: null };
}
