import { describe, expect, test } from 'vitest';
import { compareArms, proportionStats, statsOf } from '../../src/lib/stats/effects.ts';
import {
	DEFAULT_TUNING_N,
	normalMixtureTest,
	rhoSquared,
	runningIntersection,
	sequentialCompare
} from '../../src/lib/stats/sequential.ts';

function close(actual: number | undefined, expected: number, rel = 1e-9): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-15
	);
}

/** Waudby-Smith et al. (2021) asymptotic CS half-width: a second, independent formula */
function waudbySmithHalfWidth(sigma2: number, n: number, rho2: number, alpha: number): number {
	return Math.sqrt(
		sigma2 * ((2 * (n * rho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(n * rho2 + 1) / alpha)
	);
}

describe('normal-mixture mSPRT', () => {
	test('hand-computed likelihood ratio, p-value and interval', () => {
		// d̂ = 0.5, V = 0.04, τ² = 0.01, α = 0.05; V + τ² = 0.05
		// Λ = √(0.04/0.05) · exp(0.01·0.25 / (2·0.04·0.05)) = √0.8 · e^0.625 = 1.6710099838030511
		// p = 1/Λ = 0.59844046995105338
		// half = √(0.04·0.05/0.01 · (2 ln 20 + ln 1.25)) = √(0.2 · 6.2146080984221914) = 1.1148639467147722
		const r = normalMixtureTest(0.5, 0.04, 0.01, 0.05);
		close(r.lambda, Math.sqrt(0.8) * Math.exp(0.625));
		close(r.lambda, 1.6710099838030511);
		close(r.pValue, 0.59844046995105338);
		close(r.upper - 0.5, 1.1148639467147722);
		close(r.lower, -0.61486394671477216);
	});

	test('the interval ends are exactly where Λ(θ₀) = 1/α', () => {
		// independent check: evaluate Λ at the end points directly from its definition
		const V = 0.0123;
		const tau2 = 0.0456;
		const d = 0.2;
		const alpha = 0.1;
		const r = normalMixtureTest(d, V, tau2, alpha);
		const lambdaAt = (theta: number) =>
			Math.sqrt(V / (V + tau2)) * Math.exp((tau2 * (d - theta) ** 2) / (2 * V * (V + tau2)));
		close(lambdaAt(r.upper), 1 / alpha, 1e-10);
		close(lambdaAt(r.lower), 1 / alpha, 1e-10);
	});

	test('p-value below α exactly when 0 is outside the interval', () => {
		for (const d of [-0.9, -0.5, -0.2, 0, 0.3, 0.6, 1.2]) {
			const r = normalMixtureTest(d, 0.04, 0.02, 0.05);
			expect(r.pValue < 0.05).toBe(r.lower > 0 || r.upper < 0);
		}
	});

	test('zero variance and invalid tuning', () => {
		expect(normalMixtureTest(0, 0, 1, 0.05)).toEqual({ lambda: 1, pValue: 1, lower: 0, upper: 0 });
		expect(normalMixtureTest(2, 0, 1, 0.05)).toMatchObject({ pValue: 0, lower: 2, upper: 2 });
		expect(() => normalMixtureTest(1, 1, 0, 0.05)).toThrow(/tau2/);
		expect(() => rhoSquared(0.05, 0)).toThrow(/tuningN/);
	});
});

describe('sequential comparison of arms', () => {
	test('ρ² for α = 0.05 and the default N* = 5000', () => {
		// −2 ln 0.05 = 5.991464547107982; ln(6.991464547107982) = 1.9446900546295833
		// ρ² = 7.936154601737565 / 5000
		expect(DEFAULT_TUNING_N).toBe(5000);
		close(rhoSquared(0.05, 5000), 7.936154601737565 / 5000);
		close(rhoSquared(0.05, 5000), 0.0015872309203475131);
	});

	test('200/1000 vs 240/1000 agrees with the Waudby-Smith form (mpmath values)', () => {
		const r = sequentialCompare(proportionStats(200, 1000), proportionStats(240, 1000))!;
		// Welch variances: p(1−p)/(n−1): V = (0.16 + 0.1824)/999, N = 2000
		const V = (0.16 + 0.1824) / 999;
		close(r.absolute.se, Math.sqrt(V));
		close(r.tau2, 0.0015872309203475131 * V * 2000);
		const half = waudbySmithHalfWidth(V * 2000, 2000, 0.0015872309203475131, 0.05);
		close(r.absolute.upper - 0.04, half, 1e-10);
		close(half, 0.057831498759932287);
		close(r.absolute.lower, -0.017831498759932287, 1e-8);
		close(r.lambda, 2.8877526588574122);
		close(r.pValue, 0.34629004562865394);
		// relative lift 0.2 with the same mixture on the delta-method variance
		close(r.relative!.estimate, 0.2);
		close(r.relative!.upper, 0.51749538597640318, 1e-9);
		// the fixed-horizon p-value on the same data is 0.0307 (< 0.05): the sequential one
		// is much larger, the price of looking at any time
		const fixed = compareArms(proportionStats(200, 1000), proportionStats(240, 1000))!;
		expect(fixed.pValue).toBeLessThan(0.05);
		expect(r.pValue).toBeGreaterThan(0.3);
		expect(r.absolute.lower).toBeLessThan(fixed.absolute.lower);
		expect(r.absolute.upper).toBeGreaterThan(fixed.absolute.upper);
	});

	test('2000/10000 vs 2200/10000 is significant at any look', () => {
		// V = (0.16 + 0.1716)/9999, N = 20000; mpmath: Λ = 60.474091447362263, p = 0.016536
		const r = sequentialCompare(proportionStats(2000, 10000), proportionStats(2200, 10000))!;
		close(r.lambda, 60.474091447362263, 1e-9);
		close(r.pValue, 0.016536007008396612, 1e-9);
		close(r.absolute.lower, 0.0019917002641191325, 1e-8);
		close(r.absolute.upper, 0.038008299735880867, 1e-9);
	});

	test('a fixed τ² is used as given', () => {
		const r = sequentialCompare(statsOf([1, 2, 3, 4]), statsOf([2, 3, 4, 5, 6]), { tau2: 0.5 })!;
		// V = (5/3)/4 + 2.5/5 = 0.9166…, d = 1.5
		const V = 5 / 12 + 0.5;
		const direct = normalMixtureTest(1.5, V, 0.5, 0.05);
		expect(r.tau2).toBe(0.5);
		close(r.pValue, direct.pValue);
		close(r.absolute.lower, direct.lower);
	});

	test('edge cases: empty or single-unit arm, zero variance, zero control mean', () => {
		expect(sequentialCompare(statsOf([]), statsOf([1, 2]))).toBeNull();
		expect(sequentialCompare(statsOf([1, 2]), statsOf([3]))).toBeNull();
		const flat = sequentialCompare(statsOf([5, 5, 5]), statsOf([6, 6]))!;
		expect(flat.pValue).toBe(0);
		expect(flat.absolute).toMatchObject({ estimate: 1, lower: 1, upper: 1 });
		const zero = sequentialCompare(proportionStats(0, 300), proportionStats(2, 300))!;
		expect(zero.relative).toBeNull();
		expect(zero.pValue).toBeGreaterThan(0.5);
	});
});

describe('running intersection across looks', () => {
	test('keeps the tightest bounds and the smallest p so far', () => {
		const r = runningIntersection([
			{ lower: -1, upper: 3, pValue: 0.8 },
			{ lower: -0.5, upper: 3.5, pValue: 0.9 },
			{ lower: -0.7, upper: 2, pValue: 0.4 }
		]);
		expect(r).toEqual([
			{ lower: -1, upper: 3, pValue: 0.8 },
			{ lower: -0.5, upper: 3, pValue: 0.8 },
			{ lower: -0.5, upper: 2, pValue: 0.4 }
		]);
	});
});
