/**
 * The decision rule (src/lib/experiments/decision.ts) on hand-made analyses: ship, stop for each
 * kind of breach and for a significantly worse primary metric, keep running with the days left,
 * a non-inferiority margin not yet shown, an untrustworthy assignment, inconclusive at the
 * planned end, and waiting before any data.
 */
import { describe, expect, test } from 'vitest';
import { decideExperiment, type DecisionInput } from '../../src/lib/experiments/decision.ts';
import type { MetricResult } from '../../src/lib/experiments/analysis-types.ts';
import { cureResult } from '../support/experiments.ts';
import type { GuardrailVerdict } from '../../src/lib/experiments/analysis-types.ts';

// supportive's cure rate, with the interval of the decision's sentences
const cure = (arm: string, over: Partial<MetricResult> = {}): MetricResult => cureResult({ arm, difference: { estimate: 0.031, se: 0.006, lower: 0.006, upper: 0.056 }, ...over });

const guard = (arm: string, metric: string, label: string, rule: GuardrailVerdict['rule'], verdict: GuardrailVerdict['verdict']): GuardrailVerdict => ({
	arm,
	metric: metric as GuardrailVerdict['metric'],
	label,
	rule,
	direction: 'lower_is_better',
	threshold: 0.05,
	stop_on_breach: false,
	verdict,
	evidence: {},
	message: `${arm}: ${label}: ${verdict}`
});

function input(metrics: MetricResult[], guardrails: GuardrailVerdict[], over: Partial<DecisionInput['analysis']> = {}, asOf = '2026-06-30', plannedEnd = '2026-07-23'): DecisionInput {
	return {
		analysis: {
			as_of: asOf,
			alpha: 0.05,
			mode: 'sequential',
			control: 'control',
			arms: [
				{ arm: 'control', weight: 0.5, assigned: 1000, with_episode: 900, mature_30: 800 },
				...[...new Set(metrics.map((m) => m.arm))].map((arm) => ({ arm, weight: 0.5, assigned: 1000, with_episode: 900, mature_30: 800 }))
			],
			metrics,
			guardrails,
			trustworthy: true,
			...over
		},
		primary_metric: 'cure_rate_30d',
		planned_end: plannedEnd,
		mde: 0.03
	};
}

