import { describe, expect, test } from 'vitest';
import { fisherExact, poissonRateTest } from '../../src/lib/stats/rare.ts';

function close(actual: number | null | undefined, expected: number, rel = 1e-9): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-15
	);
}

// References marked "mpmath" were computed with mpmath (40 digits) from the definitions:
// exact binomial / (noncentral) hypergeometric sums and findroot for the interval ends.

describe('Poisson rate ratio (conditional binomial test)', () => {
	test("R's ?poisson.test example: 11 events in 800 vs 21 in 3011", () => {
		// R: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878))
		//   p-value = 0.07967; 95 percent CI 0.8584264 4.2772659; rate ratio 1.971488
		const r = poissonRateTest(
			{ events: 6 + 8 + 7, exposure: 1083 + 1050 + 878 },
			{ events: 11, exposure: 800 }
		)!;
		close(r.rateRatio, 11 / 800 / (21 / 3011));
		expect(r.rateRatio).toBeCloseTo(1.971488, 6);
		expect(r.pValue).toBeCloseTo(0.07967, 5);
		expect(r.lower).toBeCloseTo(0.8584264, 7);
		expect(r.upper).toBeCloseTo(4.2772659, 7);
	});

	test('zero events in the arm: p = (5/11)⁵ and an exact upper limit, by hand', () => {
		// arm 0 events / 1200, control 5 / 1000: n = 5, π₀ = 1200/2200 = 6/11
		// P(X = 0) = (5/11)⁵ = 0.0194037913…; every other outcome is more likely, so p = (5/11)⁵
		// upper limit for π: Beta(0.975; 1, 5) = 1 − 0.025^(1/5); R = π/(1 − π)·1000/1200
		const r = poissonRateTest({ events: 5, exposure: 1000 }, { events: 0, exposure: 1200 })!;
		expect(r.rateRatio).toBe(0);
		close(r.pValue, (5 / 11) ** 5);
		expect(r.lower).toBe(0);
		const piU = 1 - 0.025 ** (1 / 5);
		close(r.upper, (piU / (1 - piU)) * (1000 / 1200), 1e-8);
	});

	test('zero events in control: ratio ∞, upper limit ∞', () => {
		// mirror image: x = 5 = n; P(X = 5) with π₀ = 1000/2200 = 5/11 is (5/11)⁵ again
		const r = poissonRateTest({ events: 0, exposure: 1200 }, { events: 5, exposure: 1000 })!;
		expect(r.rateRatio).toBe(Infinity);
		close(r.pValue, (5 / 11) ** 5);
		expect(r.upper).toBe(Infinity);
		const piL = 0.025 ** (1 / 5); // Beta(0.025; 5, 1) = 0.025^(1/5)
		close(r.lower, (piL / (1 - piL)) * (1200 / 1000), 1e-8);
	});

	test('one-sided harm test (greater) and a non-inferiority null ratio', () => {
		// arm 9 / 1000 vs control 3 / 1000: n = 12, π₀ = 1/2
		// P(X ≥ 9) = (C(12,9) + C(12,10) + C(12,11) + C(12,12))/4096 = (220 + 66 + 12 + 1)/4096 = 299/4096
		const g = poissonRateTest(
			{ events: 3, exposure: 1000 },
			{ events: 9, exposure: 1000 },
			{ alternative: 'greater' }
		)!;
		close(g.pValue, 299 / 4096);
		expect(g.upper).toBe(Infinity);
		// lower one-sided 95% limit: π_L = Beta(0.05; 9, 4) = 0.47267339643965610 (mpmath),
		// R = π_L/(1 − π_L) = 0.89635795586324209 (exposures equal)
		close(g.lower, 0.89635795586324209, 1e-9);
		// two-sided: symmetric binomial(12, 1/2), p = 2·299/4096
		const two = poissonRateTest({ events: 3, exposure: 1000 }, { events: 9, exposure: 1000 })!;
		close(two.pValue, 598 / 4096);
		// null ratio 3: π₀ = 3/(3 + 1) = 3/4; 'less' p = P(X ≤ 9) = 1 − P(X ≥ 10)
		// P(X ≥ 10) = C(12,10)·(3/4)¹⁰(1/4)² + 12·(3/4)¹¹(1/4) + (3/4)¹²
		const tail = 66 * 0.75 ** 10 * 0.0625 + 12 * 0.75 ** 11 * 0.25 + 0.75 ** 12;
		const ni = poissonRateTest(
			{ events: 3, exposure: 1000 },
			{ events: 9, exposure: 1000 },
			{ alternative: 'less', nullRatio: 3 }
		)!;
		close(ni.pValue, 1 - tail, 1e-12);
		expect(ni.nullRatio).toBe(3);
	});

	test('no events anywhere, empty arm, bad input', () => {
		const none = poissonRateTest({ events: 0, exposure: 500 }, { events: 0, exposure: 700 })!;
		expect(none.rateRatio).toBeNull();
		expect(none.pValue).toBe(1);
		expect(none.lower).toBe(0);
		expect(none.upper).toBe(Infinity);
		expect(poissonRateTest({ events: 0, exposure: 0 }, { events: 2, exposure: 100 })).toBeNull();
		expect(() => poissonRateTest({ events: 1, exposure: 0 }, { events: 2, exposure: 100 })).toThrow(
			/control: events without exposure/
		);
		expect(() => poissonRateTest({ events: 1.5, exposure: 1 }, { events: 2, exposure: 100 })).toThrow(
			/non-negative integer/
		);
	});
});

