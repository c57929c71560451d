/**
 * The mix / rate decomposition of a ratio's change (src/lib/stats/decompose.ts): cases worked
 * out by hand below, then the exact-sum property on seeded random data, groups that appear or
 * vanish, and zero denominators.
 */
import { describe, expect, test } from 'vitest';
import { decompose, exactSum, type DecomposeGroup } from '../../src/lib/stats/decompose.ts';

const byKey = (d: ReturnType<typeof decompose>) => Object.fromEntries(d.groups.map((g) => [g.key, g]));

describe('two groups, by hand', () => {
	// Period 0 (comparison): A 30 of 100 (r = 0.3), B 10 of 100 (r = 0.1); Σ 40 / 200, R0 = 0.2,
	//   w0 = 0.5 and 0.5.
	// Period 1 (current):    A 20 of 100 (r = 0.2), B 30 of 300 (r = 0.1); Σ 50 / 400, R1 = 0.125,
	//   w1 = 0.25 and 0.75.
	// total = 0.125 − 0.2 = −0.075; R̄ = (0.2 + 0.125) / 2 = 0.1625.
	// A: rate = (0.2 − 0.3)·(0.5 + 0.25)/2 = −0.1·0.375 = −0.0375
	//    mix  = (0.25 − 0.5)·((0.3 + 0.2)/2 − 0.1625) = −0.25·0.0875 = −0.021875
	//           (fewer of a group above the average)
	// B: rate = (0.1 − 0.1)·… = 0
	//    mix  = (0.75 − 0.5)·(0.1 − 0.1625) = 0.25·(−0.0625) = −0.015625
	//           (more of a group below the average)
	// Σ mix = −0.0375, Σ rate = −0.0375, Σ = −0.075 = total.
	const groups: DecomposeGroup[] = [
		{ key: 'A', num0: 30, den0: 100, num1: 20, den1: 100 },
		{ key: 'B', num0: 10, den0: 100, num1: 30, den1: 300 }
	];

	test('the ratios, the total and each effect', () => {
		const d = decompose(groups);
		expect(d.reason).toBeNull();
		expect(d.R0).toBeCloseTo(0.2, 15);
		expect(d.R1).toBeCloseTo(0.125, 15);
		expect(d.total).toBeCloseTo(-0.075, 15);
		const g = byKey(d);
		expect(g.A).toMatchObject({ w0: 0.5, w1: 0.25 });
		expect(g.A!.r0).toBeCloseTo(0.3, 15);
		expect(g.A!.r1).toBeCloseTo(0.2, 15);
		expect(g.A!.rate).toBeCloseTo(-0.0375, 15);
		expect(g.A!.mix).toBeCloseTo(-0.021875, 15);
		expect(g.B).toMatchObject({ w0: 0.5, w1: 0.75, rate: 0 });
		expect(g.B!.mix).toBeCloseTo(-0.015625, 15);
		expect(d.mix).toBeCloseTo(-0.0375, 15);
		expect(d.rate).toBeCloseTo(-0.0375, 15);
		expect(d.mix + d.rate).toBeCloseTo(d.total!, 15);
	});

	test('the scale multiplies every figure (per 1,000)', () => {
		const d = decompose(groups, 1000);
		expect(d.R0).toBeCloseTo(200, 12);
		expect(d.R1).toBeCloseTo(125, 12);
		expect(d.total).toBeCloseTo(-75, 12);
		expect(byKey(d).A!.rate).toBeCloseTo(-37.5, 12);
		expect(byKey(d).A!.mix).toBeCloseTo(-21.875, 12);
		expect(byKey(d).B!.mix).toBeCloseTo(-15.625, 12);
	});

	test('swapping the periods turns every effect round', () => {
		const d = decompose(groups);
		const s = decompose(groups.map((g) => ({ key: g.key, num0: g.num1, den0: g.den1, num1: g.num0, den1: g.den0 })));
		expect(s.total).toBeCloseTo(-d.total!, 15);
		for (const [i, g] of s.groups.entries()) {
			expect(g.mix).toBeCloseTo(-d.groups[i]!.mix, 15);
			expect(g.rate).toBeCloseTo(-d.groups[i]!.rate, 15);
		}
	});

	test('nothing moved: every effect is 0', () => {
		const d = decompose([
			{ key: 'A', num0: 3, den0: 10, num1: 6, den1: 20 },
			{ key: 'B', num0: 1, den0: 10, num1: 2, den1: 20 }
		]);
		expect(d.total).toBe(0);
		for (const g of d.groups) {
			expect(g.mix).toBeCloseTo(0, 15);
			expect(g.rate).toBeCloseTo(0, 15);
		}
	});
});

