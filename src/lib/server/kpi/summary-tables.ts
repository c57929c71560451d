/**
 * Summary tables for the KPIs: refreshed after every import, read by the Overview while they
 * are fresh. Built from the raw tables by the SQL in queries/summary/ for the data's as-of
 * date; kpi_summary_state records that date and the last import they include. An import
 * refreshes only the accounts and days it touched (incremental); an upgrade of their SQL, or an
 * import that renumbers what every table carries, rebuilds them whole. When an import has
 * landed since (or the refresh failed), the KPIs are computed from the raw tables instead:
 * slower, never wrong. Tests check both ways give the same numbers.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { kyselyOn, type Store } from '../db/store.ts';
import { filterArgs } from './filter-args.ts';
import { raiseMemoryLimit } from '../compliance/audit.ts';
import { querySql, queryStatements } from '../paths.ts';
import type { DuckDBValue } from '@duckdb/node-api';
import type { TableName } from '../../contract.ts';
import { storeOverview } from '../data/overview.ts';

/** the rebuild order: kpi_accounts first (every other table carries it), kpi_contact_weeks from kpi_account_weeks, the filter values last */
const STEPS = ['summary/accounts', 'summary/episodes', 'summary/episode_contacts', 'summary/account_weeks', 'summary/contact_weeks', 'summary/events', 'summary/filter_values'] as const;
/**
 * The incremental refresh after an import: what changed (temporary tables), then the accounts,
 * episodes and contacts it touched, the facts judged at the as-of date, the events (rebuilt whole
 * when complaints, preferences or accounts came; else only the pressure of the complaints that new
 * contacts precede) and the filter values (cheap, rebuilt whole).
 */
const REFRESH_STEPS = [
	'summary/refresh_changes',
	'summary/refresh_accounts',
	'summary/refresh_episodes',
	'summary/refresh_as_of',
	'summary/refresh_episode_contacts',
	'summary/refresh_contacts',
	'summary/refresh_events',
	'summary/events',
	'summary/filter_values'
] as const;
/** a refresh that touches more of the accounts than this share rebuilds whole (as fast, and the tables stay in order) */
const INCREMENTAL_MAX_SHARE = 0.25;
/**
 * The incremental refreshes append rows out of the order kpi_account_contacts is written in (by
 * combo, week and account, so that a filter on contacts reads few row groups): once they add up to
 * this share of the table, the next refresh rebuilds it whole, in order.
 */
const APPENDED_MAX_SHARE = 0.1;

/**
 * A hash of the SQL that builds the summary tables (generated in part from the metric
 * catalogue): summaries built by other SQL (an earlier release) are not fresh.
 */
let layout: string | null = null;
export function summaryLayout(): string {
	layout ??= createHash('sha256')
		.update([...STEPS, ...REFRESH_STEPS].map((s) => querySql(s)).join('\n'))
		.digest('hex')
		.slice(0, 16);
	return layout;
}

/**
 * The columns of kpi_replaced_rows (batch, table, account, customer, day) for a row of `table`
 * that an import replaces, over the alias `e` of the stored row: the import writes them before
 * the row changes, so that the incremental refresh recomputes what the row was about before
 * (an interaction moved to another account or day) as well as after.
 */
const REPLACED_KEYS: Record<TableName, { account: string | null; customer: string | null; day: string | null }> = {
	accounts: { account: 'account_id', customer: 'customer_id', day: null },
	delinquencies: { account: 'account_id', customer: null, day: null },
	interactions: { account: 'account_id', customer: 'customer_id', day: 'occurred_at::DATE' },
	payments: { account: 'account_id', customer: null, day: null },
	complaints: { account: 'account_id', customer: null, day: null },
	contact_preferences: { account: 'account_id', customer: 'customer_id', day: null },
	experiment_assignments: { account: 'account_id', customer: null, day: null }
};
export function replacedRowColumns(table: TableName, batch: bigint, e: string): string {
	const k = REPLACED_KEYS[table];
	const col = (c: string | null, type: string) => (c ? `${e}.${c}` : `NULL::${type}`);
	return `${batch}::BIGINT, '${table}', ${col(k.account, 'VARCHAR')}, ${col(k.customer, 'VARCHAR')}, ${col(k.day, 'DATE')}`;
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
	/** incremental: only what the imports since the last refresh touched; full: every table again */
	mode: 'full' | 'incremental';
	/** why a refresh that could have been incremental was full */
	reason?: string;
	/** for an incremental refresh: the accounts and the account-days of contacts it recomputed */
	touched?: { accounts: number; contact_days: number };
	steps: Record<string, number>;
}