describe("Fisher's exact test", () => {
	test("Fisher's tea-tasting table [[3, 1], [1, 3]]", () => {
		// margins all 4: P(a) = C(4,a)·C(4,4−a)/C(8,4) = (1, 16, 36, 16, 1)/70
		// two-sided p = (1 + 16 + 16 + 1)/70 = 34/70; greater p = (16 + 1)/70
		// R (?fisher.test): p-value = 0.4857 (two-sided), 0.2429 (greater)
		// conditional MLE and interval ends: mpmath 6.4083196581996743, [0.21173559544657857,
		// 626.24353058881404]; one-sided lower 0.31357376750498516. R prints 6.408309,
		// 0.2117329 621.9337505 and 0.3135693: the same within R's uniroot tolerance (~1e-4 in
		// the root, which is 1/ψ for the upper end).
		const r = fisherExact([
			[3, 1],
			[1, 3]
		]);
		close(r.pValue, 34 / 70);
		close(r.oddsRatio, 6.4083196581996743, 1e-9);
		close(r.lower, 0.21173559544657857, 1e-9);
		close(r.upper, 626.24353058881404, 1e-9);
		expect(r.oddsRatio).toBeCloseTo(6.408309, 4);
		const g = fisherExact(
			[
				[3, 1],
				[1, 3]
			],
			{ alternative: 'greater' }
		);
		close(g.pValue, 17 / 70);
		close(g.lower, 0.31357376750498516, 1e-9);
		expect(g.upper).toBe(Infinity);
	});

	test("R's Convictions example [[2, 10], [15, 3]], alternative 'less'", () => {
		// R: p-value = 0.0004652, CI 0 0.2849601, odds ratio 0.04693661
		// mpmath: p = 0.00046518094336290501, upper 0.28495954561969675, MLE 0.046936639049679964
		const r = fisherExact(
			[
				[2, 10],
				[15, 3]
			],
			{ alternative: 'less' }
		);
		close(r.pValue, 0.00046518094336290501, 1e-9);
		expect(r.pValue).toBeCloseTo(0.0004652, 7);
		expect(r.lower).toBe(0);
		close(r.upper, 0.28495954561969675, 1e-9);
		close(r.oddsRatio, 0.046936639049679964, 1e-9);
		// two-sided: mpmath p = 0.0005367241191434358, CI [0.0033171639506573611, 0.36318960235668056]
		const t = fisherExact([
			[2, 10],
			[15, 3]
		]);
		close(t.pValue, 0.0005367241191434358, 1e-9);
		close(t.lower, 0.0033171639506573611, 1e-9);
		close(t.upper, 0.36318960235668056, 1e-9);
	});

	test('zero events in the arm row', () => {
		// [[0, 12], [5, 8]]: column 1 total 5, row 1 total 12, N = 25
		// P(a = 0) = C(20,12)/C(25,12) = 125970/5200300 = 0.0242236…  ('less' p)
		// two-sided (mpmath) 0.039130434782608696; upper end (mpmath) 0.98690371425323753
		const r = fisherExact([
			[0, 12],
			[5, 8]
		]);
		expect(r.oddsRatio).toBe(0);
		expect(r.lower).toBe(0);
		close(r.pValue, 0.039130434782608696, 1e-9);
		close(r.upper, 0.98690371425323753, 1e-9);
		const l = fisherExact(
			[
				[0, 12],
				[5, 8]
			],
			{ alternative: 'less' }
		);
		close(l.pValue, 125970 / 5200300, 1e-10);
		close(l.upper, 0.7227620918546393, 1e-9);
	});

	test('a rare-event table: 7/100 complaints vs 1/100', () => {
		// mpmath: two-sided p 0.064859402104265066, greater p 0.032429701052132533,
		// MLE 7.3924061259531289, CI [0.92141909319217882, 339.15243265481495]
		const r = fisherExact([
			[7, 93],
			[1, 99]
		]);
		close(r.pValue, 0.064859402104265066, 1e-9);
		close(r.oddsRatio, 7.3924061259531289, 1e-9);
		close(r.lower, 0.92141909319217882, 1e-9);
		close(r.upper, 339.15243265481495, 1e-9);
		const g = fisherExact(
			[
				[7, 93],
				[1, 99]
			],
			{ alternative: 'greater' }
		);
		close(g.pValue, 0.032429701052132533, 1e-9);
		close(g.lower, 1.1568943360052614, 1e-9);
	});

	test('degenerate margins and bad input', () => {
		// no events at all: only one table has these margins
		const none = fisherExact([
			[0, 50],
			[0, 60]
		]);
		expect(none.pValue).toBe(1);
		expect(none.lower).toBe(0);
		expect(none.upper).toBe(Infinity);
		// an empty arm row
		expect(
			fisherExact([
				[0, 0],
				[3, 60]
			]).pValue
		).toBe(1);
		expect(() =>
			fisherExact([
				[1, -1],
				[2, 3]
			])
		).toThrow(/non-negative integers/);
	});
});
