/**
 * An experiment's statistics are kept in the store: a restarted server (here: the in-process
 * cache cleared) reads them instead of computing them again, with the same results; an import
 * that changes the data makes them stale.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { join } from 'node:path';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { analyzeExperiment } from '../../src/lib/server/experiments/analysis/analyze.ts';
import { clearExperimentStatsCache } from '../../src/lib/server/experiments/analysis/cache.ts';
import { getExperiment } from '../../src/lib/server/experiments/registry.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 5, outDir: join(t.dir, 'demo') });
}, 120_000);
afterAll(() => t.close());

test('kept across a restart, recomputed after an import', async () => {
	const e = getExperiment('supportive-reminder')!;
	clearExperimentStatsCache(t.store);
	const first = await analyzeExperiment(t.store, e);
	// the import's evaluation already computed and kept them, or this analysis did: either way one row
	const [row] = await t.store.rows<{ n: number }>("SELECT count(*) AS n FROM experiment_stats WHERE experiment_id = 'supportive-reminder'");
	expect(row!.n).toBe(1);
	clearExperimentStatsCache(t.store); // as after a restart
	const again = await analyzeExperiment(t.store, e);
	expect(again.timings.stats_cached).toBe(true);
	const strip = (a: typeof first) => ({ ...a, computed_at: '', timings: null });
	expect(strip(again)).toEqual(strip(first));
	// new data: the kept statistics no longer match the data
	const r = await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('ZZNEW', { customer_id: 'ZZC' })])), source: 'cli' });
	expect(r.rows_inserted).toBe(1);
	clearExperimentStatsCache(t.store);
	const after = await analyzeExperiment(t.store, e);
	expect(after.timings.stats_cached).toBe(false);
	// the new statistics replaced the old row (one per experiment and as-of date), and are kept
	const [still] = await t.store.rows<{ n: number }>("SELECT count(*) AS n FROM experiment_stats WHERE experiment_id = 'supportive-reminder'");
	expect(still!.n).toBe(1);
	clearExperimentStatsCache(t.store);
	expect((await analyzeExperiment(t.store, e)).timings.stats_cached).toBe(true);
});
