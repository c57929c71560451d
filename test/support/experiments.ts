/** Test helpers for the experiment pages' wording: a hand-made result of the primary metric. */
import type { MetricResult } from '../../src/lib/experiments/analysis-types.ts';

/** supportive's cure rate within 30 days against control, significant and better; override any field */
export const cureResult = (over: Partial<MetricResult> = {}): MetricResult =>
	({
		metric: 'cure_rate_30d',
		label: 'Cure rate (30 days)',
		kind: 'proportion',
		roles: ['primary'],
		better: 'up',
		unit: 'share',
		arm: 'supportive',
		n_control: 1000,
		n_arm: 1000,
		control_value: 0.381,
		arm_value: 0.412,
		difference: { estimate: 0.031, se: 0.006, lower: 0.018, upper: 0.044 },
		significant: true,
		note: null,
		...over
	}) as MetricResult;
