import { describe, expect, test } from 'vitest';
import { covariateStatsOf, cuped } from '../../src/lib/stats/cuped.ts';
import { compareArms, statsOf } from '../../src/lib/stats/effects.ts';

function close(actual: number | undefined, expected: number, rel = 1e-9): void {
	expect(actual).toBeTypeOf('number');
	expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
		rel * Math.abs(expected) + 1e-12
	);
}

describe('CUPED by hand', () => {
	// arm A: (x, y) = (1, 2), (2, 4), (3, 7); arm B: (2, 3), (4, 6)
	const A = [
		{ x: 1, y: 2 },
		{ x: 2, y: 4 },
		{ x: 3, y: 7 }
	];
	const B = [
		{ x: 2, y: 3 },
		{ x: 4, y: 6 }
	];

	test('θ, adjusted means and variances', () => {
		// A: x̄ = 2, ȳ = 13/3, S_xx = 1 + 0 + 1 = 2, S_xy = (−1)(−7/3) + 0 + (1)(8/3) = 5,
		//    S_yy = (49 + 1 + 64)/9 = 38/3
		// B: x̄ = 3, ȳ = 9/2,  S_xx = 2, S_xy = (−1)(−3/2) + (1)(3/2) = 3, S_yy = 9/2
		// θ = (5 + 3)/(2 + 2) = 2;  X̄ = (1 + 2 + 3 + 2 + 4)/5 = 2.4
		// adjusted A = 13/3 − 2(2 − 2.4) = 13/3 + 0.8;  adjusted B = 4.5 − 2(3 − 2.4) = 3.3
		const r = cuped([covariateStatsOf(A), covariateStatsOf(B)]);
		close(r.theta, 2);
		close(r.covariateMean, 2.4);
		close(r.arms[0]!.mean, 13 / 3);
		close(r.arms[0]!.adjustedMean, 13 / 3 + 0.8);
		close(r.arms[1]!.adjustedMean, 3.3);
		// Z_A = y − 2(x − 2.4) = 2 + 2.8, 4 + 0.8, 7 − 1.2 = 4.8, 4.8, 5.8
		//   mean 15.4/3 = 5.1333…, deviations −1/3, −1/3, 2/3 → S_zz = 6/9 = 2/3, s² = 1/3
		close(r.arms[0]!.adjustedVariance, 1 / 3);
		close(r.arms[0]!.varianceOfAdjustedMean, 1 / 9);
		close(r.arms[0]!.variance, 19 / 3); // S_yy/2 = (38/3)/2
		// Z_B = 3 − 2(−0.4), 6 − 2(1.6) = 3.8, 2.8 → S_zz = 0.5, s² = 0.5
		close(r.arms[1]!.adjustedVariance, 0.5);
		// reduction 1 − ΣS_zz/ΣS_yy = 1 − (2/3 + 1/2)/(38/3 + 9/2) = 1 − (7/6)/(103/6) = 96/103
		close(r.varianceReduction, 96 / 103);
		// adjusted difference B − A = raw (9/2 − 13/3 = 1/6) − θ(x̄_B − x̄_A = 1) = −11/6
		close(r.arms[1]!.adjustedMean - r.arms[0]!.adjustedMean, -11 / 6);
		// the sufficient statistics are those of the Z values
		expect(r.arms[0]!.stats.n).toBe(3);
		close(r.arms[0]!.stats.sum, 4.8 + 4.8 + 5.8);
		close(r.arms[0]!.stats.sumSquares, 4.8 ** 2 + 4.8 ** 2 + 5.8 ** 2);
	});
});

/** deterministic pseudo-random numbers (Park–Miller LCG) and Box–Muller normals */
function rng(seed: number): () => number {
	let s = seed;
	return () => {
		s = (s * 48271) % 2147483647;
		return s / 2147483647;
	};
}
function normals(n: number, seed: number): number[] {
	const u = rng(seed);
	const out: number[] = [];
	while (out.length < n) {
		const r = Math.sqrt(-2 * Math.log(u()));
		const t = 2 * Math.PI * u();
		out.push(r * Math.cos(t), r * Math.sin(t));
	}
	return out.slice(0, n);
}

