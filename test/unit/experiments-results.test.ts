/** The experiment pages' formats (ux.md): shares in %, their differences in pp, counts per 1,000, p-values, and the primary result in one sentence. */
import { cureResult } from '../support/experiments.ts';
import { expect, test } from 'vitest';
import { ends, formatDiff, formatInterval, formatLift, formatP, formatValue, primarySentence, verdict } from '../../src/lib/experiments/results.ts';
import type { MetricResult } from '../../src/lib/experiments/analysis-types.ts';

test('values and differences in the units of ux.md', () => {
	expect(formatValue('share', 0.3853)).toBe('38.5%');
	expect(formatDiff('share', 0.031)).toBe('+3.1 pp');
	expect(formatDiff('share', -0.004)).toBe('−0.4 pp');
	expect(formatValue('per_1000_accounts', 4.25)).toBe('4.3 per 1,000');
	expect(formatDiff('per_1000_accounts', -13.14)).toBe('−13.1 per 1,000');
	expect(formatDiff('days', 1.85)).toBe('+1.9 days');
	expect(formatValue('share', null)).toBe('—');
	expect(formatInterval('share', { estimate: 0.031, se: 0.006, lower: 0.018, upper: 0.044 }, 0.05)).toBe('+3.1 pp (95% CI +1.8 to +4.4 pp)');
	expect(ends('share', { estimate: 0.01, se: null, lower: -0.152, upper: null })).toBe('−15.2 to open');
	// a share difference cannot pass ±100 pp: a wider interval says so instead of printing −1,228.6
	expect(ends('share', { estimate: 0.3, se: 6, lower: -12.286, upper: 12.886 })).toBe('below −100 to above +100 pp');
	expect(formatLift({ estimate: 0.079, se: 0.04, lower: -0.01, upper: 0.168 })).toBe('+7.9% (−1.0% to +16.8%)');
	// beyond +1,000% a lift reads as a ratio of the arm's value to control's
	expect(formatLift({ estimate: 781.303, se: null, lower: 7.993, upper: 1554.613 })).toBe('×782.3 (+799.3% to ×1,555.6)');
	expect(formatLift({ estimate: -1, se: null, lower: -1, upper: -0.47 })).toBe('−100.0% (−100.0% to −47.0%)');
	expect(formatP(0.00001)).toBe('<0.0001');
	expect(formatP(0.04321)).toBe('0.0432');
});

const result = cureResult;

test('the primary result in one sentence, and whether the change is good news', () => {
	expect(primarySentence(result({}), 0.05, 'sequential')).toBe(
		'supportive: cure rate (30 days) 3.1 pp higher than control (41.2% against 38.1%), 95% always-valid CI +1.8 to +4.4 pp, significant — better.'
	);
	expect(primarySentence(result({ difference: { estimate: 0.01, se: 0.02, lower: -0.03, upper: 0.05 }, significant: false }), 0.05, 'fixed')).toMatch(/95% CI −3\.0 to \+5\.0 pp, not significant\.$/);
	expect(primarySentence(result({ difference: null, note: 'not enough data' }), 0.05, 'fixed')).toBe('supportive: cure rate (30 days) has no result yet (not enough data).');
	expect(verdict(result({ better: 'down' }))).toBe('worse');
	expect(verdict(result({ difference: { estimate: -0.5, se: 0.1, lower: -0.8, upper: -0.2 }, better: 'down', unit: 'days' }))).toBe('better');
});