/** one line for a person: how the summary tables were refreshed, and why whole when they could have been refreshed in part */
export function describeRefresh(r: SummaryRefresh): string {
	const secs = `${(r.duration_ms / 1000).toFixed(1)} s`;
	const n = (x: number) => x.toLocaleString('en-US');
	if (r.mode === 'incremental') {
		const a = r.touched?.accounts ?? 0;
		const d = r.touched?.contact_days ?? 0;
		return `KPI summary tables refreshed in ${secs} (only what the import touched: the episodes of ${n(a)} ${a === 1 ? 'account' : 'accounts'}, the contacts of ${n(d)} ${d === 1 ? 'account-day' : 'account-days'})`;
	}
	return `KPI summary tables rebuilt whole in ${secs}${r.reason ? ` (${r.reason})` : ''}`;
}

type Conn = Awaited<ReturnType<Store['connect']>>;

const iso = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** runs each statement of queries/<step>.sql with the parameters it names */
async function runStep(conn: Conn, step: string, params: Record<string, unknown>): Promise<void> {
	for (const stmt of queryStatements(step)) {
		const code = stmt.replace(/--.*$/gm, '');
		const args = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(code)));
		const t = Date.now();
		await conn.run(stmt, Object.keys(args).length ? (args as Record<string, DuckDBValue>) : undefined);
		// CUREWISE_SUMMARY_LOG=1: each statement's time on stderr, to see where a step spends it
		if (process.env.CUREWISE_SUMMARY_LOG) console.error(`summary ${step} ${Date.now() - t} ms: ${code.replace(/\s+/g, ' ').trim().slice(0, 90)}`);
	}
}

async function one<T>(conn: Conn, text: string, params?: Record<string, DuckDBValue>): Promise<T> {
	const reader = await conn.runAndReadAll(text, params);
	return reader.getRowObjectsJS()[0] as T;
}

/**
 * Refreshes the summary tables in one transaction; null when the store holds no data. After an
 * import it takes in only what the imports since the last refresh changed (the accounts and days
 * they touched: see REFRESH_STEPS), unless `full` is asked, the tables were built by other SQL, an
 * import changed experiment assignments or accounts' attributes, or it touched most accounts:
 * then every table is rebuilt. Both ways give the same tables (test/integration/kpi-refresh).
 */