describe('CUPED against a per-unit computation (three arms)', () => {
	// y = 10 + effect + 3x + noise, x = pre-period covariate
	const arms = [0, 0.5, 1].map((effect, k) => {
		const x = normals(300 + 50 * k, 11 + k);
		const e = normals(300 + 50 * k, 101 + k);
		return x.map((xi, i) => ({ x: 5 + 2 * xi, y: 10 + effect + 3 * (5 + 2 * xi) + 4 * e[i]! }));
	});

	test('θ from two-pass within-arm sums; Z built unit by unit', () => {
		// independent route: two-pass centred sums over the raw rows
		let sxy = 0;
		let sxx = 0;
		let syy = 0;
		for (const rows of arms) {
			const mx = rows.reduce((t, r) => t + r.x, 0) / rows.length;
			const my = rows.reduce((t, r) => t + r.y, 0) / rows.length;
			for (const r of rows) {
				sxy += (r.x - mx) * (r.y - my);
				sxx += (r.x - mx) ** 2;
				syy += (r.y - my) ** 2;
			}
		}
		const theta = sxy / sxx;
		const all = arms.flat();
		const xbar = all.reduce((t, r) => t + r.x, 0) / all.length;
		const z = arms.map((rows) => rows.map((r) => r.y - theta * (r.x - xbar)));

		const res = cuped(arms.map(covariateStatsOf));
		close(res.theta, theta, 1e-10);
		expect(res.theta).toBeGreaterThan(2.5); // true θ = 3
		expect(res.theta).toBeLessThan(3.5);
		close(res.covariateMean, xbar, 1e-12);
		// pooled within-arm ρ² = S_xy²/(S_xx·S_yy)
		close(res.varianceReduction, (sxy * sxy) / (sxx * syy), 1e-9);
		for (let k = 0; k < 3; k++) {
			const zs = z[k]!;
			const m = zs.reduce((t, v) => t + v, 0) / zs.length;
			const v = zs.reduce((t, q) => t + (q - m) ** 2, 0) / (zs.length - 1);
			close(res.arms[k]!.adjustedMean, m, 1e-12);
			close(res.arms[k]!.adjustedVariance, v, 1e-9);
		}
		// the adjusted effect is the Welch analysis of Z, and it is tighter than the raw one
		const adjusted = compareArms(res.arms[0]!.stats, res.arms[2]!.stats)!;
		const direct = compareArms(statsOf(z[0]!), statsOf(z[2]!))!;
		close(adjusted.absolute.estimate, direct.absolute.estimate, 1e-10);
		close(adjusted.absolute.se, direct.absolute.se, 1e-9);
		const raw = compareArms(
			statsOf(arms[0]!.map((r) => r.y)),
			statsOf(arms[2]!.map((r) => r.y))
		)!;
		// true ρ² = 6²/(6² + 4²) = 36/52 ≈ 0.69, so the se shrinks to about √0.31 ≈ 0.56 of raw
		expect(res.varianceReduction).toBeGreaterThan(0.6);
		expect(res.varianceReduction).toBeLessThan(0.78);
		expect(adjusted.absolute.se).toBeLessThan(0.65 * raw.absolute.se);
	});
});

describe('edge cases', () => {
	test('a constant covariate gives θ = 0 and no change', () => {
		const r = cuped([
			covariateStatsOf([
				{ x: 3, y: 1 },
				{ x: 3, y: 2 }
			]),
			covariateStatsOf([
				{ x: 3, y: 5 },
				{ x: 3, y: 9 }
			])
		]);
		expect(r.theta).toBe(0);
		expect(r.varianceReduction).toBe(0);
		close(r.arms[1]!.adjustedMean, 7);
		close(r.arms[1]!.adjustedVariance, 8);
	});

	test('an empty arm is kept with zero statistics; its comparison is null', () => {
		const r = cuped([
			covariateStatsOf([
				{ x: 1, y: 2 },
				{ x: 2, y: 4 },
				{ x: 3, y: 7 }
			]),
			covariateStatsOf([])
		]);
		close(r.theta, 2.5); // S_xy/S_xx = 5/2 from the one non-empty arm
		expect(r.arms[1]!.stats).toEqual({ n: 0, sum: 0, sumSquares: 0 });
		expect(r.arms[1]!.adjustedMean).toBeNaN();
		expect(compareArms(r.arms[1]!.stats, r.arms[0]!.stats)).toBeNull();
	});

	test('bad input throws', () => {
		expect(() => cuped([])).toThrow(/at least one arm/);
		expect(() =>
			cuped([{ n: 2, sumY: 1, sumY2: 1, sumX: Number.NaN, sumX2: 1, sumXY: 1 }])
		).toThrow(/arm 0: sumX must be a finite number/);
		expect(() => cuped([{ n: 0, sumY: 1, sumY2: 1, sumX: 0, sumX2: 0, sumXY: 0 }])).toThrow(
			/n = 0 but the sums are not 0/
		);
	});
});
