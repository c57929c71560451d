/**
 * The segments of an experiment's analysis: every account segment in the data, and vulnerable
 * customers as their own, each with its metrics (group.ts, on the segment's own family) and
 * the scan for uneven effects: per arm, the primary metric's effect in the segment against its
 * effect in the rest of the experiment (the treatment × segment interaction, effects.ts
 * interactionTest), Holm-adjusted over every segment × arm of the scan. Pure.
 */
import type { Experiment } from '../../../experiments/schema.ts';
import type { SegmentResult } from '../../../experiments/analysis-types.ts';
import { interactionTest } from '../../../stats/effects.ts';
import { adjustPValues } from '../../../stats/multiple.ts';
import { SEGMENTS } from '../../../vocabulary.ts';
import { addUp, type StatsCell, type TimeCell } from './cells.ts';
import { analyseGroup } from './group.ts';
import type { Settings } from './metric.ts';

const SEGMENT_ORDER: readonly string[] = SEGMENTS;
const capital = (x: string) => (x === 'sme' ? 'SME' : x.charAt(0).toUpperCase() + x.slice(1));

/** the segments of the accounts in `known` (the cells of the experiment's own arms) */
export function segmentResults(e: Experiment, known: readonly StatsCell[], knownTimes: readonly TimeCell[], s: Settings): SegmentResult[] {
	const armIds = e.arms.map((a) => a.id);
	const segmentValues = [...new Set(known.map((c) => c.segment).filter((x): x is string => x != null))].sort(
		(a, b) => (SEGMENT_ORDER.indexOf(a) + 1 || 99) - (SEGMENT_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b)
	);
	const segmentDefs: { key: string; dimension: 'segment' | 'vulnerable'; value: string; label: string; pick: (c: { segment: string | null; vulnerable: boolean | null }) => boolean }[] = [
		...segmentValues.map((v) => ({ key: `segment=${v}`, dimension: 'segment' as const, value: v, label: capital(v), pick: (c: { segment: string | null }) => c.segment === v })),
		{ key: 'vulnerable', dimension: 'vulnerable', value: 'true', label: 'Vulnerable customers', pick: (c) => c.vulnerable === true }
	];
	const segments: SegmentResult[] = segmentDefs.map((d) => {
		const sc = known.filter(d.pick);
		const groups = addUp(sc);
		const metricsIn = analyseGroup(e, sc, knownTimes.filter(d.pick), s, { curves: false, bayes: 'primary' });
		// the rest of the experiment, for the interaction: the primary metric only
		const rest = analyseGroup(e, known.filter((c) => !d.pick(c)), knownTimes.filter((c) => !d.pick(c)), s, { curves: false, bayes: 'primary', only: e.primary_metric });
		const interaction = armIds
			.filter((a) => a !== 'control')
			.map((arm) => {
				const a = metricsIn.find((m) => m.arm === arm && m.metric === e.primary_metric)?.fixed?.difference ?? null;
				const b = rest.find((m) => m.arm === arm && m.metric === e.primary_metric)?.fixed?.difference ?? null;
				const t = a && b && a.se != null && b.se != null ? interactionTest(a.estimate, a.se, b.estimate, b.se) : null;
				return { arm, metric: e.primary_metric, in_segment: a?.estimate ?? null, in_rest: b?.estimate ?? null, interaction: t?.difference ?? null, se: t?.se ?? null, p_value: t?.pValue ?? null, p_adjusted: null, flagged: false };
			});
		return {
			key: d.key,
			dimension: d.dimension,
			value: d.value,
			label: d.label,
			arms: armIds.map((a) => ({ arm: a, assigned: groups.get(a)?.assigned ?? 0 })),
			metrics: metricsIn,
			interaction
		};
	});
	// Holm over every segment × arm of the scan
	const scan = segments.flatMap((g) => g.interaction.filter((x) => x.p_value != null));
	const scanAdjusted = adjustPValues(scan.map((x) => x.p_value!), 'holm');
	scan.forEach((x, i) => {
		x.p_adjusted = scanAdjusted[i]!;
		x.flagged = scanAdjusted[i]! < s.alpha;
	});
	return segments;
}
