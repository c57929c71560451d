import { describe, expect, test } from 'vitest';
import { SRM_THRESHOLD, sampleRatioMismatch } from '../../src/lib/stats/srm.ts';

function close(actual: number | undefined, expected: number, rel = 1e-10): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// Closed forms of the χ² upper tail used as independent references (Abramowitz & Stegun §26.4):
//   df = 1: P = erfc(√(x/2)) = 2Φ(−√x);  df = 2: P = e^(−x/2);
//   df = 3: P = erfc(√(x/2)) + √(2x/π)·e^(−x/2).  Values from Python's math.erfc.

describe('sample ratio mismatch', () => {
	test('50/50, 5100 vs 4900: χ² = 2·100²/5000 = 4, p = erfc(√2)', () => {
		const r = sampleRatioMismatch([5100, 4900], [1, 1])!;
		expect(r.expected).toEqual([5000, 5000]);
		close(r.statistic, 4);
		expect(r.df).toBe(1);
		close(r.pValue, 0.04550026389635844);
		expect(r.flagged).toBe(false);
		expect(r.threshold).toBe(SRM_THRESHOLD);
	});

	test('5300 vs 4700 is flagged: χ² = 36, p = 2Φ(−6)', () => {
		const r = sampleRatioMismatch([5300, 4700], [0.5, 0.5])!;
		close(r.statistic, 36);
		close(r.pValue, 1.9731752900754024e-9, 1e-8);
		expect(r.flagged).toBe(true);
	});

	test('three arms 50/25/25: χ² = 200²/10000 + 50²/5000 + 150²/5000 = 9, p = e^(−4.5)', () => {
		const r = sampleRatioMismatch([10200, 4950, 4850], [50, 25, 25])!;
		expect(r.expected).toEqual([10000, 5000, 5000]);
		close(r.statistic, 9);
		expect(r.df).toBe(2);
		close(r.pValue, Math.exp(-4.5));
		close(r.pValue, 0.011108996538242306);
	});

	test('unequal weights 90/10: 9000 vs 1100', () => {
		// N = 10100, E = 9090, 1010; χ² = 90²/9090 + 90²/1010 = 8.9108910891089…
		const r = sampleRatioMismatch([9000, 1100], [0.9, 0.1])!;
		close(r.expected[0], 9090);
		close(r.expected[1], 1010);
		close(r.statistic, 8100 / 9090 + 8100 / 1010);
		close(r.pValue, 0.0028347490802593973, 1e-9);
		expect(r.flagged).toBe(false);
		expect(sampleRatioMismatch([9000, 1100], [0.9, 0.1], 0.01)!.flagged).toBe(true);
	});

	test('four arms: χ² = (100² + 0 + 50² + 50²)/2500 = 6 on 3 df', () => {
		const r = sampleRatioMismatch([2600, 2500, 2450, 2450], [1, 1, 1, 1])!;
		close(r.statistic, 6);
		expect(r.df).toBe(3);
		close(r.pValue, 0.11161022509471258, 1e-9);
	});

	test('an exact match gives χ² = 0, p = 1; an empty arm is a strong mismatch', () => {
		const r = sampleRatioMismatch([300, 100], [3, 1])!;
		expect(r.statistic).toBe(0);
		expect(r.pValue).toBe(1);
		// 0 vs 1000 at 50/50: χ² = 500²/500 · 2 = 1000
		const empty = sampleRatioMismatch([0, 1000], [1, 1])!;
		close(empty.statistic, 1000);
		expect(empty.flagged).toBe(true);
	});

	test('no units: null; bad input: RangeError', () => {
		expect(sampleRatioMismatch([0, 0, 0], [1, 1, 1])).toBeNull();
		expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(/differ in length/);
		expect(() => sampleRatioMismatch([5], [1])).toThrow(/at least two arms/);
		expect(() => sampleRatioMismatch([5, 5], [1, 0])).toThrow(/weights must be positive/);
		expect(() => sampleRatioMismatch([5, 2.5], [1, 1])).toThrow(/non-negative integers/);
	});
});
