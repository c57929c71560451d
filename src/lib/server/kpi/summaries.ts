/**
 * Summary tables for the KPIs: rebuilt after every import, read by the Overview while they
 * are fresh. Built from the raw tables by the SQL in queries/summary/ for the data's as-of
 * date; kpi_summary_state records that date and the last import they include. When an
 * import has landed since (or the rebuild failed), the KPIs are computed from the raw
 * tables instead: slower, never wrong. Tests check both ways give the same numbers.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../db/store.ts';
import { filterArgs } from './summary.ts';
import { raiseMemoryLimit } from '../compliance/audit.ts';
import { querySql } from '../paths.ts';
import { storeOverview } from '../data/overview.ts';

/** the rebuild order: kpi_accounts first (every other table carries it), kpi_contact_weeks from kpi_account_weeks */
const STEPS = ['summary/accounts', 'summary/episodes', 'summary/account_weeks', 'summary/contact_weeks', 'summary/events', 'summary/filter_values'] as const;

/**
 * A hash of the SQL that builds the summary tables (generated in part from the metric
 * catalogue): summaries built by other SQL (an earlier release) are not fresh.
 */
let layout: string | null = null;
export function summaryLayout(): string {
	layout ??= createHash('sha256').update(STEPS.map((s) => querySql(s)).join('\n')).digest('hex').slice(0, 16);
	return layout;
}

/**
 * Rebuilds the summary tables when they were not built by today's SQL (after an upgrade) and the
 * store holds data; the server calls it at start, in the background. null when nothing was done.
 */
export async function ensureSummaries(store: Store, log: (msg: string) => void = () => {}): Promise<SummaryRefresh | null> {
	if (await freshSummaries(store)) return null;
	const [s] = await store.rows<{ layout: string | null; latest: number | null; batch_id: number | null }>(querySql('summary/state'));
	// stale because of a later import: the import's own refresh failed or is running; leave it
	if (s && s.layout === summaryLayout() && s.batch_id !== s.latest) return null;
	const r = await refreshAfterImport(store, true, log);
	if (r) log(`KPI summary tables rebuilt in ${r.duration_ms} ms (built by other SQL before)`);
	return r;
}

export interface SummaryRefresh {
	as_of: string;
	batch_id: number | null;
	duration_ms: number;
	steps: Record<string, number>;
}

/** rebuilds the summary tables in one transaction; null when the store holds no data */
export async function refreshSummaries(store: Store): Promise<SummaryRefresh | null> {
	const overview = await storeOverview(store);
	const asOf = overview.as_of?.slice(0, 10) ?? null;
	const conn = await store.connect();
	const t0 = Date.now();
	const steps: Record<string, number> = {};
	// the rebuild groups and sorts tens of millions of rows: as the audit, with more memory than the store's default
	const restore = await raiseMemoryLimit(conn);
	try {
		await conn.run('BEGIN TRANSACTION');
		try {
			await conn.run('DELETE FROM kpi_summary_state');
			if (!asOf) {
				await conn.run('COMMIT');
				return null;
			}
			for (const step of STEPS) {
				const t = Date.now();
				// the summaries hold every episode and contact: the widest period, no filter
				const sql = querySql(step);
				const code = sql.replace(/--.*$/gm, '');
				const args = Object.fromEntries(Object.entries({ as_of: asOf, from: '0001-01-01', to: asOf, ...filterArgs({}) }).filter(([k]) => new RegExp(`\\$${k}\\b`).test(code)));
				await conn.run(sql, Object.keys(args).length ? args : undefined);
				steps[step] = Date.now() - t;
			}
			const reader = await conn.runAndReadAll(`SELECT max(batch_id) AS b FROM import_batches WHERE status = 'imported' AND rows_inserted + rows_updated > 0`);
			const batch = reader.getRowsJS()[0]?.[0];
			const batchId = batch == null ? null : Number(batch);
			const duration = Date.now() - t0;
			await conn.run('INSERT INTO kpi_summary_state VALUES ($as_of::DATE, $batch, now(), $ms, $layout)', { as_of: asOf, batch: batchId, ms: duration, layout: summaryLayout() });
			await conn.run('COMMIT');
			return { as_of: asOf, batch_id: batchId, duration_ms: duration, steps };
		} catch (e) {
			await conn.run('ROLLBACK');
			throw e;
		}
	} finally {
		await restore();
		conn.closeSync();
	}
}

/**
 * The as-of date the summary tables hold, when they include every import and were built
 * for the data's current as-of date; null otherwise (read the raw tables).
 */
export async function freshSummaries(store: Store): Promise<{ as_of: string } | null> {
	const [s] = await store.rows<{ as_of: unknown; batch_id: number | null; latest: number | null; layout: string | null }>(querySql('summary/state'));
	if (!s || s.as_of == null || s.layout !== summaryLayout()) return null;
	const asOf = s.as_of instanceof Date ? s.as_of.toISOString().slice(0, 10) : String(s.as_of).slice(0, 10);
	if ((s.batch_id ?? null) !== (s.latest ?? null)) return null;
	return { as_of: asOf };
}

/** refreshes after an import that changed something; a failure leaves the raw path in use */
export async function refreshAfterImport(store: Store, changed: boolean, log: (msg: string) => void = (m) => console.error(m)): Promise<SummaryRefresh | null> {
	if (!changed) return null;
	try {
		return await refreshSummaries(store);
	} catch (e) {
		log(`the KPI summary tables could not be rebuilt (${e instanceof Error ? e.message : e}); the Overview reads the raw tables until the next import`);
		return null;
	}
}
