/**
 * What changed, from the result cache (kpi/cache.ts): the question is first put in one form (the
 * default period and comparison filled in, the keys in order), so that the page's first request
 * (no period in its address), a request that names the same period, and the cache's warming
 * (kpi/warm.ts) share one entry.
 */
import type { Store } from '../db/store.ts';
import { addDays } from '../../periods.ts';
import { dataAsOf } from './as-of.ts';
import { cached } from './cache.ts';
import { explainKpi, type ExplainInput } from './explain.ts';

export async function explainCached(store: Store, input: ExplainInput): Promise<Awaited<ReturnType<typeof explainKpi>>> {
	const asOf = input.as_of ?? (await dataAsOf(store));
	const filled: ExplainInput = { ...input, compare: input.compare ?? 'previous' };
	// as explainKpi does: the period ends at the data's as-of date and is 90 days long
	if (asOf && !input.to && !input.from) Object.assign(filled, { to: asOf, from: addDays(asOf, -89) });
	const form = Object.fromEntries(Object.entries(filled).filter(([, v]) => v !== undefined && v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as ExplainInput;
	return cached(store, `explain|${JSON.stringify(form)}`, () => explainKpi(store, form));
}
