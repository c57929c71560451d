/**
 * Keeps the sufficient statistics of an experiment's analysis (sql.ts), per store: in memory
 * and in the store's experiment_stats table (through Kysely), reused while the data (latest import), the
 * experiment's assignments, its start and the as-of date are the same (fingerprint.sql) and
 * the SQL they come from has not changed. Computing them reads every interaction of the
 * assigned accounts; the analysis on top takes milliseconds, so the pages find them ready
 * after the evaluation that runs after every import (guardrails/evaluate-running.ts).
 */
import { sql } from 'kysely';
import type { Experiment } from '../../../experiments/schema.ts';
import type { Store } from '../../db/store.ts';
import { querySql } from '../../paths.ts';
import type { ExperimentStats } from './cells.ts';
import { computeStats, statsLayout } from './sql.ts';

/** a YYYY-MM-DD day as the DATE it is */
const day = (iso: string) => sql<Date>`CAST(${iso} AS DATE)`;

// the statistics computed per store, by experiment: reused while their key is the same
const cache = new WeakMap<Store, Map<string, ExperimentStats>>();
const inflight = new WeakMap<Store, Map<string, Promise<ExperimentStats>>>();

/** forgets the statistics kept for a store (tests, or after a change outside imports) */
export function clearExperimentStatsCache(store: Store): void {
	cache.delete(store);
}

/**
 * The sufficient statistics of an experiment at `asOf`: reused while the data (latest
 * import), the experiment's assignments, its start and the as-of date are the same.
 */
export async function experimentStats(store: Store, e: Experiment, asOf: string): Promise<{ stats: ExperimentStats; cached: boolean }> {
	const [f] = await store.rows<Record<string, unknown>>(querySql('experiments/fingerprint'), { experiment: e.id });
	const key = JSON.stringify([statsLayout(), e.id, e.start, asOf, f?.batch_id ?? null, f?.audit_id ?? null, f?.assigned ?? 0, f?.last_assigned_at ?? null, f?.assignments_hash ?? null]);
	let byId = cache.get(store);
	if (!byId) cache.set(store, (byId = new Map()));
	const hit = byId.get(`${e.id}@${asOf}`);
	if (hit && hit.key === key) return { stats: hit, cached: true };
	// kept in the store by an earlier process (e.g. the evaluation after the last import)
	const saved = await loadSavedStats(store, e.id, asOf, key);
	if (saved) {
		byId.set(`${e.id}@${asOf}`, saved);
		return { stats: saved, cached: true };
	}
	let pending = inflight.get(store);
	if (!pending) inflight.set(store, (pending = new Map()));
	let p = pending.get(key);
	if (!p) {
		p = computeStats(store, e, asOf, key)
			.then(async (s) => {
				await saveStats(store, s);
				return s;
			})
			.finally(() => pending!.delete(key));
		pending.set(key, p);
	}
	const stats = await p;
	byId.set(`${e.id}@${asOf}`, stats);
	return { stats, cached: false };
}

async function loadSavedStats(store: Store, id: string, asOf: string, key: string): Promise<ExperimentStats | null> {
	try {
		const r = await store.kysely
			.selectFrom('experiment_stats')
			.select(['stats', 'computed_ms'])
			.where('experiment_id', '=', id)
			.where('as_of', '=', day(asOf))
			.where('key', '=', key)
			.executeTakeFirst();
		if (!r) return null;
		const { cells, time_cells } = JSON.parse(r.stats) as Pick<ExperimentStats, 'cells' | 'time_cells'>;
		return { experiment: id, as_of: asOf, key, computed_ms: Number(r.computed_ms), cells, time_cells };
	} catch {
		return null; // unreadable: computed again
	}
}

/** keeps the statistics in the store; a failure (a read-only store) only costs a later recomputation */
async function saveStats(store: Store, s: ExperimentStats): Promise<void> {
	try {
		await store.kysely
			.insertInto('experiment_stats')
			.values({
				experiment_id: s.experiment,
				as_of: day(s.as_of),
				key: s.key,
				computed_ms: s.computed_ms,
				stats: JSON.stringify({ cells: s.cells, time_cells: s.time_cells }),
				saved_at: sql<Date>`now()`
			})
			// one row per experiment and as-of date: the latest statistics replace the earlier
			.onConflict((oc) =>
				oc.columns(['experiment_id', 'as_of']).doUpdateSet((eb) => ({
					key: eb.ref('excluded.key'),
					computed_ms: eb.ref('excluded.computed_ms'),
					stats: eb.ref('excluded.stats'),
					saved_at: eb.ref('excluded.saved_at')
				}))
			)
			.execute();
	} catch (e) {
		console.error(`the statistics of experiment ${s.experiment} could not be kept: ${e instanceof Error ? e.message : e}`);
	}
}
