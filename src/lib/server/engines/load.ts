/**
 * Copies the analytic tables of a DuckDB store (the tables of the data contract,
 * src/lib/contract.ts: accounts, delinquencies, interactions, payments, complaints,
 * contact_preferences, experiment_assignments) into a PostgreSQL engine, each with the columns
 * and types it has in the store, replacing the engine's copy. The app's own tables (users,
 * sessions, trail, experiments' records, summaries) stay in the store.
 *
 * Exact by construction: every value leaves DuckDB as its text (a timestamp in UTC with its
 * offset, a decimal with its digits, a double in its shortest exact form, NULL as NULL) and
 * PostgreSQL reads that text as the column's type: batches of rows go in as CSV through COPY
 * (every field quoted, so that an empty text stays empty and only an unquoted empty field is NULL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_NAMES } from '../../contract.ts';
import type { Store } from '../db/store.ts';
import type { Engine } from './types.ts';
import { PRESUMED_VIOLATIONS_TABLE, STORE_PRESUMED_VIOLATIONS } from './experiments-sql.ts';

/** DuckDB's type names (information_schema.columns.data_type) → PostgreSQL's */
export function postgresType(duck: string): string {
	const t = duck.toUpperCase();
	const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(t);
	if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
	const known: Record<string, string> = {
		VARCHAR: 'text',
		DATE: 'date',
		'TIMESTAMP WITH TIME ZONE': 'timestamptz',
		TIMESTAMP: 'timestamp',
		TIME: 'time',
		BOOLEAN: 'boolean',
		INTEGER: 'integer',
		BIGINT: 'bigint',
		SMALLINT: 'smallint',
		DOUBLE: 'double precision',
		FLOAT: 'real',
		JSON: 'json'
	};
	const pg = known[t];
	if (!pg) throw new Error(`a column of type ${duck} cannot be copied to PostgreSQL yet (the types copied are ${Object.keys(known).join(', ')} and DECIMAL)`);
	return pg;
}

const quoteIdent = (name: string) => {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`the column name ${JSON.stringify(name)} is not a plain lower-case name`);
	return `"${name}"`;
};

/** one CSV line: every field quoted (a quote doubled), NULL as an empty unquoted field */
export const csvLine = (r: readonly (string | null)[]) => r.map((v) => (v === null ? '' : `"${v.replaceAll('"', '""')}"`)).join(',') + '\n';

export interface CopiedTable {
	table: string;
	rows: number;
	ms: number;
}

/**
 * Replaces the engine's analytic tables by the store's. `tables`: a subset (default: all of the
 * contract); `batchRows`: rows per COPY.
 */
