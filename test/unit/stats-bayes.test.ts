import { describe, expect, test } from 'vitest';
import { bayesMeans, bayesProportions } from '../../src/lib/stats/bayes.ts';
import { statsOf } from '../../src/lib/stats/effects.ts';

function close(actual: number | undefined, expected: number, rel = 1e-8): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-15
	);
}

// Reference values for proportions (uniform prior) were computed with mpmath at 50 digits
// from Evan Miller's exact finite sum ("Formulas for Bayesian A/B testing", 2015):
//   P(p_B > p_A) = Σ_{i=0}^{a_B−1} B(a_A + i, b_A + b_B) / ((b_B + i)·B(1 + i, b_B)·B(a_A, b_A))
// and, for the expected losses, the size-biasing identity
//   E[max(Y − X, 0)] = m_Y·P(Y⁺ > X) − m_X·P(Y > X⁺),  Y⁺ ~ Beta(a_Y + 1, b_Y), X⁺ ~ Beta(a_X + 1, b_X)
// each probability again by Miller's sum: a route independent of the code's quadrature.

describe('Beta–Binomial', () => {
	test('by hand: 0/1 vs 1/1 (posteriors Beta(1,2) and Beta(2,1))', () => {
		// f_A(x) = 2x, F_C(x) = 1 − (1 − x)² = 2x − x²
		// P(A > C) = ∫ 2x(2x − x²) dx = 4/3 − 1/2 = 5/6
		// E[max(p_C − p_A, 0)] = ∫ 2x · (∫_x^1 (y − x)·2(1 − y) dy) dx = ∫ 2x (1 − x)³/3 dx
		//                      = (2/3)·B(2, 4) = (2/3)(1/20) = 1/30
		// E[max(p_A − p_C, 0)] = E[p_A − p_C] + 1/30 = (2/3 − 1/3) + 1/30 = 11/30
		const r = bayesProportions({ successes: 0, n: 1 }, { successes: 1, n: 1 })!;
		close(r.chanceToBeat, 5 / 6, 1e-10);
		close(r.expectedLossArm, 1 / 30, 1e-9);
		close(r.expectedLossControl, 11 / 30, 1e-10);
		expect(r.controlPosterior).toEqual({ alpha: 1, beta: 2 });
		expect(r.armPosterior).toEqual({ alpha: 2, beta: 1 });
	});

	test('20/200 vs 30/200', () => {
		const r = bayesProportions({ successes: 20, n: 200 }, { successes: 30, n: 200 })!;
		close(r.chanceToBeat, 0.93330529321781237);
		close(r.expectedLossArm, 0.00097535463232163024);
		close(r.expectedLossControl, 0.050480305127371135);
	});

	test('1000/10000 vs 1050/10000 (narrow posteriors)', () => {
		const r = bayesProportions({ successes: 1000, n: 10000 }, { successes: 1050, n: 10000 })!;
		close(r.chanceToBeat, 0.87807667288435533);
		close(r.expectedLossArm, 0.00025827372115483975);
		close(r.expectedLossControl, 0.0052572739211148478);
	});

	test('100000/1000000 vs 101000/1000000 (very narrow posteriors)', () => {
		// mpmath, Miller's sum in log space (101001 terms)
		const r = bayesProportions(
			{ successes: 100000, n: 1000000 },
			{ successes: 101000, n: 1000000 }
		)!;
		close(r.chanceToBeat, 0.99065868363671279);
		close(r.expectedLossArm, 1.3362437221640934e-6, 1e-8);
	});

	test('zero events in one or both arms', () => {
		// both Beta(1, b): P(A > C) = b_C/(b_A + b_C) = 501/902 by hand
		const none = bayesProportions({ successes: 0, n: 500 }, { successes: 0, n: 400 })!;
		close(none.chanceToBeat, 501 / 902, 1e-10);
		close(none.expectedLossArm, 0.0008846121604390853);
		close(none.expectedLossControl, 0.0013801424769838515);
		const three = bayesProportions({ successes: 0, n: 1000 }, { successes: 3, n: 1000 })!;
		close(three.chanceToBeat, 0.93768735942183986);
		close(three.expectedLossArm, 6.2064073807324008e-5, 1e-7);
		close(three.expectedLossControl, 0.0030560760498552282);
	});

	test('lower is better (complaints): chance and losses are mirrored', () => {
		// arm 5/80 vs control 7/50: P(p_A > p_C) = 0.070262302253599787 (mpmath)
		const r = bayesProportions(
			{ successes: 7, n: 50 },
			{ successes: 5, n: 80 },
			{ lowerIsBetter: true }
		)!;
		close(r.chanceToBeat, 1 - 0.070262302253599787);
		// shipping the arm loses if p_A > p_C: E[max(p_A − p_C, 0)]
		close(r.expectedLossArm, 0.0016073148093590169);
		close(r.expectedLossControl, 0.08228273694819579);
	});

	test('a Beta(2, 2) prior shifts the posteriors', () => {
		const r = bayesProportions(
			{ successes: 0, n: 1 },
			{ successes: 1, n: 1 },
			{ prior: { alpha: 2, beta: 2 } }
		)!;
		expect(r.controlPosterior).toEqual({ alpha: 2, beta: 3 });
		expect(r.armPosterior).toEqual({ alpha: 3, beta: 2 });
		// P(A > C) with A ~ Beta(3,2), C ~ Beta(2,3), by Miller's sum (a_B = 3 terms):
		// Σ_{i=0}^{2} B(2+i, 5)/((2+i)·B(1+i, 2)·B(2, 3)) = 0.4 + 0.2285714… + 0.1285714… = 53/70
		// i=0: B(2,5)/(2·B(1,2)·B(2,3)) = (1/30)/(2·(1/2)·(1/12)) = 12/30 = 0.4
		// i=1: B(3,5)/(3·B(2,2)·B(2,3)) = (1/105)/(3·(1/6)·(1/12)) = 24/105
		// i=2: B(4,5)/(4·B(3,2)·B(2,3)) = (1/280)/(4·(1/12)·(1/12)) = 36/280
		close(r.chanceToBeat, 0.4 + 24 / 105 + 36 / 280, 1e-10);
		close(r.chanceToBeat, 53 / 70, 1e-10);
	});

	test('empty arm gives null; bad input throws', () => {
		expect(bayesProportions({ successes: 0, n: 0 }, { successes: 1, n: 10 })).toBeNull();
		expect(bayesProportions({ successes: 1, n: 10 }, { successes: 0, n: 0 })).toBeNull();
		expect(() => bayesProportions({ successes: 11, n: 10 }, { successes: 0, n: 5 })).toThrow(
			/control: successes must be an integer between 0 and n/
		);
		expect(() =>
			bayesProportions({ successes: 1, n: 10 }, { successes: 1, n: 5 }, { prior: { alpha: 0, beta: 1 } })
		).toThrow(/prior/);
	});

	test('deterministic', () => {
		const a = bayesProportions({ successes: 13, n: 97 }, { successes: 17, n: 101 });
		const b = bayesProportions({ successes: 13, n: 97 }, { successes: 17, n: 101 });
		expect(a).toEqual(b);
	});
});