describe('groups that appear or vanish', () => {
	// A: 10 of 100 (0.1) then 20 of 100 (0.2); C: absent, then 30 of 100 (0.3).
	// R0 = 10/100 = 0.1, R1 = 50/200 = 0.25, total = 0.15, R̄ = 0.175.
	// A: w 1 → 0.5; rate = 0.1·0.75 = 0.075; mix = −0.5·(0.15 − 0.175) = 0.0125
	// C: w 0 → 0.5, r0 taken from r1 = 0.3; rate = 0; mix = 0.5·(0.3 − 0.175) = 0.0625
	// Σ = 0.075 + 0.0125 + 0.0625 = 0.15.
	test('a new group is all mix, with the rate of the period it is in', () => {
		const d = decompose([
			{ key: 'A', num0: 10, den0: 100, num1: 20, den1: 100 },
			{ key: 'C', num0: 0, den0: 0, num1: 30, den1: 100 }
		]);
		expect(d.total).toBeCloseTo(0.15, 15);
		const g = byKey(d);
		expect(g.A!.rate).toBeCloseTo(0.075, 15);
		expect(g.A!.mix).toBeCloseTo(0.0125, 15);
		expect(g.C).toMatchObject({ w0: 0, w1: 0.5, rate: 0 });
		expect(g.C!.r0).toBeCloseTo(0.3, 15);
		expect(g.C!.r1).toBeCloseTo(0.3, 15);
		expect(g.C!.mix).toBeCloseTo(0.0625, 15);
		expect(d.mix + d.rate).toBeCloseTo(0.15, 15);
	});

	test('a vanished group: the same the other way round', () => {
		const d = decompose([
			{ key: 'A', num0: 20, den0: 100, num1: 10, den1: 100 },
			{ key: 'C', num0: 30, den0: 100, num1: 0, den1: 0 }
		]);
		expect(d.total).toBeCloseTo(-0.15, 15);
		const g = byKey(d);
		expect(g.C).toMatchObject({ w0: 0.5, w1: 0, rate: 0 });
		expect(g.C!.r1).toBeCloseTo(0.3, 15);
		expect(g.C!.mix).toBeCloseTo(-0.0625, 15);
		expect(g.A!.rate).toBeCloseTo(-0.075, 15);
		expect(g.A!.mix).toBeCloseTo(-0.0125, 15);
	});

	test('a group absent in both periods has no rate and no effect', () => {
		const d = decompose([
			{ key: 'A', num0: 1, den0: 4, num1: 1, den1: 2 },
			{ key: 'Z', num0: 0, den0: 0, num1: 0, den1: 0 }
		]);
		expect(byKey(d).Z).toEqual({ key: 'Z', mix: 0, rate: 0, w0: 0, w1: 0, r0: null, r1: null });
		expect(d.total).toBeCloseTo(0.25, 15);
		expect(byKey(d).A!.rate).toBeCloseTo(0.25, 15);
	});
});

