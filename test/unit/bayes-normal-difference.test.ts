/**
 * bayesNormalDifference (src/lib/stats/bayes.ts): the normal-approximation chance to beat and
 * expected losses from an estimated difference and its standard error, as the experiment
 * analysis uses for the RMST difference of a time to event. It must agree with bayesMeans,
 * which computes the same posterior from two arms' sufficient statistics.
 */
import { describe, expect, it } from 'vitest';
import { bayesMeans, bayesNormalDifference } from '../../src/lib/stats/bayes.ts';

const arm = (values: number[]) => ({ n: values.length, sum: values.reduce((s, v) => s + v, 0), sumSquares: values.reduce((s, v) => s + v * v, 0) });

describe('bayesNormalDifference', () => {
	it('agrees with bayesMeans on the same posterior, either direction', () => {
		const control = arm([3, 5, 4, 6, 2, 5, 4]);
		const treated = arm([5, 6, 4, 7, 6, 5, 8, 6]);
		for (const lowerIsBetter of [false, true]) {
			const m = bayesMeans(control, treated, { lowerIsBetter })!;
			const d = bayesNormalDifference(m.difference.mean, m.difference.sd, { lowerIsBetter });
			expect(d.chanceToBeat).toBeCloseTo(m.chanceToBeat, 12);
			expect(d.expectedLossArm).toBeCloseTo(m.expectedLossArm, 12);
			expect(d.expectedLossControl).toBeCloseTo(m.expectedLossControl, 12);
		}
	});

	it('a known value: d = 1, se = 1 gives Φ(1) and the normal partial expectations', () => {
		const r = bayesNormalDifference(1, 1);
		expect(r.chanceToBeat).toBeCloseTo(0.8413447460685429, 10);
		// E[max(−D, 0)] = φ(1) − Φ(−1), E[max(D, 0)] = φ(1) + Φ(1)
		expect(r.expectedLossArm).toBeCloseTo(0.24197072451914337 - 0.15865525393145707, 10);
		expect(r.expectedLossControl).toBeCloseTo(0.24197072451914337 + 0.8413447460685429, 10);
	});

	it('no spread: the degenerate posterior at d', () => {
		expect(bayesNormalDifference(2, 0)).toEqual({ chanceToBeat: 1, expectedLossArm: 0, expectedLossControl: 2 });
		expect(bayesNormalDifference(2, 0, { lowerIsBetter: true })).toEqual({ chanceToBeat: 0, expectedLossArm: 2, expectedLossControl: 0 });
		expect(bayesNormalDifference(0, Number.NaN).chanceToBeat).toBe(0.5);
	});
});
