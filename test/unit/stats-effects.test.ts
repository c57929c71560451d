import { describe, expect, test } from 'vitest';
import {
	compareArms,
	meanAndVariance,
	proportionStats,
	statsOf
} from '../../src/lib/stats/effects.ts';

function close(actual: number | undefined, expected: number, rel = 1e-8): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-15
	);
}

// R's `sleep` data set (Student 1908), as in the example of R's ?t.test.
const sleep1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleep2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('Welch t', () => {
	test("matches R's t.test(extra ~ group, data = sleep)", () => {
		// R prints: t = -1.8608, df = 17.776, p-value = 0.07939,
		// 95 percent confidence interval: -3.3654832 0.2054832 (group 1 − group 2).
		// Full digits below from an mpmath re-computation of the same formulas (which agree
		// with every digit R prints).
		const r = compareArms(statsOf(sleep2), statsOf(sleep1))!;
		expect(r.test).toBe('welch');
		close(r.controlMean, 2.33);
		close(r.armMean, 0.75);
		close(r.absolute.estimate, -1.58);
		close(r.absolute.se, 0.849091017238762);
		close(r.df, 17.77647351617849);
		close(r.statistic, -1.860813467486853);
		close(r.pValue, 0.07939414018735814, 1e-7);
		close(r.absolute.lower, -3.365483230711711, 1e-7);
		close(r.absolute.upper, 0.2054832307117110, 1e-7);
		expect(r.statistic).toBeCloseTo(-1.8608, 4);
		expect(r.df).toBeCloseTo(17.776, 3);
		expect(r.pValue).toBeCloseTo(0.07939, 5);
		// relative lift 0.75/2.33 − 1 with the delta-method se
		// √(v₁/m₂² + m₁²·v₂/m₂⁴), v = s²/n (mpmath: 0.25808008103321780)
		close(r.relative!.estimate, 0.75 / 2.33 - 1);
		close(r.relative!.se, 0.2580800810332178);
		close(r.relative!.lower, -1.220806832085215, 1e-7);
		close(r.relative!.upper, -0.1354163438804505, 1e-6);
	});

	test('one arm with zero variance: df = n − 1 of the other arm', () => {
		// control 5,5,5,5 (s² = 0); arm 4,6,5,7,8: mean 6, s² = (4+1+1+1+4)/4 = 2.5,
		// se = √(2.5/5) = √0.5, t = 1/√0.5 = √2, df = (v)²/(v²/4) = 4.
		const r = compareArms(statsOf([5, 5, 5, 5]), statsOf([4, 6, 5, 7, 8]))!;
		close(r.absolute.estimate, 1);
		close(r.absolute.se, Math.SQRT1_2);
		close(r.df, 4);
		close(r.statistic, Math.SQRT2);
		// t₄ cdf has the closed form 1/2 + (3/4)(u − u³/3)·sign(t), u = t/√(t² + 4)
		// (Abramowitz & Stegun §26.7, even df): u = √2/√6 = 1/√3, so the two-sided p is
		// 1 − (3/2)(1/√3 − 1/(9√3)) = 1 − (3/2)(8/(9√3)) = 1 − 4/(3√3)
		close(r.pValue, 1 - 4 / (3 * Math.sqrt(3)));
		close(r.pValue, 0.2301996410804990); // mpmath
		// t_{4, 0.975} = 2.776445105197799 (mpmath; tables 2.776)
		close(r.absolute.lower, 1 - 2.776445105197799 * Math.SQRT1_2);
		close(r.absolute.upper, 2.963243161477558);
	});

	test('both arms with zero variance: the difference is exact', () => {
		const same = compareArms(statsOf([5, 5, 5]), statsOf([5, 5, 5, 5]))!;
		expect(same.pValue).toBe(1);
		expect(same.statistic).toBe(0);
		expect(same.absolute).toMatchObject({ estimate: 0, se: 0, lower: 0, upper: 0 });
		const up = compareArms(statsOf([5, 5, 5]), statsOf([6, 6, 6]))!;
		expect(up.pValue).toBe(0);
		expect(up.statistic).toBe(Infinity);
		expect(up.absolute).toMatchObject({ estimate: 1, se: 0, lower: 1, upper: 1 });
		close(up.relative!.estimate, 0.2);
		expect(up.relative!.se).toBe(0);
	});
});

