/**
 * A result cache for the Overview: its page data (tiles, sparklines, breakdown), its chart
 * endpoints and What changed. The same question with the same parameters on the same data answers
 * from memory, and the same question asked again while it is being computed waits for that one
 * computation (the cache keeps the promise). The key holds the data's version (dataVersion), so
 * any import, experiment launch, audit or rebuild makes every entry stale.
 *
 * The cache is bounded by its size: each entry's size is estimated when its computation ends
 * (sizeOf), and the least recently used entries go first beyond CUREWISE_RESULT_CACHE_MB
 * (256 MB by default; 0 keeps nothing, identical requests under way are still merged).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { z } from 'zod';
import type { Store } from '../db/store.ts';
import { localChanges } from '../db/data-version.ts';

const envSchema = z.object({
	CUREWISE_RESULT_CACHE_MB: z.coerce.number().int().min(0).max(1_000_000).default(256)
});

let budget: number | null = null;

/** the cache's budget in bytes, from CUREWISE_RESULT_CACHE_MB when first used */
export function cacheBudget(): number {
	if (budget !== null) return budget;
	const r = envSchema.safeParse(process.env);
	if (!r.success) throw new Error('bad configuration: ' + r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	return (budget = r.data.CUREWISE_RESULT_CACHE_MB * 1024 * 1024);
}

/** sets the budget in bytes (tests); null reads the environment again */
export function setCacheBudget(bytes: number | null): void {
	budget = bytes;
	if (bytes !== null) evict();
}

interface Entry {
	value: Promise<unknown>;
	/** the estimated size once computed; null while the computation runs */
	bytes: number | null;
}

interface CacheState {
	entries: Map<string, Entry>;
	bytes: number;
	hits: number;
	merged: number;
	misses: number;
	evicted: number;
}

const g = globalThis as unknown as { __curewiseResultCache?: CacheState };
const state = (g.__curewiseResultCache ??= { entries: new Map(), bytes: 0, hits: 0, merged: 0, misses: 0, evicted: 0 });

/**
 * An estimate of the memory a result holds, in bytes: 8 per number, 2 per string character,
 * the byte length of typed arrays and buffers, and a small overhead per object, array and key.
 * Shared objects are counted once.
 */
export function sizeOf(value: unknown): number {
	const seen = new Set<object>();
	const walk = (v: unknown): number => {
		switch (typeof v) {
			case 'number':
				return 8;
			case 'boolean':
				return 4;
			case 'bigint':
				return 16;
			case 'string':
				return 16 + 2 * v.length;
			case 'undefined':
				return 0;
			case 'object': {
				if (v === null) return 0;
				if (seen.has(v)) return 0;
				seen.add(v);
				if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
				if (v instanceof ArrayBuffer) return 64 + v.byteLength;
				if (v instanceof Date) return 48;
				if (Array.isArray(v)) {
					let n = 32 + 8 * v.length;
					for (const x of v) if (x !== null && typeof x !== 'number') n += walk(x);
					return n;
				}
				let n = 48;
				for (const [k, x] of Object.entries(v)) n += 16 + 2 * k.length + walk(x);
				return n;
			}
			default:
				return 0;
		}
	};
	return walk(value);
}

/** a cache miss's entry is created, a hit's moved to the end: the Map's order is the LRU order */
function evict(): void {
	const max = budget ?? cacheBudget();
	for (const [k, e] of state.entries) {
		if (state.bytes <= max) break;
		// a computation under way stays: identical requests keep merging into it
		if (e.bytes === null) continue;
		state.entries.delete(k);
		state.bytes -= e.bytes;
		state.evicted++;
	}
}

function remove(key: string, e: Entry): void {
	if (state.entries.get(key) !== e) return;
	state.entries.delete(key);
	if (e.bytes !== null) state.bytes -= e.bytes;
}

/** the request's own hits and misses (cacheScope), for its response header */
const scope = new AsyncLocalStorage<{ hits: number; misses: number }>();

/** the value of `key`: from memory, from the same computation under way, or computed now and kept */
export function remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
	const counts = scope.getStore();
	const hit = state.entries.get(key);
	if (hit) {
		// refresh its place in the LRU order
		state.entries.delete(key);
		state.entries.set(key, hit);
		if (hit.bytes === null) state.merged++;
		else state.hits++;
		if (counts) counts.hits++;
		return hit.value as Promise<T>;
	}
	state.misses++;
	if (counts) counts.misses++;
	let value: Promise<T>;
	try {
		value = compute();
	} catch (e) {
		return Promise.reject(e);
	}
	const entry: Entry = { value, bytes: null };
	state.entries.set(key, entry);
	value.then(
		(v) => {
			// cleared or replaced meanwhile: nothing to count
			if (state.entries.get(key) !== entry) return;
			entry.bytes = sizeOf(v) + 2 * key.length + 64;
			state.bytes += entry.bytes;
			evict();
		},
		// a failed computation is not kept
		() => remove(key, entry)
	);
	return value;
}

