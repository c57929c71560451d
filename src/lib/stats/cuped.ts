/**
 * CUPED variance reduction (Deng, Xu, Kohavi & Walker 2013, "Improving the sensitivity of
 * online controlled experiments by utilizing pre-experiment data", WSDM '13, §3):
 * each unit's metric Y is replaced by Z = Y − θ(X − X̄), where X is a pre-period covariate
 * (e.g. the account's payments in the 30 days before assignment), X̄ its mean over all arms
 * and θ = cov(Y, X)/var(X). Var(Z̄) = Var(Ȳ)(1 − ρ²), ρ = corr(Y, X); the adjusted difference
 * between arms is (Ȳ_a − Ȳ_c) − θ(X̄_a − X̄_c), unbiased because X is independent of
 * assignment.
 *
 * θ is pooled across arms from the within-arm centred sums,
 *   θ = Σ_arms S_xy / Σ_arms S_xx,  S_xy = ΣXY − ΣX·ΣY/n,  S_xx = ΣX² − (ΣX)²/n,
 * which keeps a treatment effect on Y out of the covariance (with randomised arms it
 * estimates the same θ as the all-units regression). θ is treated as known in the variances
 * (Deng et al. §3.2: its estimation error is O(1/n)). If X has no variance within arms, θ = 0
 * (no adjustment).
 *
 * The result gives, per arm, the sufficient statistics { n, ΣZ, ΣZ² } of the adjusted metric,
 *   ΣZ  = ΣY − θ(ΣX − n·X̄)
 *   ΣZ² = ΣY² − 2θ(ΣXY − X̄·ΣY) + θ²(ΣX² − 2X̄·ΣX + n·X̄²)
 * so the adjusted analysis is the ordinary one: pass `arms[i].stats` to `compareArms`
 * (effects.ts), `sequentialCompare` (sequential.ts) or `bayesMeans` (bayes.ts).
 */
import { meanAndVariance, type SufficientStats } from './effects.ts';

/** Per-arm sums of the metric Y and the pre-period covariate X. */
export interface CovariateStats {
	n: number;
	sumY: number;
	sumY2: number;
	sumX: number;
	sumX2: number;
	sumXY: number;
}

export interface CupedArm {
	n: number;
	/** raw mean of Y */
	mean: number;
	/** mean of Z = Y − θ(X − X̄) */
	adjustedMean: number;
	/** unbiased variance of Y */
	variance: number;
	/** unbiased variance of Z */
	adjustedVariance: number;
	/** variance of the adjusted mean, adjustedVariance/n */
	varianceOfAdjustedMean: number;
	/** sufficient statistics of Z, for the effect, sequential and Bayesian functions */
	stats: SufficientStats;
}

export interface CupedResult {
	theta: number;
	/** mean of X over all units of all arms */
	covariateMean: number;
	/** 1 − Σ S_zz / Σ S_yy over arms: the share of within-arm variance removed (≈ ρ²) */
	varianceReduction: number;
	arms: CupedArm[];
}

/** Sufficient statistics from per-unit (y, x) pairs (convenience for tests and small data). */
export function covariateStatsOf(rows: readonly { y: number; x: number }[]): CovariateStats {
	const s: CovariateStats = { n: rows.length, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
	for (const { y, x } of rows) {
		s.sumY += y;
		s.sumY2 += y * y;
		s.sumX += x;
		s.sumX2 += x * x;
		s.sumXY += x * y;
	}
	return s;
}

function validate(s: CovariateStats, i: number): void {
	const label = `arm ${i}`;
	if (!Number.isInteger(s.n) || s.n < 0)
		throw new RangeError(`${label}: n must be a non-negative integer (got ${s.n})`);
	for (const k of ['sumY', 'sumY2', 'sumX', 'sumX2', 'sumXY'] as const)
		if (!Number.isFinite(s[k])) throw new RangeError(`${label}: ${k} must be a finite number`);
	if (s.sumY2 < 0 || s.sumX2 < 0) throw new RangeError(`${label}: sums of squares must be ≥ 0`);
	if (s.n === 0 && (s.sumY || s.sumY2 || s.sumX || s.sumX2 || s.sumXY))
		throw new RangeError(`${label}: n = 0 but the sums are not 0`);
}

/**
 * CUPED over any number of arms (θ pooled across them). Arms with n = 0 are kept (their
 * adjusted statistics are all 0, and the comparison functions return null for them).
 * Throws a RangeError when there are no arms or the sums are malformed.
 */
export function cuped(arms: readonly CovariateStats[]): CupedResult {
	if (arms.length === 0) throw new RangeError('cuped needs at least one arm');
	arms.forEach(validate);
	let sxy = 0;
	let sxx = 0;
	let syy = 0;
	let n = 0;
	let sumX = 0;
	for (const a of arms) {
		n += a.n;
		sumX += a.sumX;
		if (a.n === 0) continue;
		sxy += a.sumXY - (a.sumX * a.sumY) / a.n;
		sxx += Math.max(0, a.sumX2 - (a.sumX * a.sumX) / a.n);
		syy += Math.max(0, a.sumY2 - (a.sumY * a.sumY) / a.n);
	}
	// relative guard against a covariate that is constant up to rounding
	const scale = arms.reduce((t, a) => t + a.sumX2, 0);
	const theta = sxx > 1e-12 * scale && sxx > 0 ? sxy / sxx : 0;
	const xbar = n > 0 ? sumX / n : 0;

	let szz = 0;
	const out = arms.map((a): CupedArm => {
		const sumZ = a.sumY - theta * (a.sumX - a.n * xbar);
		const sumZ2 = Math.max(
			0,
			a.sumY2 -
				2 * theta * (a.sumXY - xbar * a.sumY) +
				theta * theta * (a.sumX2 - 2 * xbar * a.sumX + a.n * xbar * xbar)
		);
		const stats: SufficientStats = { n: a.n, sum: sumZ, sumSquares: sumZ2 };
		const y = meanAndVariance({ n: a.n, sum: a.sumY, sumSquares: a.sumY2 }, 1);
		const z = meanAndVariance(stats, 1);
		if (a.n > 0) szz += Math.max(0, sumZ2 - (sumZ * sumZ) / a.n);
		return {
			n: a.n,
			mean: y.mean,
			adjustedMean: z.mean,
			variance: y.variance,
			adjustedVariance: z.variance,
			varianceOfAdjustedMean: a.n > 0 ? z.variance / a.n : NaN,
			stats
		};
	});
	return {
		theta,
		covariateMean: xbar,
		varianceReduction: syy > 0 ? Math.max(0, 1 - szz / syy) : 0,
		arms: out
	};
}
