/**
 * The sufficient statistics of an experiment's analysis and how they add up. The per-account
 * outcomes never leave DuckDB (sql.ts): per cell of arm × account segment × vulnerable × entry
 * week come n, Σy, Σy², Σx, Σx², Σxy of every proportion, mean and count metric, and per cell
 * the events and censored per day of the three times to event. The cells add up here to the
 * arms, the segments and the rest of the experiment. Pure.
 */
import { EXPERIMENT_METRICS, type ExperimentMetric } from '../../../experiments/schema.ts';
import type { MetricKind } from '../../../experiments/analysis-types.ts';
import type { CovariateStats } from '../../../stats/cuped.ts';
import type { TimeCount } from '../../../stats/km.ts';

export const kindOf = (m: ExperimentMetric): MetricKind => EXPERIMENT_METRICS[m].kind;
/** the metrics with sufficient statistics in cells.sql (everything but the times to event) */
export const CELL_METRICS = (Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[]).filter((m) => kindOf(m) !== 'time');
export const TIME_METRICS = (Object.keys(EXPERIMENT_METRICS) as ExperimentMetric[]).filter((m) => kindOf(m) === 'time');

export interface StatsCell {
	arm: string;
	segment: string | null;
	vulnerable: boolean | null;
	entry_week: string;
	assigned: number;
	with_episode: number;
	mature_30: number;
	m: Partial<Record<ExperimentMetric, CovariateStats>>;
}

export interface TimeCell {
	arm: string;
	segment: string | null;
	vulnerable: boolean | null;
	measure: ExperimentMetric;
	t: number;
	events: number;
	censored: number;
}

export interface ExperimentStats {
	experiment: string;
	as_of: string;
	key: string;
	computed_ms: number;
	cells: StatsCell[];
	time_cells: TimeCell[];
}

export interface Group {
	assigned: number;
	with_episode: number;
	mature_30: number;
	m: Record<string, CovariateStats>;
}

export const zeroCov = (): CovariateStats => ({ n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 });

export function addUp(cells: readonly StatsCell[]): Map<string, Group> {
	const out = new Map<string, Group>();
	for (const c of cells) {
		let g = out.get(c.arm);
		if (!g) out.set(c.arm, (g = { assigned: 0, with_episode: 0, mature_30: 0, m: Object.fromEntries(CELL_METRICS.map((k) => [k, zeroCov()])) }));
		g.assigned += c.assigned;
		g.with_episode += c.with_episode;
		g.mature_30 += c.mature_30;
		for (const k of CELL_METRICS) {
			const s = c.m[k];
			const t = g.m[k]!;
			if (!s) continue;
			t.n += s.n;
			t.sumY += s.sumY;
			t.sumY2 += s.sumY2;
			t.sumX += s.sumX;
			t.sumX2 += s.sumX2;
			t.sumXY += s.sumXY;
		}
	}
	return out;
}

/** per arm and measure, the time counts merged by day */
export function addUpTimes(cells: readonly TimeCell[]): Map<string, Map<string, TimeCount[]>> {
	const acc = new Map<string, Map<string, Map<number, TimeCount>>>();
	for (const c of cells) {
		let byMeasure = acc.get(c.arm);
		if (!byMeasure) acc.set(c.arm, (byMeasure = new Map()));
		let byT = byMeasure.get(c.measure);
		if (!byT) byMeasure.set(c.measure, (byT = new Map()));
		const r = byT.get(c.t);
		if (r) {
			r.events += c.events;
			r.censored += c.censored;
		} else byT.set(c.t, { t: c.t, events: c.events, censored: c.censored });
	}
	const out = new Map<string, Map<string, TimeCount[]>>();
	for (const [arm, byMeasure] of acc) out.set(arm, new Map([...byMeasure].map(([m, byT]) => [m, [...byT.values()].sort((a, b) => a.t - b.t)])));
	return out;
}
