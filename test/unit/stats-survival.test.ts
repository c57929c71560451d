import { describe, expect, test } from 'vitest';
import type { TimeCount } from '../../src/lib/stats/km.ts';
import { logRank, rmst, rmstDifference } from '../../src/lib/stats/survival.ts';

function close(actual: number | undefined, expected: number, rel = 1e-9): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-12
	);
}

/** grouped rows from event times and censoring times (unsorted, repeated times allowed) */
function rows(events: number[], censored: number[] = []): TimeCount[] {
	const out: TimeCount[] = [];
	for (const t of events) out.push({ t, events: 1, censored: 0 });
	for (const t of censored) out.push({ t, events: 0, censored: 1 });
	return out;
}

// Freireich et al. (1963) leukaemia remission data (the `gehan` data of R's MASS):
// 6-MP arm and placebo arm, weeks in remission; + marks censoring.
const sixMP = rows([6, 6, 6, 7, 10, 13, 16, 22, 23], [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]);
const placebo = rows([1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]);

// Independent reference: a separate Python implementation working from the individual records
// (numpy pseudo-inverse for the k-arm statistic, mpmath for the χ² tail), noted per test.

describe('log-rank', () => {
	test('Freireich 6-MP vs placebo: χ² = 16.79 as published', () => {
		// Kleinbaum & Klein, Survival Analysis: A Self-Learning Text, ch. 2:
		// O₁ = 9, E₁ = 19.25, O₂ = 21, E₂ = 10.75, log-rank statistic 16.79;
		// R: survdiff(Surv(time, cens) ~ treat, data = gehan) prints Chisq = 16.8 on 1 df.
		// Python: 16.792940989216532, Var = 6.2569605736755, p = 4.16880910933454e-5
		const r = logRank([sixMP, placebo])!;
		expect(r.df).toBe(1);
		expect(r.observed).toEqual([9, 21]);
		close(r.expected[0], 19.25050095, 1e-8);
		close(r.expected[1], 10.74949905, 1e-8);
		close(r.statistic, 16.792940989216532);
		expect(r.statistic).toBeCloseTo(16.79, 2);
		close(r.pValue, 4.16880910933454e-5, 1e-8);
		// arm order does not matter
		close(logRank([placebo, sixMP])!.statistic, 16.792940989216532);
	});

	test('by hand: two arms of two', () => {
		// arm 0: events at 1 and 3; arm 1: event at 2, censored at 4
		// t=1: N=4, D=1, n₀=2: E₀ += 2/4 = 0.5, V += 1·3/3·(2/4)(2/4) = 0.25
		// t=2: N=3 (arm 0: 1, arm 1: 2), D=1: E₀ += 1/3, V += 1·2/2·(1/3)(2/3) = 2/9
		// t=3: N=2 (1, 1), D=1: E₀ += 1/2, V += 1·1/1·(1/2)(1/2) = 0.25
		// O₀ − E₀ = 2 − 4/3 = 2/3; V = 0.25 + 2/9 + 0.25 = 13/18; χ² = (4/9)/(13/18) = 8/13
		const r = logRank([rows([1, 3]), rows([2], [4])])!;
		close(r.expected[0], 4 / 3);
		close(r.statistic, 8 / 13);
	});

	test('three arms, chi-square on 2 df', () => {
		// Python: 7.53499024175695, O = [7, 6, 5], E = [5.82545682, 2.71076639, 9.46377679],
		// p = 0.0231098782988399 (mpmath)
		const A = rows([2, 3, 3, 5, 8, 9, 12], [4, 7, 12, 15]);
		const B = rows([1, 2, 2, 4, 5, 6], [3, 6, 10]);
		const C = rows([5, 9, 11, 14, 15], [3, 8, 13, 15, 16, 16]);
		const r = logRank([A, B, C])!;
		expect(r.df).toBe(2);
		expect(r.observed).toEqual([7, 6, 5]);
		close(r.expected[2], 9.46377679, 1e-8);
		close(r.statistic, 7.53499024175695, 1e-10);
		close(r.pValue, 0.0231098782988399, 1e-10);
		// any two arms' (O − E) give the same statistic: permuting the arms changes nothing
		close(logRank([C, A, B])!.statistic, 7.53499024175695, 1e-10);
	});

	test('zero events in an arm is fine', () => {
		// Python: 3.7678412267039185, p = 0.0522470232178306
		const A = rows([2, 3, 3, 5, 8, 9, 12], [4, 7, 12, 15]);
		const r = logRank([A, rows([], [5, 6, 7, 8, 9, 10])])!;
		expect(r.observed).toEqual([7, 0]);
		close(r.statistic, 3.7678412267039185, 1e-10);
		close(r.pValue, 0.0522470232178306, 1e-10);
	});

	test('empty arm, no events, one arm: null or a clear error', () => {
		expect(logRank([sixMP, []])).toBeNull();
		expect(logRank([rows([], [1, 2]), rows([], [3])])).toBeNull();
		expect(() => logRank([sixMP])).toThrow(/at least two arms/);
		expect(() => logRank([sixMP, [{ t: 1, events: -1, censored: 0 }]])).toThrow(
			/arm 1: events and censored must be non-negative integers/
		);
	});
});