export async function copyAnalyticTables(store: Store, target: Engine, opts: { tables?: readonly string[]; batchRows?: number } = {}): Promise<CopiedTable[]> {
	const tables = opts.tables ?? TABLE_NAMES;
	const unknown = tables.filter((t) => !TABLE_NAMES.includes(t as (typeof TABLE_NAMES)[number]));
	if (unknown.length) throw new Error(`not tables of the data contract: ${unknown.join(', ')} (the tables are ${TABLE_NAMES.join(', ')})`);
	if (target.name === 'clickhouse') return copyToClickhouse(store, target, tables);
	if (target.name !== 'postgres' || !target.copyCsv) throw new Error(`the analytic tables are copied into a PostgreSQL or ClickHouse engine, not ${target.name}`);
	const batchRows = opts.batchRows ?? 100_000;
	const out: CopiedTable[] = [];
	for (const table of tables) {
		const t0 = Date.now();
		const cols = await store.rows<{ column_name: string; data_type: string }>(
			`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $t ORDER BY ordinal_position`,
			{ t: table }
		);
		if (!cols.length) throw new Error(`the store has no table ${table}`);
		const types = cols.map((c) => postgresType(c.data_type));
		const names = cols.map((c) => quoteIdent(c.column_name));
		await target.exec(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (${names.map((n, i) => `${n} ${types[i]}`).join(', ')})`);
		let rows = 0;
		let batch: string[] = [];
		const flush = async () => {
			if (!batch.length) return;
			await target.copyCsv!(table, names, batch.join(''));
			rows += batch.length;
			batch = [];
		};
		const conn = await store.connect();
		try {
			// every value as its text; DuckDB's sessions run in UTC, so a timestamp reads 2024-01-05 10:00:00+00
			const result = await conn.stream(`SELECT ${names.map((n) => `${n}::VARCHAR`).join(', ')} FROM ${table}`);
			for await (const chunk of result.yieldRowsJs()) {
				for (const r of chunk) batch.push(csvLine(r as (string | null)[]));
				if (batch.length >= batchRows) await flush();
			}
			await flush();
		} finally {
			conn.closeSync();
		}
		// the metric SQL joins every table to its account
		if (cols.some((c) => c.column_name === 'account_id')) await target.exec(`CREATE INDEX ON ${table} (account_id)`);
		await target.exec(`ANALYZE ${table}`);
		out.push({ table, rows, ms: Date.now() - t0 });
	}
	return out;
}

/**
 * ClickHouse (chdb): each table leaves DuckDB as a Parquet file in a temporary folder and
 * ClickHouse reads it with file(…, Parquet), which keeps every type (DATE → Date32,
 * TIMESTAMPTZ → DateTime64(6, 'UTC'), DECIMAL(p,s) → Decimal(p,s), BOOLEAN → Bool, NULL apart
 * from an empty text; TIME → Time64(6)); every column is Nullable, as DuckDB's are. MergeTree tables in the
 * order of the file (ORDER BY tuple(): the metric SQL joins by hash, not by a sorted key).
 */
async function copyToClickhouse(store: Store, target: Engine, tables: readonly string[]): Promise<CopiedTable[]> {
	const dir = mkdtempSync(join(tmpdir(), 'curewise-parquet-'));
	const out: CopiedTable[] = [];
	try {
		for (const table of tables) {
			const t0 = Date.now();
			const cols = await store.rows<{ column_name: string; data_type: string }>(
				`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = $t ORDER BY ordinal_position`,
				{ t: table }
			);
			if (!cols.length) throw new Error(`the store has no table ${table}`);
			// Parquet's TIME arrives as a DateTime64 on 1970-01-01: made a time of day again
			const select = cols
				.map((c) => (c.data_type.toUpperCase() === 'TIME' ? `CAST(${quoteIdent(c.column_name)} AS Nullable(Time64(6))) AS ${quoteIdent(c.column_name)}` : quoteIdent(c.column_name)))
				.join(', ');
			const file = join(dir, `${table}.parquet`);
			const conn = await store.connect();
			try {
				await conn.run(`COPY ${table} TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
			} finally {
				conn.closeSync();
			}
						await target.exec(`DROP TABLE IF EXISTS ${table}`);
			await target.exec(`CREATE TABLE ${table} ENGINE = MergeTree ORDER BY tuple() AS SELECT ${select} FROM file('${file.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}', Parquet)`);
			const [n] = await target.query<{ n: number }>(`SELECT count() AS n FROM ${table}`);
			out.push({ table, rows: Number(n?.n ?? 0), ms: Date.now() - t0 });
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return out;
}

/**
 * Copies the presumed violations of the store's latest full compliance audit (account_id,
 * local_date; the findings the experiments' presumed_violations metric counts) into the engine
 * as PRESUMED_VIOLATIONS_TABLE, replacing its copy: the audit runs in DuckDB only, its findings
 * are data the experiments' statistics read (experiments-sql.ts). Empty when no audit is done.
 */
export async function copyPresumedViolations(store: Store, target: Engine): Promise<CopiedTable> {
	const t0 = Date.now();
	const table = PRESUMED_VIOLATIONS_TABLE;
	if (target.name === 'clickhouse') {
		const dir = mkdtempSync(join(tmpdir(), 'curewise-parquet-'));
		try {
			const file = join(dir, `${table}.parquet`);
			const conn = await store.connect();
			try {
				await conn.run(`COPY (${STORE_PRESUMED_VIOLATIONS}) TO '${file.replaceAll("'", "''")}' (FORMAT parquet)`);
			} finally {
				conn.closeSync();
			}
			await target.exec(`DROP TABLE IF EXISTS ${table}`);
			await target.exec(
				`CREATE TABLE ${table} ENGINE = MergeTree ORDER BY tuple() AS SELECT CAST(account_id AS Nullable(String)) AS account_id, CAST(local_date AS Nullable(Date32)) AS local_date FROM file('${file.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}', Parquet)`
			);
			const [n] = await target.query<{ n: number }>(`SELECT count() AS n FROM ${table}`);
			return { table, rows: Number(n?.n ?? 0), ms: Date.now() - t0 };
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}
	if (target.name !== 'postgres' || !target.copyCsv) throw new Error(`the presumed violations are copied into a PostgreSQL or ClickHouse engine, not ${target.name}`);
	await target.exec(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (account_id text, local_date date)`);
	const rows = await store.rows<{ account_id: string | null; local_date: string }>(`SELECT account_id, local_date::VARCHAR AS local_date FROM (${STORE_PRESUMED_VIOLATIONS})`);
	for (let i = 0; i < rows.length; i += 100_000)
		await target.copyCsv(
			table,
			['account_id', 'local_date'],
			rows
				.slice(i, i + 100_000)
				.map((r) => csvLine([r.account_id, r.local_date]))
				.join('')
		);
	await target.exec(`CREATE INDEX ON ${table} (account_id); ANALYZE ${table}`);
	return { table, rows: rows.length, ms: Date.now() - t0 };
}
