import { describe, expect, test } from 'vitest';
import {
	betaCdf,
	betaPdf,
	betaQuantile,
	binomialCdf,
	binomialPmf,
	binomialUpperTail,
	chiSquareCdf,
	chiSquareSurvival,
	hypergeometricPmf,
	logBeta,
	logGamma,
	normalCdf,
	normalPdf,
	normalQuantile,
	poissonCdf,
	poissonPmf,
	poissonUpperTail,
	regularizedBeta,
	regularizedGamma,
	studentTCdf,
	studentTQuantile
} from '../../src/lib/stats/distributions.ts';

/** relative closeness (default 1e-9: far tighter than the 4 significant digits required) */
function close(actual: number, expected: number, rel = 1e-9): void {
	expect(Number.isFinite(actual), `${actual} should be finite`).toBe(true);
	expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// Reference values marked "mpmath" were computed with mpmath 1.3 (pure-Python arbitrary
// precision) at 40 digits, from the textbook definitions (t cdf through the incomplete
// beta, Abramowitz & Stegun §26.7; χ² through the incomplete gamma; sums of pmfs).

describe('normal', () => {
	test('cdf, pdf and quantile', () => {
		close(normalCdf(1.96), 0.9750021048517795); // mpmath ncdf(1.96)
		close(normalCdf(0), 0.5);
		close(normalCdf(12, 10, 2), 0.5 + 0.3413447460685429); // Φ(1), A&S table 26.1
		close(normalPdf(0), 1 / Math.sqrt(2 * Math.PI)); // 1/√(2π)
		close(normalQuantile(0.975), 1.959963984540054); // mpmath √2·erfinv(0.95)
		close(normalQuantile(0.001), -3.090232306167814); // mpmath
		close(normalQuantile(0.5, 3, 7), 3);
	});
});

describe('Student t', () => {
	test('cdf and quantile', () => {
		close(studentTCdf(2.5, 7), 0.9795038907071236); // mpmath
		close(studentTCdf(-1.3, 3.5), 0.1362977079021852); // mpmath, non-integer df
		// df = 1 is the Cauchy: F(x) = 1/2 + atan(x)/π; F(1) = 3/4
		close(studentTCdf(1, 1), 0.75);
		close(studentTQuantile(0.975, 10), 2.228138851986275); // mpmath (tables: 2.228)
		close(studentTQuantile(0.05, 4.3), -2.089822096271947, 1e-8); // mpmath
		// infinite df is the normal
		close(studentTCdf(1.96, Infinity), 0.9750021048517795);
		close(studentTQuantile(0.975, Infinity), 1.959963984540054);
	});
});

describe('chi-square', () => {
	test('cdf and upper tail', () => {
		close(chiSquareCdf(3.84, 1), 0.9499564787512949); // mpmath
		close(chiSquareSurvival(30, 3), 1.380057031293255e-6); // mpmath
		// df = 2 is the exponential with mean 2: P(X ≥ x) = e^(−x/2); e^(−100) by hand
		close(chiSquareSurvival(200, 2), Math.exp(-100));
		close(chiSquareSurvival(200, 2), 3.720075976020836e-44);
		expect(chiSquareSurvival(0, 4)).toBe(1);
		expect(chiSquareCdf(-1, 4)).toBe(0);
		expect(chiSquareSurvival(1, 0)).toBeNaN();
	});
});

describe('binomial and Poisson', () => {
	test('binomial pmf, cdf and upper tail', () => {
		// P(X ≤ 3), X ~ Bin(10, 1/2) = (1 + 10 + 45 + 120)/1024 = 176/1024
		close(binomialCdf(3, 10, 0.5), 176 / 1024);
		// P(X = 2), X ~ Bin(5, 0.3) = 10 · 0.09 · 0.343 = 0.3087
		close(binomialPmf(2, 5, 0.3), 0.3087);
		close(binomialUpperTail(60, 100, 0.4), 4.246638705729488e-5); // mpmath Σ_{k≥60}
		close(binomialUpperTail(4, 10, 0.5), 1 - 176 / 1024);
		expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
		expect(binomialUpperTail(11, 10, 0.5)).toBe(0);
	});
	test('Poisson pmf, cdf and upper tail', () => {
		// P(X ≤ 2), X ~ Pois(1) = e⁻¹(1 + 1 + 1/2) = 2.5/e
		close(poissonCdf(2, 1), 2.5 / Math.E);
		// P(X = 3), X ~ Pois(2) = e⁻² · 8/6
		close(poissonPmf(3, 2), (Math.exp(-2) * 8) / 6);
		close(poissonUpperTail(15, 4), 1.993172748271003e-5); // mpmath 1 − Σ_{k<15}
		close(poissonUpperTail(3, 2), 1 - Math.exp(-2) * (1 + 2 + 2));
		expect(poissonUpperTail(0, 3)).toBe(1);
		expect(poissonUpperTail(1, 0)).toBe(0);
	});
});

describe('beta, hypergeometric, special functions', () => {
	test('beta cdf, pdf, quantile', () => {
		// I_{1/2}(2, 3) = Σ_{j=2}^{4} C(4,j)/16 = (6 + 4 + 1)/16 = 11/16
		close(betaCdf(0.5, 2, 3), 11 / 16);
		close(regularizedBeta(0.5, 2, 3), 11 / 16);
		close(regularizedBeta(0.5, 2, 3, true), 5 / 16);
		close(betaPdf(0.3, 2.5, 4), 2.03426725306907); // mpmath x^1.5 (1−x)^3 / B(2.5, 4)
		close(betaQuantile(0.025, 3, 8), 0.06673951117773447, 1e-8); // mpmath root of I_x(3,8) = 0.025
		// round trip
		close(betaCdf(betaQuantile(0.3, 7, 2), 7, 2), 0.3, 1e-8);
	});
	test('hypergeometric pmf', () => {
		// C(7,3)·C(13,9)/C(20,12) = 35 · 715 / 125970 = 25025/125970
		close(hypergeometricPmf(3, 20, 7, 12), 25025 / 125970);
		close(hypergeometricPmf(3, 20, 7, 12), 0.1986584107327141);
	});
	test('log gamma, log beta, incomplete gamma', () => {
		close(logGamma(10.5), 13.94062521940376); // mpmath loggamma(10.5)
		close(logGamma(6), Math.log(120)); // Γ(6) = 5! = 120
		close(logBeta(3.5, 200), -17.36490359625794); // mpmath
		// P(1, x) = 1 − e^(−x)
		close(regularizedGamma(2, 1), 1 - Math.exp(-2));
		close(regularizedGamma(2, 1, true), Math.exp(-2));
	});
});
