/**
 * The audit an import owes (docs/audit-owed.md). An import that changes rows writes, in its own
 * transaction, a row of audit_owed: the batch, how many rows it changed, how many of them are
 * interactions and their first and last date. A finished audit of all interactions with every
 * pack in force deletes, in the transaction that stores its findings, the rows that were there
 * when it read the data (audit.ts; an import that lands while it runs stays owed). What is left is what
 * no audit has checked yet: a process killed between an import and its audit, or an audit that
 * failed. The compliance pages say so (owedAudit), the server runs the owed audit when it starts
 * (auditOwedAtStart), and `curewise audit` clears it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'kysely';
import { kyselyOn, type Store } from '../db/store.ts';
import { recordTrail } from '../trail/trail.ts';
import { auditInProgress, latestFullAudit, runAudit, type AuditRun } from './audit.ts';

/** one import whose changes no audit has checked yet */
export interface OwedBatch {
	batch_id: number;
	table_name: string;
	file_name: string;
	/** rows inserted or replaced */
	changed_rows: number;
	/** of which interactions */
	interactions: number;
	/** the first and last occurred_at of those interactions (ISO 8601, UTC), null without any */
	interactions_from: string | null;
	interactions_to: string | null;
	/** when the import committed (ISO 8601, UTC) */
	recorded_at: string;
}

/** what this process is doing about it */
export type OwedState =
	/** an audit is running in this process now */
	| 'running'
	/** an audit will run in a moment (the import's follow-up has started, or the server's start) */
	| 'waiting'
	/** the last audit this process tried failed (error says why) */
	| 'failed'
	/** nothing runs it here: a person has to (the page's button, `curewise audit`) */
	| 'idle';

export interface OwedAudit {
	batches: OwedBatch[];
	changed_rows: number;
	interactions: number;
	/** the first and last occurred_at of the interactions not audited yet (ISO 8601, UTC) */
	interactions_from: string | null;
	interactions_to: string | null;
	/** when the oldest of them was imported */
	since: string;
	state: OwedState;
	error: string | null;
}

/** what one import owes, written in the import's transaction (before its COMMIT) */
export async function recordOwedAudit(
	conn: DuckDBConnection,
	owed: { batch: bigint; table: string; file: string; changedRows: number; interactions: { n: number; from: string | null; to: string | null } | null }
): Promise<void> {
	if (owed.changedRows <= 0) return;
	// in the import's transaction: Kysely on its connection (db/store.ts)
	await kyselyOn(conn)
		.insertInto('audit_owed')
		.values({
			batch_id: Number(owed.batch),
			table_name: owed.table,
			file_name: owed.file,
			changed_rows: owed.changedRows,
			interactions: owed.interactions?.n ?? 0,
			interactions_from: owed.interactions?.from ? instant(owed.interactions.from) : null,
			interactions_to: owed.interactions?.to ? instant(owed.interactions.to) : null,
			recorded_at: sql<Date>`now()`
		})
		.execute();
}

/** an ISO 8601 instant ('…Z') as the TIMESTAMPTZ it is */
const instant = (iso: string) => sql<Date>`CAST(${iso} AS TIMESTAMPTZ)`;

/** a TIMESTAMPTZ column as ISO 8601 in UTC ('2026-03-02T09:00:00Z'), whatever the connection's time zone */
const utc = <C extends 'interactions_from' | 'interactions_to' | 'recorded_at'>(c: C) =>
	sql<C extends 'recorded_at' ? string : string | null>`strftime(${sql.ref(c)} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')`.as(c);

/** this process's follow-ups: audits that will run, and the last one's failure */
const g = globalThis as unknown as { __curewiseOwed?: { waiting: number; error: string | null; errorAt: number } };
const state = (g.__curewiseOwed ??= { waiting: 0, error: null, errorAt: 0 });

/**
 * Marks that an audit will follow (an import's follow-up, the server's start); the function it
 * returns says how it went: an error message, or null when it ran.
 */
export function auditWillFollow(): (error: string | null) => void {
	state.waiting++;
	let done = false;
	return (error) => {
		if (done) return;
		done = true;
		state.waiting--;
		state.error = error;
		state.errorAt = Date.now();
	};
}

