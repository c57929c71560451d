/**
 * Adjusted p-values for multiple comparisons (arms × metrics), returned in the input order,
 * computed as R's `p.adjust` does:
 * - Holm (1979, Scand. J. Statist. 6:65–70), family-wise error: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
 *   p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1)·p₍ⱼ₎).
 * - Benjamini & Hochberg (1995, JRSS B 57:289–300), false discovery rate:
 *   p̃₍ᵢ₎ = min(1, min_{j ≥ i} (m/j)·p₍ⱼ₎).
 * An empty list gives an empty list; a p-value outside [0, 1] (or NaN) throws a RangeError.
 */

export type Adjustment = 'holm' | 'bh';

function check(p: readonly number[]): void {
	for (const v of p)
		if (!(v >= 0 && v <= 1)) throw new RangeError(`p-values must be numbers in [0, 1] (got ${v})`);
}

/** indices of p sorted ascending (stable) */
function ascending(p: readonly number[]): number[] {
	return p.map((_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
}

/** Holm step-down adjusted p-values, in input order. */
export function holm(p: readonly number[]): number[] {
	check(p);
	const m = p.length;
	const out = new Array<number>(m);
	let running = 0;
	ascending(p).forEach((idx, j) => {
		running = Math.max(running, Math.min(1, (m - j) * p[idx]!));
		out[idx] = running;
	});
	return out;
}

/** Benjamini–Hochberg step-up adjusted p-values (q-values), in input order. */
export function benjaminiHochberg(p: readonly number[]): number[] {
	check(p);
	const m = p.length;
	const out = new Array<number>(m);
	const order = ascending(p);
	let running = 1;
	for (let j = m - 1; j >= 0; j--) {
		const idx = order[j]!;
		running = Math.min(running, (m / (j + 1)) * p[idx]!);
		out[idx] = running;
	}
	return out;
}

/** Either adjustment by name. */
export function adjustPValues(p: readonly number[], method: Adjustment): number[] {
	return method === 'holm' ? holm(p) : benjaminiHochberg(p);
}
