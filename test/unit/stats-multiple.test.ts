import { describe, expect, test } from 'vitest';
import { adjustPValues, benjaminiHochberg, holm } from '../../src/lib/stats/multiple.ts';

function closeAll(actual: number[], expected: number[]): void {
	expect(actual.length).toBe(expected.length);
	actual.forEach((a, i) => expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(1e-12));
}

describe('Holm', () => {
	test('by hand, unsorted input comes back in input order', () => {
		// p = [0.01, 0.04, 0.03, 0.005], m = 4; sorted 0.005, 0.01, 0.03, 0.04
		// × (4, 3, 2, 1) = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06
		closeAll(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02]);
	});
	test('running maximum and cap at 1', () => {
		// × (5, 4, 3, 2, 1): 0.05, 0.08, 0.09, 0.08, 0.05 → 0.05, 0.08, 0.09, 0.09, 0.09
		closeAll(holm([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05, 0.08, 0.09, 0.09, 0.09]);
		// × (3, 2, 1): 0.6, 1.2 → 1, 0.9 → 1
		closeAll(holm([0.2, 0.6, 0.9]), [0.6, 1, 1]);
	});
});

describe('Benjamini–Hochberg', () => {
	test('by hand', () => {
		// sorted 0.005, 0.01, 0.03, 0.04 × m/j = (4, 2, 4/3, 1): 0.02, 0.02, 0.04, 0.04
		// running min from the top: 0.04, 0.04, 0.02, 0.02
		closeAll(benjaminiHochberg([0.01, 0.04, 0.03, 0.005]), [0.02, 0.04, 0.04, 0.02]);
		// (m/j)·p = 0.05 for every j
		closeAll(benjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]), [0.05, 0.05, 0.05, 0.05, 0.05]);
		// sorted 0.03, 0.04, 0.9 × (3, 3/2, 1) = 0.09, 0.06, 0.9
		// → running min from the top: 0.9, 0.06, 0.06 (input order 0.9, 0.06, 0.06)
		closeAll(benjaminiHochberg([0.9, 0.03, 0.04]), [0.9, 0.06, 0.06]);
	});
	test('ties', () => {
		// sorted 0.02, 0.02, 0.5 × (3, 3/2, 1) = 0.06, 0.03, 0.5 → running min 0.03, 0.03, 0.5
		closeAll(benjaminiHochberg([0.02, 0.5, 0.02]), [0.03, 0.5, 0.03]);
		// Holm: × (3, 2, 1) = 0.06, 0.04, 0.5 → running max 0.06, 0.06, 0.5
		closeAll(holm([0.02, 0.5, 0.02]), [0.06, 0.5, 0.06]);
	});
});

describe('agreement with the rejection procedures they summarise', () => {
	// independent definitions: Holm rejects p₍₁₎…p₍ₖ₎ while p₍ⱼ₎ ≤ α/(m − j + 1);
	// BH rejects every p ≤ p₍ₖ₎ with k the largest j such that p₍ⱼ₎ ≤ jα/m.
	function holmRejects(p: number[], alpha: number): boolean[] {
		const o = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
		const rej = p.map(() => false);
		for (let j = 0; j < o.length; j++) {
			if (p[o[j]!]! <= alpha / (p.length - j)) rej[o[j]!] = true;
			else break;
		}
		return rej;
	}
	function bhRejects(p: number[], alpha: number): boolean[] {
		const s = [...p].sort((a, b) => a - b);
		let cut = -1;
		s.forEach((v, j) => {
			if (v <= ((j + 1) * alpha) / p.length) cut = v;
		});
		return p.map((v) => v <= cut);
	}
	test('adjusted p ≤ α exactly when the procedure rejects', () => {
		const sets = [
			[0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216],
			[0.0001, 0.3, 0.012, 0.0125, 0.049, 0.02],
			[0.5, 0.04, 0.01]
		];
		for (const p of sets)
			for (const alpha of [0.01, 0.025, 0.05, 0.1]) {
				expect(holm(p).map((q) => q <= alpha)).toEqual(holmRejects(p, alpha));
				expect(benjaminiHochberg(p).map((q) => q <= alpha)).toEqual(bhRejects(p, alpha));
			}
	});
});

describe('edge cases', () => {
	test('empty and single', () => {
		expect(holm([])).toEqual([]);
		expect(benjaminiHochberg([])).toEqual([]);
		expect(holm([0.03])).toEqual([0.03]);
		expect(adjustPValues([0.03], 'bh')).toEqual([0.03]);
	});
	test('invalid p-values throw', () => {
		expect(() => holm([0.1, Number.NaN])).toThrow(/p-values must be numbers in \[0, 1\]/);
		expect(() => benjaminiHochberg([1.2])).toThrow(RangeError);
	});
	test('adjustPValues dispatches', () => {
		closeAll(adjustPValues([0.01, 0.04, 0.03, 0.005], 'holm'), [0.03, 0.06, 0.06, 0.02]);
		closeAll(adjustPValues([0.01, 0.04, 0.03, 0.005], 'bh'), [0.02, 0.04, 0.04, 0.02]);
	});
});