/** what no audit has checked yet, or null when every import has been audited */
export async function owedAudit(store: Store): Promise<OwedAudit | null> {
	const batches = (
		await store.kysely
			.selectFrom('audit_owed')
			.select(['batch_id', 'table_name', 'file_name', 'changed_rows', 'interactions', utc('interactions_from'), utc('interactions_to'), utc('recorded_at')])
			.orderBy('batch_id')
			.execute()
	).map((b) => ({ ...b, batch_id: Number(b.batch_id), changed_rows: Number(b.changed_rows), interactions: Number(b.interactions) }));
	if (!batches.length) return null;
	const dates = (k: 'interactions_from' | 'interactions_to') => batches.map((b) => b[k]).filter((d): d is string => d !== null).sort();
	const running = auditInProgress();
	// a failure is forgotten once an audit of everything has run since (from the page, the CLI)
	if (state.error && !running && state.waiting === 0) {
		const last = await latestFullAudit(store);
		if (last?.finished_at && Date.parse(last.finished_at) > state.errorAt) state.error = null;
	}
	return {
		batches,
		changed_rows: batches.reduce((s, b) => s + b.changed_rows, 0),
		interactions: batches.reduce((s, b) => s + b.interactions, 0),
		interactions_from: dates('interactions_from')[0] ?? null,
		interactions_to: dates('interactions_to').at(-1) ?? null,
		since: batches.map((b) => b.recorded_at).sort()[0]!,
		state: running ? 'running' : state.waiting > 0 ? 'waiting' : state.error ? 'failed' : 'idle',
		error: running || state.waiting > 0 ? null : state.error
	};
}

/** "1,234 interactions (2 Mar 2026 – 31 Mar 2026) and 12 other rows from 2 imports", for logs */
export function describeOwed(o: OwedAudit): string {
	const n = (x: number) => x.toLocaleString('en-US');
	const other = o.changed_rows - o.interactions;
	const parts = [
		...(o.interactions ? [`${n(o.interactions)} interaction${o.interactions === 1 ? '' : 's'} (${o.interactions_from?.slice(0, 10)} to ${o.interactions_to?.slice(0, 10)})`] : []),
		...(other ? [`${n(other)} other row${other === 1 ? '' : 's'}`] : [])
	];
	return `${parts.join(' and ')} from ${o.batches.length === 1 ? `import ${o.batches[0]!.batch_id} (${o.batches[0]!.file_name})` : `${o.batches.length} imports (${o.batches.map((b) => b.batch_id).join(', ')})`}`;
}

/**
 * Runs the audit owed when the server starts (store.ts), in the background: a line in the log
 * before and after, the run recorded in compliance_audits (trigger 'owed') and in the trail. Does
 * nothing when nothing is owed, or when CUREWISE_AUDIT_OWED_AT_START is false (a person runs it).
 */
export async function auditOwedAtStart(store: Store, log: (msg: string) => void, opts: { enabled?: boolean } = {}): Promise<AuditRun | null> {
	const owed = await owedAudit(store);
	if (!owed) return null;
	if (opts.enabled === false) {
		log(`an audit is owed: ${describeOwed(owed)} not audited yet; CUREWISE_AUDIT_OWED_AT_START is off, so run it from the Compliance page or with curewise audit`);
		return null;
	}
	log(`an audit is owed: ${describeOwed(owed)} not audited yet (the process that imported them stopped before its audit); running it now`);
	const done = auditWillFollow();
	try {
		const run = await runAudit(store, { trigger: 'owed', runBy: 'server' });
		await recordTrail(store, {
			actor: 'server',
			role: 'system',
			action: 'compliance.audit_run',
			target: `audit ${run.audit_id}`,
			details: {
				trigger: 'owed',
				batches: owed.batches.map((b) => b.batch_id),
				interactions: owed.interactions,
				findings: run.findings,
				contacts: run.contacts,
				packs: run.packs.map((p) => `${p.pack_id}@${p.version}`),
				duration_ms: run.duration_ms
			}
		});
		done(null);
		log(`the owed audit ran: audit ${run.audit_id}, ${run.findings.toLocaleString('en-US')} findings in ${run.contacts.toLocaleString('en-US')} outbound contacts (${(run.duration_ms / 1000).toFixed(1)} s)`);
		return run;
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		done(msg);
		log(`the owed audit could not run: ${msg}`);
		return null;
	}
}
