/** The data's as-of date: the latest date anywhere in the data (the default end of every view). */
import type { Store } from '../db/store.ts';
import { storeOverview } from '../data/overview.ts';

/** the data's as-of date: the latest date anywhere in the data */
export async function dataAsOf(store: Store): Promise<string | null> {
	const o = await storeOverview(store);
	return o.as_of ? o.as_of.slice(0, 10) : null;
}