describe('the decision rule', () => {
	test('ship: significantly better on the primary metric, no guardrail breached', () => {
		const d = decideExperiment(input([cure('supportive')], [guard('supportive', 'complaints_per_1k_assigned', 'Complaints per 1,000 assigned', 'harm', 'ok')]));
		expect(d).toMatchObject({ decision: 'ship', arms: ['supportive'], tone: 'good', days_left: null });
		expect(d.sentence).toBe('Ship Supportive: cure rate (30 days) +3.1 pp (+0.6 to +5.6 pp), no guardrail harmed.');
	});

	test('stop: breached guardrails, in words by how they failed', () => {
		const d = decideExperiment(
			input(
				[cure('daily_call', { difference: { estimate: 0.01, se: 0.01, lower: -0.01, upper: 0.03 }, significant: false })],
				[
					guard('daily_call', 'complaints_per_1k_assigned', 'Complaints per 1,000 assigned', 'harm', 'breached'),
					guard('daily_call', 'opt_outs_per_1k_assigned', 'Opt-outs per 1,000 assigned', 'harm', 'breached'),
					guard('daily_call', 'presumed_violations', 'Presumed violations', 'hard_limit', 'breached')
				]
			)
		);
		expect(d).toMatchObject({ decision: 'stop', arms: ['daily_call'], tone: 'bad' });
		expect(d.sentence).toBe('Stop Daily call: complaints per 1,000 assigned and opt-outs per 1,000 assigned significantly worse, presumed violations above the hard limit.');
		expect(d.reasons).toHaveLength(3);
	});

	test('stop: significantly worse on the primary metric, even with no guardrail breached', () => {
		const d = decideExperiment(input([cure('harsh', { difference: { estimate: -0.04, se: 0.01, lower: -0.06, upper: -0.02 } })], []));
		expect(d.decision).toBe('stop');
		expect(d.sentence).toBe('Stop Harsh: cure rate (30 days) significantly worse.');
	});

	test('a stop wins over a ship in another arm', () => {
		const d = decideExperiment(input([cure('supportive'), cure('harsh', { significant: false })], [guard('harsh', 'opt_outs_per_1k_assigned', 'Opt-outs per 1,000 assigned', 'harm', 'breached')]));
		expect(d).toMatchObject({ decision: 'stop', arms: ['harsh'] });
	});

	test('keep running: no significant change yet, with the days left to the planned end', () => {
		const d = decideExperiment(input([cure('supportive', { difference: { estimate: 0.01, se: 0.01, lower: -0.01, upper: 0.03 }, significant: false })], []));
		expect(d).toMatchObject({ decision: 'keep_running', tone: 'neutral', days_left: 23 });
		expect(d.sentence).toBe('Keep running: about 23 more days to the planned end (23 Jul 2026) to detect a change of 3.0 pp; no significant change in cure rate (30 days) yet, no guardrail breached.');
		expect(d.reasons[0]).toMatch(/^supportive: cure rate \(30 days\) \+1\.0 pp \(−1\.0 to \+3\.0 pp\): not significant yet$/);
	});

	test('keep running: better, but a non-inferiority margin not yet shown', () => {
		const d = decideExperiment(input([cure('supportive')], [guard('supportive', 'complaints_per_1k_assigned', 'Complaints per 1,000 assigned', 'non_inferiority', 'not_enough_data')]));
		expect(d.decision).toBe('keep_running');
		expect(d.sentence).toBe('Keep running: about 23 more days to the planned end (23 Jul 2026); Supportive is better on cure rate (30 days) +3.1 pp (+0.6 to +5.6 pp), but complaints per 1,000 assigned is not yet shown within its margin.');
		expect(d.reasons).toContain('supportive is significantly better on cure rate (30 days), but complaints per 1,000 assigned is not yet shown within its margin');
	});

	test('no ship while the sample-ratio check does not trust the assignment', () => {
		const d = decideExperiment(input([cure('supportive')], [], { trustworthy: false }));
		expect(d.decision).toBe('keep_running');
		expect(d.reasons[0]).toMatch(/sample-ratio check/);
	});

	test('inconclusive at and after the planned end', () => {
		const flat = [cure('supportive', { difference: { estimate: 0.0, se: 0.01, lower: -0.02, upper: 0.02 }, significant: false })];
		expect(decideExperiment(input(flat, [], {}, '2026-07-23')).decision).toBe('inconclusive');
		expect(decideExperiment(input(flat, [], {}, '2026-08-30')).sentence).toMatch(/^Inconclusive: the planned end \(23 Jul 2026\) has passed/);
	});

	test('waiting before any assigned account is in the data', () => {
		const d = decideExperiment(input([], [], { arms: [{ arm: 'control', weight: 0.5, assigned: 0, with_episode: 0, mature_30: 0 }, { arm: 'supportive', weight: 0.5, assigned: 0, with_episode: 0, mature_30: 0 }] }));
		expect(d).toMatchObject({ decision: 'waiting', sentence: 'Waiting for data: no assigned account is in the data yet.' });
	});
});

describe('the minimum run', () => {
	const early = (over: Partial<DecisionInput> = {}) => ({ ...input([cure('supportive')], []), started_on: '2026-06-26', ...over });
	test('before it has passed the results stay hidden, with a countdown', () => {
		const d = decideExperiment(early());
		expect(d).toMatchObject({ decision: 'waiting', days_left: 3, results_open_on: '2026-07-03' });
		expect(d.sentence).toBe('Too early to read: the results open on 2026-07-03, after the minimum run of 7 days (3 days of data to go); the guardrails are watched meanwhile.');
		expect(decideExperiment(early({ min_run_days: 4 })).decision).toBe('ship');
		expect(decideExperiment(early({ min_run_days: 0 })).decision).toBe('ship');
	});
	test('a breached guardrail says stop even before it', () => {
		const d = decideExperiment({ ...input([cure('supportive', { significant: false })], [guard('supportive', 'opt_outs_per_1k_assigned', 'Opt-outs per 1,000 assigned', 'harm', 'breached')]), started_on: '2026-06-29' });
		expect(d.decision).toBe('stop');
		expect(d.results_open_on).toBeNull();
	});
});
