/**
 * A result cache for the Overview's chart endpoints: the same query with the same
 * parameters on the same data answers from memory. The key holds the latest import batch,
 * so any import (or experiment launch, which records a batch) makes every entry stale.
 * Least recently used entries go first beyond MAX_ENTRIES. The tiles do not use it: they
 * read the summary tables, fast without a cache.
 */
import type { Store } from '../db/store.ts';

const MAX_ENTRIES = 200;
const g = globalThis as unknown as { __curewiseChartCache?: Map<string, Promise<unknown>> };
const cache = (g.__curewiseChartCache ??= new Map());

/** the data's version: the latest import batch (any import, launch or rejected file counts) */
export async function dataVersion(store: Store): Promise<string> {
	const r = await store.kysely
		.selectFrom('import_batches')
		.select((eb) => [eb.fn.max('batch_id').as('v'), eb.fn.countAll().as('n')])
		.executeTakeFirst();
	return `${r?.v == null ? 0 : Number(r.v)}:${r?.n == null ? 0 : Number(r.n)}`;
}

export async function cached<T>(store: Store, key: string, compute: () => Promise<T>): Promise<T> {
	const full = `${store.path}|${await dataVersion(store)}|${key}`;
	const hit = cache.get(full) as Promise<T> | undefined;
	if (hit) {
		// refresh its place in the LRU order
		cache.delete(full);
		cache.set(full, hit);
		return hit;
	}
	const p = compute();
	cache.set(full, p);
	// a failed computation is not kept
	p.catch(() => cache.delete(full));
	while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
	return p;
}

export function clearCache(): void {
	cache.clear();
}
