/**
 * Sample ratio mismatch (SRM): Pearson's χ² goodness-of-fit test of the observed unit counts
 * per arm against the planned weights (Pearson 1900; as R's `chisq.test(x, p = w/sum(w))`;
 * for its use in experimentation see Fabijan et al. 2019, "Diagnosing sample ratio mismatch
 * in online controlled experiments", KDD '19):
 *   E_i = N·w_i/Σw,  χ² = Σ (O_i − E_i)²/E_i,  df = k − 1,  p = P(χ²_{k−1} ≥ χ²).
 * An experiment is flagged when p < threshold (default 0.001, the spec's level).
 *
 * No units at all gives null (nothing to test); weights must all be > 0 and counts
 * non-negative integers, else a RangeError.
 */
import { chiSquareSurvival } from './distributions.ts';

export interface SrmResult {
	statistic: number;
	df: number;
	pValue: number;
	/** expected counts per arm */
	expected: number[];
	/** p < threshold */
	flagged: boolean;
	threshold: number;
}

export const SRM_THRESHOLD = 0.001;

export function sampleRatioMismatch(
	observed: readonly number[],
	weights: readonly number[],
	threshold = SRM_THRESHOLD
): SrmResult | null {
	if (observed.length !== weights.length)
		throw new RangeError(`observed (${observed.length}) and weights (${weights.length}) differ in length`);
	if (observed.length < 2) throw new RangeError('an SRM test needs at least two arms');
	for (const o of observed)
		if (!Number.isInteger(o) || o < 0) throw new RangeError(`counts must be non-negative integers (got ${o})`);
	for (const w of weights)
		if (!(w > 0) || !Number.isFinite(w)) throw new RangeError(`weights must be positive numbers (got ${w})`);
	if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1)`);
	const n = observed.reduce((a, b) => a + b, 0);
	if (n === 0) return null;
	const wSum = weights.reduce((a, b) => a + b, 0);
	const expected = weights.map((w) => (n * w) / wSum);
	const statistic = observed.reduce((s, o, i) => s + (o - expected[i]!) ** 2 / expected[i]!, 0);
	const df = observed.length - 1;
	const pValue = chiSquareSurvival(statistic, df);
	return { statistic, df, pValue, expected, flagged: pValue < threshold, threshold };
}
