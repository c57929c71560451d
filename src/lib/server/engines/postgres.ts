/**
 * The PostgreSQL engine, over a PostgreSQL server (the `pg` package, a small pool of
 * connections) or over PGlite (`@electric-sql/pglite`: PostgreSQL compiled to WebAssembly and
 * run inside this process, in memory or in a folder; for tests and small stores). Statements
 * are written with named parameters and made positional here (dialects/postgres.ts). Every
 * connection runs in UTC, as the DuckDB store does, and values come back as the DuckDB engine
 * gives them (types.ts).
 */
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { positional, postgres } from '../../metrics/dialects/postgres.ts';
import type { Engine, EngineRow } from './types.ts';

/** PostgreSQL type ids (pg_type.oid) whose text the engine reads itself */
const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

/** a date's text (YYYY-MM-DD; or ±infinity, kept as text) as the Date of its UTC midnight, as DuckDB gives it */
const utcMidnight = (s: string): Date | string => (/^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(s + 'T00:00:00Z') : s);
/** counts (bigint) and numerics as numbers, as the DuckDB store gives them */
const toNumber = (s: string): number => Number(s);

/** PGlite, in memory (no dataDir) or in a folder; closed with the engine */
export async function pgliteEngine(opts: { dataDir?: string } = {}): Promise<Engine> {
	const db = await PGlite.create({
		...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
		parsers: { [pgliteTypes.INT8]: toNumber, [pgliteTypes.NUMERIC]: toNumber, [pgliteTypes.DATE]: utcMidnight }
	});
	await db.exec(`SET TimeZone = 'UTC'`);
	return {
		name: 'postgres',
		dialect: postgres,
		where: opts.dataDir ? `PGlite in ${opts.dataDir}` : 'PGlite in memory',
		async query<T = EngineRow>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
			const { text, values } = positional(sql, params);
			const r = await db.query<T>(text, values);
			return r.rows;
		},
		async exec(sql: string) {
			await db.exec(sql);
		},
		async copyCsv(table: string, columns: readonly string[], csv: string) {
			// PGlite reads COPY's input from a Blob given with the statement
			await db.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
		},
		async close() {
			await db.close();
		}
	};
}

/** the URL without its password, for messages */
export function redactedUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return 'a PostgreSQL server';
	}
}

/** a PostgreSQL server at `url` (postgres://user:password@host:port/database), a pool of up to `max` connections */
export async function pgServerEngine(url: string, opts: { max?: number } = {}): Promise<Engine> {
	const typeParsers: pg.CustomTypesConfig = {
		getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
			if (oid === OID.int8 || oid === OID.numeric) return toNumber;
			if (oid === OID.date) return utcMidnight;
			return pg.types.getTypeParser(oid, format);
		}) as pg.CustomTypesConfig['getTypeParser']
	};
	const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 4, types: typeParsers, options: '-c TimeZone=UTC' });
	// an idle connection's error (the server restarted) must not end the process; the next query reports it
	pool.on('error', () => {});
	const where = redactedUrl(url);
	try {
		await pool.query('SELECT 1');
	} catch (e) {
		await pool.end().catch(() => {});
		throw new Error(`cannot reach the PostgreSQL server at ${where}: ${e instanceof Error ? e.message : String(e)}`);
	}
	return {
		name: 'postgres',
		dialect: postgres,
		where,
		async query<T = EngineRow>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
			const { text, values } = positional(sql, params);
			const r = await pool.query(text, values);
			return r.rows as T[];
		},
		async exec(sql: string) {
			await pool.query(sql);
		},
		async copyCsv(table: string, columns: readonly string[], csv: string) {
			const client = await pool.connect();
			try {
				await pipeline(Readable.from([csv]), client.query(copyFromStdin(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`)));
			} finally {
				client.release();
			}
		},
		async close() {
			await pool.end();
		}
	};
}
