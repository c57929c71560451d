/**
 * The demo-data generator: a realistic collections dataset (accounts, delinquency
 * episodes, contacts, payments, complaints, contact preferences, two running experiments)
 * built entirely in DuckDB SQL and written as one CSV per contract table.
 *
 * Deterministic: the same options give byte-identical files (hash()-based randomness,
 * every output ordered by its key). Works in temp tables and temp macros (prefix demo_),
 * all dropped at the end; no other table of the connection is read or written.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoSql } from './sql.ts';

export interface DemoOptions {
	outDir: string;
	accounts: number;
	seed: number;
	/** YYYY-MM-DD, default '2026-06-30': the data's as-of date (last day with activity) */
	asOf?: string;
}

export interface DemoFile {
	table: string;
	path: string;
	rows: number;
}

export const DEFAULT_AS_OF = '2026-06-30';

function dayNumber(isoDate: string): number {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
	if (!m) throw new Error(`asOf "${isoDate}" is not a date in the form YYYY-MM-DD`);
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const ms = Date.UTC(y, mo - 1, d);
	const back = new Date(ms);
	if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
		throw new Error(`asOf "${isoDate}" is not a valid calendar date`);
	}
	return Math.round(ms / 86_400_000);
}

export async function generateDemoFiles(conn: DuckDBConnection, opts: DemoOptions): Promise<DemoFile[]> {
	if (!Number.isSafeInteger(opts.accounts) || opts.accounts < 1) {
		throw new Error(`accounts must be a positive integer, got ${opts.accounts}`);
	}
	if (!Number.isSafeInteger(opts.seed)) throw new Error(`seed must be an integer, got ${opts.seed}`);
	const asOfLd = dayNumber(opts.asOf ?? DEFAULT_AS_OF);
	const outDir = resolve(opts.outDir);
	mkdirSync(outDir, { recursive: true });

	// the interactions are sorted in a subquery and formatted after the sort; that order
	// reaches the file only while DuckDB preserves insertion order (its default)
	const setting = await conn.runAndReadAll(`SELECT current_setting('preserve_insertion_order')`);
	const preserveInsertionOrder = setting.getRows()[0]?.[0] !== false;
	const sql = demoSql({ seed: opts.seed, accounts: opts.accounts, asOfLd, preserveInsertionOrder });
	const files: DemoFile[] = [];
	try {
		for (const statement of sql.build) await conn.run(statement);
		for (const out of sql.outputs) {
			const path = join(outDir, `${out.table}.csv`);
			const quoted = path.replace(/'/g, "''");
			const reader = await conn.runAndReadAll(`COPY (${out.select}) TO '${quoted}' (FORMAT csv, HEADER, DELIMITER ',')`);
			const count = reader.getRows()[0]?.[0];
			files.push({ table: out.table, path, rows: Number(count ?? 0) });
		}
	} finally {
		for (const statement of sql.cleanup) {
			try {
				await conn.run(statement);
			} catch {
				// best effort: a failed build may not have created every object
			}
		}
	}
	return files;
}
