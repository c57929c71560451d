/**
 * The ClickHouse engine, over chdb: ClickHouse embedded in this process (a Session in a folder,
 * or in a temporary folder removed on close for `chdb:memory`). chdb is loaded only when this
 * engine is opened (chdb-load.ts; `npm run install:chdb`). Statements use ClickHouse's own bound
 * parameters, `{name:Type}` (dialects/clickhouse.ts), which chdb binds inside the engine: a value
 * never becomes SQL text. Every query runs in UTC under the settings that give DuckDB's NULL
 * semantics (CLICKHOUSE_SETTINGS), and values come back as the DuckDB engine gives them
 * (types.ts): counts and decimals as numbers, dates as the Date of their UTC midnight,
 * timestamps as Date, times of day as microseconds. chdb holds one data folder per process: one
 * ClickHouse engine is open at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickhouse, CLICKHOUSE_SETTINGS } from '../../metrics/dialects/clickhouse.ts';
import { loadChdb, type ChdbSession } from './chdb-load.ts';
import type { Engine, EngineRow } from './types.ts';

interface JsonResult {
	meta: { name: string; type: string }[];
	data: Record<string, unknown>[];
}

/** a column's value as the DuckDB engine gives it, from ClickHouse's JSON text of its type */
export function fromClickhouse(type: string, v: unknown): unknown {
	if (v === null || v === undefined) return null;
	const t = type.replace(/^(LowCardinality|Nullable)\((.*)\)$/, '$2').replace(/^(LowCardinality|Nullable)\((.*)\)$/, '$2');
	if (typeof v === 'string') {
		if (/^Date(32)?$/.test(t)) return new Date(v + 'T00:00:00Z');
		// DateTime64(6, 'UTC'): 2024-01-03 10:00:00.123456 in UTC (the session's zone)
		if (/^DateTime/.test(t)) return new Date(v.replace(' ', 'T') + 'Z');
		if (/^(U?Int(64|128|256)|Decimal)/.test(t)) return Number(v);
		// a time of day as the DuckDB engine gives it: microseconds since midnight
		const time = /^Time64/.test(t) ? /^(-?)(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(v) : null;
		if (time) {
			const us = ((Number(time[2]) * 60 + Number(time[3])) * 60 + Number(time[4])) * 1_000_000 + Number((time[5] ?? '').padEnd(6, '0'));
			return time[1] ? -us : us;
		}
	}
	return v;
}

const settingsSql = () =>
	Object.entries({ ...CLICKHOUSE_SETTINGS, output_format_json_quote_64bit_integers: 0, output_format_json_quote_decimals: 0 })
		.map(([k, v]) => `SET ${k} = ${typeof v === 'number' ? v : `'${v}'`}`);

const TS_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,6})?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/;

/**
 * A value as chdb binds it: a Date, or a timestamp's text with its offset (2024-03-10
 * 23:30:00-05, as DuckDB and PostgreSQL read it), as its UTC text with the microseconds kept;
 * ClickHouse's parameter parser takes neither.
 */
export function bindValue(v: unknown): unknown {
	if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
	if (typeof v !== 'string') return v;
	const m = TS_WITH_ZONE.exec(v);
	if (!m) return v;
	const zone = m[4] === 'Z' ? 'Z' : m[4]!.length === 3 ? `${m[4]}:00` : m[4]!.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
	const ms = Date.parse(`${m[1]}T${m[2]!.length === 5 ? m[2] + ':00' : m[2]}${zone}`);
	if (Number.isNaN(ms)) return v;
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + (m[3] ?? '');
}

const bindable = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, bindValue(v)]));

/** chdb in a folder (kept), or in a temporary folder removed on close (no `dir`) */
export async function chdbEngine(opts: { dir?: string; root?: string } = {}): Promise<Engine> {
	const chdb = loadChdb(opts.root);
	const temp = opts.dir ? null : mkdtempSync(join(tmpdir(), 'curewise-chdb-'));
	const dir = opts.dir ?? temp!;
	let session: ChdbSession;
	let closed = false;
	try {
		session = new chdb.Session(dir);
		for (const s of settingsSql()) session.query(s);
	} catch (e) {
		if (temp) rmSync(temp, { recursive: true, force: true });
		// chdb holds one data folder per process: a second engine waits for the first to close
		throw new Error(`cannot open ClickHouse (chdb) in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
	}
	return {
		name: 'clickhouse',
		dialect: clickhouse,
		where: opts.dir ? `ClickHouse (chdb) in ${opts.dir}` : 'ClickHouse (chdb) in a temporary folder',
		async query<T = EngineRow>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
			const text = session.queryBind(sql, bindable(params), 'JSON');
			if (!text.trim()) return [];
			const r = JSON.parse(text) as JsonResult;
			return r.data.map((row) => {
				const out: Record<string, unknown> = {};
				for (const m of r.meta) out[m.name] = fromClickhouse(m.type, row[m.name]);
				return out as T;
			});
		},
		async exec(sql: string) {
			for (const s of splitStatements(sql)) session.query(s);
		},
		async close() {
			if (closed) return;
			closed = true;
			session.close();
			if (temp) rmSync(temp, { recursive: true, force: true });
		}
	};
}

/** statements separated by semicolons outside quotes (ClickHouse runs one per call) */
export function splitStatements(sql: string): string[] {
	const out: string[] = [];
	let cur = '';
	let q: string | null = null;
	for (let i = 0; i < sql.length; i++) {
		const c = sql[i]!;
		if (q) {
			if (c === '\\') {
				cur += c + (sql[i + 1] ?? '');
				i++;
				continue;
			}
			if (c === q) q = null;
		} else if (c === "'" || c === '"' || c === '`') q = c;
		else if (c === ';') {
			if (cur.trim()) out.push(cur.trim());
			cur = '';
			continue;
		}
		cur += c;
	}
	if (cur.trim()) out.push(cur.trim());
	return out;
}
