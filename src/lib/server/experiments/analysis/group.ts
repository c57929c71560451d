/**
 * Every metric × arm of one group of accounts (all of them, a segment, or the rest of the
 * experiment beside a segment), with the multiple-comparison adjustment: Holm or
 * Benjamini–Hochberg (multiple.ts) over arms × (primary and secondary metrics), on the p of
 * analysis.mode; a guardrail-only metric is left out of the family. Pure.
 */
import type { Experiment, ExperimentMetric } from '../../../experiments/schema.ts';
import type { MetricResult, MetricRole } from '../../../experiments/analysis-types.ts';
import { adjustPValues } from '../../../stats/multiple.ts';
import { addUp, addUpTimes, kindOf, type StatsCell, type TimeCell } from './cells.ts';
import { cupedFor, statMetric, type Settings } from './metric.ts';
import { timeMetric } from './time-metric.ts';

/** the metrics of the experiment with their roles, primary first */
export function experimentMetrics(e: Experiment): { metric: ExperimentMetric; roles: MetricRole[] }[] {
	const out: { metric: ExperimentMetric; roles: MetricRole[] }[] = [];
	const add = (m: ExperimentMetric, role: MetricRole) => {
		const x = out.find((o) => o.metric === m);
		if (x) {
			if (!x.roles.includes(role)) x.roles.push(role);
		} else out.push({ metric: m, roles: [role] });
	};
	add(e.primary_metric, 'primary');
	for (const m of e.secondary_metrics) add(m, 'secondary');
	for (const g of e.guardrails) add(g.metric, 'guardrail');
	return out;
}

/** every metric × arm of one group (all accounts, or a segment), with the adjusted p-values */
export function analyseGroup(
	e: Experiment,
	cells: readonly StatsCell[],
	timeCells: readonly TimeCell[],
	s: Settings,
	opts: { curves: boolean; bayes: 'all' | 'primary'; only?: ExperimentMetric }
): MetricResult[] {
	const groups = addUp(cells);
	const times = addUpTimes(timeCells);
	const armIds = e.arms.map((a) => a.id);
	const treatments = armIds.filter((a) => a !== 'control');
	const out: MetricResult[] = [];
	for (const { metric, roles } of experimentMetrics(e)) {
		if (opts.only && metric !== opts.only) continue;
		const withBayes = opts.bayes === 'all' || roles.includes('primary');
		if (kindOf(metric) === 'time') {
			for (const arm of treatments) out.push(timeMetric(metric, roles, arm, times, s, opts.curves, withBayes));
		} else {
			const cup = cupedFor(metric, groups, armIds, s);
			for (const arm of treatments) out.push(statMetric(metric, roles, arm, groups, cup, s, withBayes));
		}
	}
	// multiple comparisons over arms × primary and secondary metrics
	const family = out.filter((r) => (r.roles.includes('primary') || r.roles.includes('secondary')) && r.p_value != null);
	const adjusted = adjustPValues(
		family.map((r) => Math.min(1, Math.max(0, r.p_value!))),
		e.analysis.correction
	);
	family.forEach((r, i) => {
		r.p_value_adjusted = adjusted[i]!;
		r.significant = adjusted[i]! < s.alpha;
	});
	return out;
}