describe('restricted mean survival time', () => {
	test('by hand: events at 1 and 3, censored at 2 and 5, τ = 4', () => {
		// S = 1 on [0,1), 3/4 on [1,3), 3/4·1/2 = 3/8 on [3,4]
		// RMST = 1 + 2·3/4 + 1·3/8 = 2.875
		// A(1) = 1.5 + 0.375 = 1.875, A(3) = 0.375
		// Var = 1.875²·1/(4·3) + 0.375²·1/(2·1) = 0.29296875 + 0.0703125 = 0.36328125
		const r = rmst(rows([1, 3], [2, 5]), 4)!;
		close(r.rmst, 2.875);
		close(r.variance, 0.36328125);
		close(r.se, Math.sqrt(0.36328125));
	});

	test('no censoring: RMST is the mean of min(T, τ) and Var = Σ(T − T̄)²/n²', () => {
		// placebo: all 21 had the event by week 23, ΣT = 182, so RMST(23) = 182/21
		// Σ(21T − 182)² = 368970 (by hand/Python), Var = 368970/21⁴ = 368970/194481
		const r = rmst(placebo, 23)!;
		close(r.rmst, 182 / 21);
		close(r.variance, 368970 / 194481);
		// past the last time the curve is 0: RMST stays the same
		close(rmst(placebo, 40)!.rmst, 182 / 21);
	});

	test('Freireich difference at τ = 10 and τ = 23', () => {
		// Python: 6-MP RMST(10) = 9.277310924369749 (var 0.10677805477109285),
		// placebo 6.6190476190476195 (var 0.5373069862865781), se of difference 0.8025490895002442
		const d10 = rmstDifference(placebo, sixMP, 10)!;
		close(d10.arm.rmst, 9.277310924369749);
		close(d10.arm.variance, 0.10677805477109285);
		close(d10.control.rmst, 6.6190476190476195);
		close(d10.difference.estimate, 2.658263305322129);
		close(d10.difference.se, 0.8025490895002442);
		close(d10.difference.lower, 2.658263305322129 - 1.959963984540054 * 0.8025490895002442);
		const d23 = rmstDifference(placebo, sixMP, 23)!;
		close(d23.arm.rmst, 17.909243697478995);
		close(d23.arm.variance, 2.4123991085312024);
		close(d23.difference.se, 2.075958196666291);
		// p = 2Φ(−9.2426/2.0760) (z = 4.452…) is tiny but positive
		expect(d23.pValue).toBeGreaterThan(0);
		expect(d23.pValue).toBeLessThan(1e-5);
	});

	test('τ past the last follow-up with the curve above 0, empty arm: null; bad τ throws', () => {
		expect(rmst(sixMP, 36)).toBeNull(); // last time 35, S > 0
		expect(rmst(sixMP, 35)).not.toBeNull();
		expect(rmst([], 5)).toBeNull();
		expect(rmstDifference([], sixMP, 10)).toBeNull();
		expect(() => rmst(sixMP, 0)).toThrow(/tau must be a positive number/);
		expect(() => rmst([{ t: -1, events: 1, censored: 0 }], 3)).toThrow(/time must be/);
	});

	test('all censored: RMST = τ with variance 0', () => {
		const r = rmst(rows([], [5, 6, 7]), 4)!;
		expect(r.rmst).toBe(4);
		expect(r.variance).toBe(0);
		const d = rmstDifference(rows([], [5, 6, 7]), rows([], [8, 9]), 4)!;
		expect(d.pValue).toBe(1);
	});
});