/** the data's version last read from the store, and when */
const checked = new Map<string, { version: string; at: number; reading: Promise<string> | null }>();

/**
 * How often the latest import batch is read again from the store. Every change this process makes
 * is counted at once (db/data-version.ts); another process cannot write the store while this one
 * holds it (DuckDB locks the file), so the read is only a safety net.
 */
const RECHECK_MS = 1000;

async function readBatchVersion(store: Store): Promise<string> {
	const r = await store.kysely
		.selectFrom('import_batches')
		.select((eb) => [eb.fn.max('batch_id').as('v'), eb.fn.countAll().as('n')])
		.executeTakeFirst();
	return `${r?.v == null ? 0 : Number(r.v)}:${r?.n == null ? 0 : Number(r.n)}`;
}

/**
 * The data's version: the latest import batch (any import, launch or rejected file counts), read at
 * most once a second, and the transactions this process committed on the store since it started.
 */
export async function dataVersion(store: Store): Promise<string> {
	let c = checked.get(store.path);
	if (!c) checked.set(store.path, (c = { version: '', at: 0, reading: null }));
	// due for a read (none under way): the last version answers meanwhile, if there is one
	if (!c.reading && Date.now() - c.at > RECHECK_MS) c.reading = reread(store, c);
	if (!c.version) await (c.reading ?? (c.reading = reread(store, c)));
	return `${c.version}:${localChanges(store.path)}`;
}

function reread(store: Store, c: { version: string; at: number; reading: Promise<string> | null }): Promise<string> {
	const p = readBatchVersion(store).then(
		(v) => {
			c.version = v;
			c.at = Date.now();
			c.reading = null;
			return v;
		},
		(e: unknown) => {
			c.reading = null;
			throw e;
		}
	);
	// a failed read in the background is tried again by the next call
	p.catch(() => {});
	return p;
}

/** the entries of older versions of a store's data, dropped when a new version is first seen */
const lastVersion = new Map<string, string>();

function dropOlder(path: string, version: string): void {
	if (lastVersion.get(path) === version) return;
	lastVersion.set(path, version);
	const prefix = `${path}|`;
	const current = `${path}|${version}|`;
	for (const [k, e] of state.entries) if (k.startsWith(prefix) && !k.startsWith(current)) remove(k, e);
}

/** the value of `key` on the store's current data: from the cache, or computed and kept */
export async function cached<T>(store: Store, key: string, compute: () => Promise<T>): Promise<T> {
	const version = await dataVersion(store);
	dropOlder(store.path, version);
	return remember(`${store.path}|${version}|${key}`, compute);
}

/** runs work counting the cache's answers to it: 'hit' when every one came from memory or a computation under way */
export async function cacheScope<T>(work: () => Promise<T>): Promise<{ value: T; cache: 'hit' | 'miss' | 'none' }> {
	const counts = { hits: 0, misses: 0 };
	const value = await scope.run(counts, work);
	return { value, cache: counts.misses ? 'miss' : counts.hits ? 'hit' : 'none' };
}

export interface CacheStats {
	entries: number;
	bytes: number;
	budget: number;
	/** answers from a finished entry */
	hits: number;
	/** answers that joined a computation under way */
	merged: number;
	misses: number;
	evicted: number;
}

export function cacheStats(): CacheStats {
	return { entries: state.entries.size, bytes: state.bytes, budget: budget ?? cacheBudget(), hits: state.hits, merged: state.merged, misses: state.misses, evicted: state.evicted };
}

export function clearCache(): void {
	state.entries.clear();
	state.bytes = 0;
	checked.clear();
	lastVersion.clear();
}