describe('means (normal approximation)', () => {
	test("R's sleep data: arm = group 1, control = group 2", () => {
		// d = −1.58, sd = 0.84909101723876196 (see stats-effects), z = d/sd
		// Python statistics.NormalDist: Φ(z) = 0.031385261489284555,
		// sd·φ(z) − d·Φ(−z) = 1.5903854869940481, sd·φ(z) + d·Φ(z) = 0.010385486994048045
		const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
		const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
		const r = bayesMeans(statsOf(sleep2), statsOf(sleep1))!;
		close(r.difference.mean, -1.58);
		close(r.difference.sd, 0.84909101723876196);
		close(r.chanceToBeat, 0.031385261489284555, 1e-7);
		close(r.expectedLossArm, 1.5903854869940481, 1e-9);
		close(r.expectedLossControl, 0.010385486994048045, 1e-7);
		// the two losses differ by exactly the posterior mean: lossControl − lossArm = d
		close(r.expectedLossControl - r.expectedLossArm, -1.58);
		const lower = bayesMeans(statsOf(sleep2), statsOf(sleep1), { lowerIsBetter: true })!;
		close(lower.chanceToBeat, 1 - 0.031385261489284555, 1e-9);
		close(lower.expectedLossArm, 0.010385486994048045, 1e-7);
	});

	test('no difference: chance 1/2, both losses sd/√(2π)', () => {
		// arm 1,2,3,4 and control 2,3,1,4: same mean; s² = 5/3 each, V = 2·(5/3)/4 = 5/6
		const r = bayesMeans(statsOf([2, 3, 1, 4]), statsOf([1, 2, 3, 4]))!;
		close(r.chanceToBeat, 0.5);
		close(r.expectedLossArm, Math.sqrt(5 / 6) / Math.sqrt(2 * Math.PI));
		close(r.expectedLossControl, Math.sqrt(5 / 6) / Math.sqrt(2 * Math.PI));
	});

	test('zero variance and too-small arms', () => {
		const r = bayesMeans(statsOf([5, 5]), statsOf([7, 7, 7]))!;
		expect(r.chanceToBeat).toBe(1);
		expect(r.expectedLossArm).toBe(0);
		expect(r.expectedLossControl).toBe(2);
		expect(bayesMeans(statsOf([]), statsOf([1, 2]))).toBeNull();
		expect(bayesMeans(statsOf([1, 2]), statsOf([3]))).toBeNull();
	});
});