export async function refreshSummaries(store: Store, opts: { full?: boolean } = {}): Promise<SummaryRefresh | null> {
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
			// the state row through Kysely, on this connection: in the refresh's transaction
			const k = kyselyOn(conn);
			// as_of as text: kysely-duckdb turns a DATE into local midnight, a day off east of UTC
			const prev = await k
				.selectFrom('kpi_summary_state')
				.select([sql<string>`strftime(as_of, '%Y-%m-%d')`.as('as_of'), 'batch_id', 'layout', 'appended_rows'])
				.limit(1)
				.executeTakeFirst();
			const latest = await k
				.selectFrom('import_batches')
				.select((eb) => eb.fn.max('batch_id').as('b'))
				.where('status', '=', 'imported')
				.where((eb) => eb(eb('rows_inserted', '+', eb.ref('rows_updated')), '>', 0))
				.executeTakeFirst();
			const batchId = latest?.b == null ? null : Number(latest.b);
			await k.deleteFrom('kpi_summary_state').execute();
			if (!asOf) {
				await conn.run('COMMIT');
				return null;
			}
			const prevAsOf = iso(prev?.as_of);
			let mode: SummaryRefresh['mode'] = 'full';
			let reason: string | undefined;
			let touched: SummaryRefresh['touched'];
			let appended = 0;
			if (opts.full) reason = 'asked for';
			else if (!prev || !prevAsOf || prev.layout !== summaryLayout()) reason = prev ? 'built by other SQL' : 'never built';
			else if (asOf < prevAsOf) reason = 'the as-of date moved back';
			else if (Number(prev.appended_rows ?? 0) > APPENDED_MAX_SHARE * Number((await one<{ n: unknown }>(conn, 'SELECT count(*) AS n FROM kpi_account_contacts')).n))
				reason = `${Number(prev.appended_rows).toLocaleString('en-US')} contact rows added out of order since the last full rebuild`;
			else {
				const since = prev.batch_id == null ? -1n : BigInt(Number(prev.batch_id));
				let t = Date.now();
				await runStep(conn, 'summary/refresh_changes', { since, as_of: asOf });
				steps['summary/refresh_changes'] = Date.now() - t;
				const c = await one<{ assignments: unknown; attributes: unknown; accounts: unknown; all_accounts: unknown; contact_days: unknown; account_rows: unknown; event_rows: unknown; pressure_rows: unknown }>(
					conn,
					querySql('summary/refresh_check'),
					{ since }
				);
				const n = (v: unknown) => Number(v ?? 0);
				if (n(c.assignments) > 0) reason = 'experiment assignments changed';
				else if (n(c.attributes) > 0) reason = `${n(c.attributes)} accounts changed segment, product, region, vulnerability or customer`;
				else if (n(c.accounts) > INCREMENTAL_MAX_SHARE * n(c.all_accounts)) reason = `${n(c.accounts)} of ${n(c.all_accounts)} accounts changed`;
				else {
					mode = 'incremental';
					touched = { accounts: n(c.accounts), contact_days: n(c.contact_days) };
					const params = { since, as_of: asOf, from: '0001-01-01', to: asOf };
					for (const step of REFRESH_STEPS.slice(1)) {
						if (step === 'summary/refresh_as_of' && asOf === prevAsOf) continue;
						if (step === 'summary/refresh_contacts' && touched.contact_days === 0) continue;
						if (step === 'summary/refresh_episode_contacts' && touched.contact_days === 0 && touched.accounts === 0) continue;
						// nothing for these steps to take in: no new or replaced account, complaint or preference
						if (step === 'summary/refresh_accounts' && n(c.account_rows) === 0) continue;
						if (step === 'summary/events' && n(c.event_rows) === 0) continue;
						// the events rebuilt whole take the complaints' pressure in
						if (step === 'summary/refresh_events' && (n(c.event_rows) > 0 || n(c.pressure_rows) === 0)) continue;
						t = Date.now();
						await runStep(conn, step, params);
						steps[step] = Date.now() - t;
					}
					appended = Number(prev.appended_rows ?? 0);
					if (touched.contact_days > 0)
						appended += Number(
							(await one<{ n: unknown }>(conn, 'SELECT count(*) AS n FROM kpi_account_contacts WHERE week IN (SELECT week FROM kr_weeks) AND ak IN (SELECT ak FROM kr_aks)')).n
						);
				}
			}
			if (mode === 'full') {
				for (const step of STEPS) {
					const t = Date.now();
					// the summaries hold every episode and contact: the widest period, no filter
					await runStep(conn, step, { as_of: asOf, from: '0001-01-01', to: asOf, ...filterArgs({}) });
					steps[step] = Date.now() - t;
				}
			}
			if (batchId != null) await conn.run('DELETE FROM kpi_replaced_rows WHERE batch_id <= $b', { b: BigInt(batchId) });
			const duration = Date.now() - t0;
			await k
				.insertInto('kpi_summary_state')
				.values({
					as_of: sql<Date>`CAST(${asOf} AS DATE)`,
					batch_id: batchId,
					refreshed_at: sql<Date>`now()`,
					duration_ms: duration,
					layout: summaryLayout(),
					appended_rows: appended
				})
				.execute();
			await conn.run('COMMIT');
			return { as_of: asOf, batch_id: batchId, duration_ms: duration, mode, ...(reason && mode === 'full' ? { reason } : {}), ...(touched ? { touched } : {}), steps };
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
