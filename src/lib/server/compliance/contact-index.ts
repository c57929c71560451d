/**
 * The contact index (migration 9): the compliance audit's slim copy of the interactions, kept in
 * the store between audits so that an audit reads 30 M small numeric rows instead of converting
 * 30 M rows of text and time zones each time. One row per interaction (row id, account, person and
 * contact-point hashes, the contract's enums as ENUM types, the instant and the local times at the
 * address and at the contact point); queries/compliance/contact_index_*.sql.
 *
 * Interactions are only appended by imports, so the audit appends the rows above the largest row
 * id it indexed (a daily batch: a fraction of a second). It rebuilds the whole index when that is
 * not enough: when an import changed rows in place (an upsert of interactions moves them to new
 * row ids; an account's zone or region may have changed), or when interactions went away.
 * contact_index_state records what the index was made from.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { sql } from 'kysely';
import { kyselyOn, rows } from '../db/store.ts';
import { queryStatements } from '../paths.ts';
import type { IndexRefresh } from '../../compliance/audit.ts';

export type { IndexRefresh };

interface State {
	batch_id: number;
	interactions: number;
	max_rid: number;
}

async function runFile(conn: DuckDBConnection, file: string, params: Record<string, DuckDBValue>) {
	for (const s of queryStatements('compliance/' + file)) await rows(conn, s, params);
}

/**
 * Brings the index up to date with the interactions, on this connection and in its open
 * transaction, and leaves the audit's temp views and tables on the connection: aud_zone,
 * aud_region (the index's zone and region numbers), aud_a (the accounts with their numbers), aud_hz
 * and aud_pz (the zones of addresses over time, audit_accounts.sql).
 */
export async function refreshContactIndex(conn: DuckDBConnection): Promise<IndexRefresh> {
	// the state and the import batches through Kysely, on this connection: in the audit's transaction
	const k = kyselyOn(conn);
	const saved = await k.selectFrom('contact_index_state').select(['batch_id', 'interactions', 'max_rid']).executeTakeFirst();
	const state: State | undefined = saved && { batch_id: Number(saved.batch_id), interactions: Number(saved.interactions), max_rid: Number(saved.max_rid) };
	const latest = await k
		.selectFrom('import_batches')
		.select((eb) => eb.fn.coalesce(eb.fn.max('batch_id'), eb.lit(0)).as('b'))
		.executeTakeFirstOrThrow();
	const [data] = (await rows<Omit<State, 'batch_id'>>(
		conn,
		`SELECT (SELECT count(*) FROM interactions) AS interactions, (SELECT coalesce(max(rowid), -1) FROM interactions) AS max_rid`
	)) as [Omit<State, 'batch_id'>];
	const now: State = { batch_id: Number(latest.b), interactions: Number(data.interactions), max_rid: Number(data.max_rid) };
	let reason: string | undefined;
	if (!state) {
		const [{ n }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM contact_index`)) as [{ n: number }];
		reason = Number(n) > 0 ? 'the index was made by an earlier version' : 'no index yet';
	}
	else {
		const changed = await k
			.selectFrom('import_batches')
			.select((eb) => eb.fn.countAll().as('n'))
			.where('batch_id', '>', state.batch_id)
			.where('table_name', 'in', ['interactions', 'accounts'])
			.where('rows_updated', '>', 0)
			.executeTakeFirstOrThrow();
		if (Number(changed.n) > 0) reason = 'an import changed interactions or accounts in place';
		else if (now.interactions < state.interactions || now.max_rid < state.max_rid) reason = 'interactions were removed';
	}
	const mode: IndexRefresh['mode'] = reason ? 'rebuild' : state!.interactions === now.interactions && state!.max_rid === now.max_rid ? 'current' : 'append';
	const after = mode === 'rebuild' ? -1 : state!.max_rid;
	if (mode === 'rebuild') await conn.run('DELETE FROM contact_index');
	await runFile(conn, 'contact_index_dictionaries', { after_rid: after });
	await runFile(conn, 'audit_accounts', {});
	let added = 0;
	if (mode !== 'current') {
		const [{ n: before }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM contact_index`)) as [{ n: number }];
		await runFile(conn, 'audit_offsets', {});
		await runFile(conn, 'contact_index_append', { after_rid: after });
		const [{ n: total }] = (await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM contact_index`)) as [{ n: number }];
		added = total - before;
		await k.deleteFrom('contact_index_state').execute();
		await k
			.insertInto('contact_index_state')
			.values({ ...now, refreshed_at: sql<Date>`now()` })
			.execute();
	}
	return { mode, rows: added, ...(reason ? { reason } : {}) };
}

/** drops what refreshContactIndex left on the connection */
export async function dropIndexTemps(conn: DuckDBConnection): Promise<void> {
	for (const v of ['aud_zone', 'aud_region']) await conn.run(`DROP VIEW IF EXISTS ${v}`).catch(() => undefined);
	for (const t of ['aud_a', 'aud_off', 'aud_hz', 'aud_pz']) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
	for (const m of ['aud_party', 'aud_channel', 'aud_direction', 'aud_outcome']) await conn.run(`DROP MACRO IF EXISTS ${m}`).catch(() => undefined);
}