describe('zero denominators', () => {
	test('no denominator in a period: no ratio, no decomposition, and why', () => {
		const d = decompose([{ key: 'A', num0: 0, den0: 0, num1: 3, den1: 10 }]);
		expect(d.R0).toBeNull();
		expect(d.R1).toBeCloseTo(0.3, 15);
		expect(d.total).toBeNull();
		expect(d.groups).toEqual([]);
		expect(d.reason).toMatch(/comparison period/);
		expect(decompose([{ key: 'A', num0: 1, den0: 2, num1: 0, den1: 0 }]).reason).toMatch(/current period/);
		expect(decompose([]).reason).toMatch(/either period/);
	});

	test('a numerator without a denominator (complaints from accounts not contacted) goes to rate, and the sum stays exact', () => {
		// R0 = (10 + 5) / 100 = 0.15, R1 = 10 / 100 = 0.1; A does not move, B's 5 complaints
		// with no account contacted are 5/100 = 0.05 of R0 and leave: rate −0.05.
		const d = decompose([
			{ key: 'A', num0: 10, den0: 100, num1: 10, den1: 100 },
			{ key: 'B', num0: 5, den0: 0, num1: 0, den1: 0 }
		]);
		expect(d.total).toBeCloseTo(-0.05, 15);
		expect(byKey(d).A).toMatchObject({ mix: 0, rate: 0 });
		expect(byKey(d).B!.rate).toBeCloseTo(-0.05, 15);
		expect(d.mix + d.rate).toBeCloseTo(-0.05, 15);
	});

	test('bad input is refused', () => {
		expect(() => decompose([{ key: 'A', num0: NaN, den0: 1, num1: 1, den1: 1 }])).toThrow(/finite/);
		expect(() => decompose([], 0)).toThrow(/scale/);
	});
});

/** mulberry32: a small seeded generator, so that a failure can be replayed */
function rng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('the contributions add up to the change exactly', () => {
	test('2,000 random cases (seeded): Σ(mix + rate) = R1 − R0 to 1e-12 relative', () => {
		const u = rng(20260630);
		let checked = 0;
		for (let c = 0; c < 2000; c++) {
			const n = 1 + Math.floor(u() * 60);
			const scale = [1, 1000, 10_000][c % 3]!;
			const big = u() < 0.3 ? 1e6 : 1000;
			const groups: DecomposeGroup[] = [];
			for (let i = 0; i < n; i++) {
				// some groups are absent in one period; some have a fractional numerator (recovery)
				const den0 = u() < 0.1 ? 0 : Math.floor(u() * big);
				const den1 = u() < 0.1 ? 0 : Math.floor(u() * big);
				const frac = u() < 0.5;
				const num = (den: number) => (den === 0 ? (u() < 0.05 ? Math.floor(u() * 5) : 0) : frac ? u() * den : Math.floor(u() * (den + 1)));
				groups.push({ key: `g${i}`, num0: num(den0), den0, num1: num(den1), den1 });
			}
			const d = decompose(groups, scale);
			if (d.total === null) {
				expect(d.reason).not.toBeNull();
				continue;
			}
			const size = Math.max(Math.abs(d.R0!), Math.abs(d.R1!), Number.MIN_VALUE);
			const tol = 1e-12 * size;
			expect(Math.abs(d.mix + d.rate - d.total), `case ${c}`).toBeLessThanOrEqual(tol);
			expect(Math.abs(exactSum(d.groups.map((g) => g.mix + g.rate)) - d.total), `case ${c}`).toBeLessThanOrEqual(tol);
			// the plain running sum a reader would do is as good
			expect(Math.abs(d.groups.reduce((s, g) => s + g.mix + g.rate, 0) - d.total), `case ${c}`).toBeLessThanOrEqual(tol);
			// the centring constant changes no total: the mix sums to the uncentred mix
			const uncentred = exactSum(d.groups.map((g) => (g.r0 === null ? 0 : (g.w1 - g.w0) * ((g.r0 + g.r1!) / 2))));
			expect(Math.abs(uncentred - d.mix), `case ${c}`).toBeLessThanOrEqual(tol);
			checked++;
		}
		expect(checked).toBeGreaterThan(1500);
	});
});