describe('proportions (z test, Wald interval)', () => {
	test('hand-computed 200/1000 vs 240/1000', () => {
		// control p₁ = 0.2, arm p₂ = 0.24, d = 0.04
		// var = 0.2·0.8/1000 + 0.24·0.76/1000 = 0.00016 + 0.0001824 = 0.0003424
		// se = √0.0003424 = 0.018504053609952604; z = 0.04/se = 2.1616885058355846
		// p = 2Φ(−z) = 0.030642194202661 (mpmath)
		// CI = 0.04 ± 1.959963984540054·se = [0.0037327213564945, 0.0762672786435055]
		const r = compareArms(proportionStats(200, 1000), proportionStats(240, 1000), {
			test: 'z'
		})!;
		close(r.absolute.estimate, 0.04);
		close(r.absolute.se, Math.sqrt(0.0003424));
		close(r.statistic, 2.1616885058355846);
		expect(r.df).toBe(Infinity);
		close(r.pValue, 0.030642194202661101);
		close(r.absolute.lower, 0.0037327213564945195, 1e-7);
		close(r.absolute.upper, 0.07626727864350548);
		// relative lift 0.24/0.2 − 1 = 0.2;
		// var = 0.0001824/0.2² + 0.24²·0.00016/0.2⁴ = 0.00456 + 0.00576 = 0.01032
		close(r.relative!.estimate, 0.2);
		close(r.relative!.se, Math.sqrt(0.01032));
		close(r.relative!.lower, 0.2 - 1.959963984540054 * Math.sqrt(0.01032));
	});

	test('Welch on 0/1 data uses the unbiased variance', () => {
		// p(1−p)·n/(n−1): 0.16·1000/999 and 0.1824·1000/999
		const r = compareArms(proportionStats(200, 1000), proportionStats(240, 1000))!;
		close(r.absolute.se, Math.sqrt((0.0003424 * 1000) / 999));
		// df = (v₁ + v₂)²/((v₁² + v₂²)/999) with v = 0.1824/999, 0.16/999
		//    = 999 · 0.3424² / (0.1824² + 0.16²) = 999 · 0.11723776 / 0.05886976
		close(r.df, (999 * 0.11723776) / 0.05886976);
		close(r.df, 1989.4853017916, 1e-10);
	});

	test('zero events in both arms: no difference, p = 1; control 0 gives no relative lift', () => {
		const r = compareArms(proportionStats(0, 500), proportionStats(0, 400), { test: 'z' })!;
		expect(r.pValue).toBe(1);
		expect(r.relative).toBeNull();
		const s = compareArms(proportionStats(0, 500), proportionStats(3, 400), { test: 'z' })!;
		// var = 0 + (3/400)(397/400)/400; se = √(0.0075·0.9925/400)
		close(s.absolute.se, Math.sqrt((0.0075 * 0.9925) / 400));
		expect(s.relative).toBeNull();
	});
});

describe('edge cases', () => {
	test('an empty arm gives null; n = 1 is too small for Welch but fine for z', () => {
		expect(compareArms(statsOf([]), statsOf([1, 2, 3]))).toBeNull();
		expect(compareArms(statsOf([1, 2, 3]), statsOf([]))).toBeNull();
		expect(compareArms(statsOf([1]), statsOf([1, 2, 3]))).toBeNull();
		const z = compareArms(statsOf([1]), statsOf([1, 2, 3]), { test: 'z' })!;
		// ML variance of 1,2,3 is 2/3: se = √(2/9)
		close(z.absolute.se, Math.sqrt(2 / 9));
	});

	test('malformed input throws a RangeError with a clear message', () => {
		expect(() => compareArms({ n: -1, sum: 0, sumSquares: 0 }, statsOf([1, 2]))).toThrow(
			/control: n must be a non-negative integer/
		);
		expect(() => compareArms(statsOf([1, 2]), { n: 2, sum: 10, sumSquares: 1 })).toThrow(
			/arm: inconsistent sums/
		);
		expect(() => compareArms(statsOf([1, 2]), statsOf([1, 2]), { alpha: 1.5 })).toThrow(
			/alpha/
		);
		expect(() => proportionStats(5, 4)).toThrow(RangeError);
	});

	test('meanAndVariance agrees with the two-pass formula', () => {
		const xs = [1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4];
		// two-pass: deviations −1.5, −0.5, 0.5, 1.5 → Σ = 5 → s² = 5/3
		const mv = meanAndVariance(statsOf(xs));
		close(mv.mean, 1e6 + 2.5);
		close(mv.variance, 5 / 3, 1e-6);
	});

	test('alpha changes only the interval', () => {
		const a = compareArms(statsOf(sleep2), statsOf(sleep1), { alpha: 0.1 })!;
		const b = compareArms(statsOf(sleep2), statsOf(sleep1), { alpha: 0.05 })!;
		expect(a.pValue).toBe(b.pValue);
		expect(a.absolute.upper - a.absolute.lower).toBeLessThan(b.absolute.upper - b.absolute.lower);
	});
});
