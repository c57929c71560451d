/**
 * Runs a mapping (docs/mappings.md) over one source file: for each of the mapping's tables a
 * SELECT over the source is built (unpivot → let → where → columns), checked against the
 * source's columns, and its rows are written to a CSV file in the contract's columns, which the
 * importer then takes like any export (src/lib/server/ingest/mapping-import.ts).
 *
 * The SQL runs in a DuckDB database of its own, in memory, never in the store: the source is
 * read into it, then it is shut off from the file system except the temporary folder its output
 * goes to. The expressions of a mapping are checked before anything runs: one expression each
 * (what could follow SELECT: no `;`, no FROM, no subquery, no aggregate), bound by DuckDB against
 * the source (`DESCRIBE SELECT <expr> FROM source`), and of a type its contract column can take.
 * A problem is reported by the mapping's file, the field and DuckDB's message.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { TABLE_NAMES, tableDef, type Column, type TableName } from '../../contract.ts';
import type { ColumnSpec, TableSpec } from '../../mapping-schema.ts';
import { lit, q } from './checks.ts';
import { fileHead, headerWidth } from './import.ts';
import { MAX_COLUMNS } from './limits.ts';
import { MappingError, type LoadedMapping } from './mapping.ts';

/** the source file cannot be read (not the mapping's fault) */
export class SourceError extends Error {}

export type SourceFormat = 'csv' | 'parquet';

export interface MappedTable {
	table: TableName;
	/** the CSV file written in the contract's columns */
	path: string;
	rows: number;
}

interface Col {
	name: string;
	type: string;
}

/** a relation being built: its SQL and its columns */
interface Rel {
	sql: string;
	columns: Col[];
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** DuckDB's message without the echo of the statement (LINE 1: …) */
export function duckMessage(e: unknown): string {
	const msg = e instanceof Error ? e.message : String(e);
	return msg
		.split(/\n\s*\nLINE \d+:|\nLINE \d+:/)[0]!
		.replace(/\s*Candidate functions:[\s\S]*$/, '')
		.replace(/\s*\n\s*/g, ' ')
		.trim();
}

function detectFormat(path: string, fileName: string, declared: SourceFormat | undefined): SourceFormat {
	const start = fileHead(path, 4096);
	const parquet = start.subarray(0, 4).toString('latin1') === 'PAR1';
	const ext = extname(fileName).toLowerCase();
	const format = declared ?? (parquet || ext === '.parquet' || ext === '.pq' ? 'parquet' : 'csv');
	if (format === 'csv') {
		if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) throw new SourceError(`${fileName} is UTF-16 encoded; save it as UTF-8 CSV`);
		if (parquet || start.includes(0)) throw new SourceError(`${fileName} is not a CSV file: it holds binary data`);
	}
	return format;
}

/** `;` outside quotes and comments: a second statement */
function hasSemicolon(expr: string): boolean {
	let quote: string | null = null;
	for (let i = 0; i < expr.length; i++) {
		const ch = expr[i]!;
		if (quote) {
			if (ch === quote) quote = null;
		} else if (ch === "'" || ch === '"') quote = ch;
		else if (ch === ';') return true;
	}
	return false;
}

/** whether a node of DuckDB's parse tree (json_serialize_sql) or anything under it is of this class */
function hasClass(node: unknown, cls: string): boolean {
	if (Array.isArray(node)) return node.some((n) => hasClass(n, cls));
	if (node === null || typeof node !== 'object') return false;
	const o = node as Record<string, unknown>;
	if (o.class === cls) return true;
	return Object.values(o).some((v) => hasClass(v, cls));
}

const NAIVE_TS = /^TIMESTAMP(_S|_MS|_NS)?$/;
const TSTZ = 'TIMESTAMP WITH TIME ZONE';
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;
const INTEGERS = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
/** a value of unknown type (a NULL constant, a CASE of NULLs): taken for any column */
const ANY = 'NULL';

const UTC_ISO = `'%Y-%m-%dT%H:%M:%SZ'`;

/** The separate DuckDB database a mapping runs in. */
class Sandbox {
	private constructor(
		private readonly instance: DuckDBInstance,
		private readonly conn: DuckDBConnection
	) {}

	static async open(dir: string): Promise<Sandbox> {
		const spill = join(dir, 'spill');
		mkdirSync(spill, { recursive: true });
		const instance = await DuckDBInstance.create(':memory:', {
			memory_limit: process.env.CUREWISE_MEMORY_LIMIT || '1GB',
			temp_directory: spill
		});
		const conn = await instance.connect();
		await conn.run(`SET TimeZone = 'UTC'`);
		return new Sandbox(instance, conn);
	}

	/**
	 * reads the source into the table `source`; then only the folder `dir` can be read or written.
	 * A CSV file's column types are detected from the whole file, except dates and times, which
	 * stay text: DuckDB would guess 03/02/2026 as one day or the other, and a mapping says its
	 * format (date_format) or parses it in an expression.
	 */
	async load(path: string, fileName: string, format: SourceFormat, delimiter: string | undefined, dir: string): Promise<Col[]> {
		const csv = (more: string) => `read_csv(${lit(path)}, header = true, auto_detect = true${delimiter ? `, delim = ${lit(delimiter)}` : ''}${more})`;
		try {
			let reader = `read_parquet(${lit(path)})`;
			if (format === 'csv') {
				const temporal = (await this.describe(`SELECT * FROM ${csv('')}`)).filter((c) => /^(DATE|TIME|TIMESTAMP)/.test(c.type));
				reader = csv(`, sample_size = -1${temporal.length ? `, types = {${temporal.map((c) => `${lit(c.name)}: 'VARCHAR'`).join(', ')}}` : ''}`);
			}
			await this.conn.run(`CREATE TABLE source AS SELECT * FROM ${reader}`);
		} catch (e) {
			throw new SourceError(`${fileName} cannot be read as ${format === 'csv' ? 'CSV' : 'Parquet'}: ${duckMessage(e)}`);
		}
		await this.conn.run(`SET allowed_directories = [${lit(dir)}]`);
		await this.conn.run(`SET enable_external_access = false`);
		await this.conn.run(`SET lock_configuration = true`);
		const cols = await this.describe('SELECT * FROM source');
		if (cols.length > MAX_COLUMNS) throw new SourceError(`${fileName} has ${thousands(cols.length)} columns; the limit is ${MAX_COLUMNS}`);
		return cols;
	}

	async describe(sql: string): Promise<Col[]> {
		const r = await this.conn.runAndReadAll(`DESCRIBE ${sql}`);
		return r.getRowObjectsJS().map((x) => ({ name: String(x.column_name), type: String(x.column_type) }));
	}

	/** DuckDB's parse tree of a SELECT (json_serialize_sql) */
	async parse(select: string): Promise<Record<string, unknown>> {
		const r = await this.conn.runAndReadAll(`SELECT json_serialize_sql(${lit(select)}) AS j`);
		return JSON.parse(String(r.getRowObjectsJS()[0]!.j)) as Record<string, unknown>;
	}

	async zoneExists(zone: string): Promise<boolean> {
		const r = await this.conn.runAndReadAll(`SELECT count(*) AS n FROM pg_timezone_names() WHERE name = ${lit(zone)}`);
		return Number(r.getRowObjectsJS()[0]!.n) > 0;
	}

	/** writes the rows of a SELECT to a CSV file; the number of rows */
	async write(select: string, path: string): Promise<number> {
		const r = await this.conn.runAndReadAll(`COPY (${select}) TO ${lit(path)} (HEADER, DELIMITER ',')`);
		return Number(r.getRowsJS()[0]?.[0] ?? 0);
	}

	close() {
		try {
			this.conn.closeSync();
		} finally {
			this.instance.closeSync();
		}
	}
}

/** The checks and the SQL of one mapping over one source: problems collect here. */
class Builder {
	readonly problems: string[] = [];

	constructor(
		private readonly sb: Sandbox,
		private readonly m: LoadedMapping,
		private readonly sourceCols: Col[]
	) {}

	private problem(field: string, message: string) {
		this.problems.push(`${this.m.file}: ${field}: ${message}`);
	}

	/** a column of rel by its name, matched without regard to case */
	private find(rel: Rel, name: string): Col | undefined {
		return rel.columns.find((c) => c.name === name) ?? rel.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
	}

	private columnList(rel: Rel): string {
		const names = rel.columns.map((c) => c.name).filter((n) => !n.startsWith('_cw_'));
		return names.length > 30 ? names.slice(0, 30).join(', ') + ', …' : names.join(', ');
	}

	/**
	 * Checks one expression at a field, over rel: one expression only, no subquery, no
	 * aggregate, and bound by DuckDB; its type, or null when it has a problem (reported)
	 */
	async expression(rel: Rel, expr: string, field: string): Promise<Col | null> {
		if (hasSemicolon(expr)) {
			this.problem(field, 'a ; ends a statement: write one expression (what could follow SELECT), without ;');
			return null;
		}
		let tree: Record<string, unknown>;
		try {
			tree = await this.sb.parse(`SELECT (\n${expr}\n)`);
		} catch (e) {
			this.problem(field, `is not an expression: ${duckMessage(e)}`);
			return null;
		}
		if (tree.error) {
			const how = tree.error_type === 'parser' ? 'syntax error' : String(tree.error_type ?? 'error');
			this.problem(field, `is not an expression (${how}): ${String(tree.error_message ?? '').replace(/\n/g, ' ')}`);
			return null;
		}
		const stmts = tree.statements as { node: Record<string, unknown> }[];
		const node = stmts.length === 1 ? stmts[0]!.node : null;
		const single =
			node &&
			node.type === 'SELECT_NODE' &&
			(node.select_list as unknown[]).length === 1 &&
			(node.from_table as { type: string }).type === 'EMPTY' &&
			node.where_clause === null &&
			node.having === null &&
			node.qualify === null &&
			(node.group_expressions as unknown[]).length === 0 &&
			(node.modifiers as unknown[]).length === 0 &&
			((node.cte_map as { map: unknown[] }).map ?? []).length === 0;
		if (!single) {
			this.problem(field, 'is not a single expression: write what could follow SELECT, without FROM, WHERE, ORDER BY or a second statement');
			return null;
		}
		if (hasClass(node, 'SUBQUERY')) {
			this.problem(field, 'a subquery (SELECT …) is not allowed: an expression reads the columns of its row (and, under let, windows over the rows)');
			return null;
		}
		const top = (node.select_list as Record<string, unknown>[])[0]!;
		const isNull = top.class === 'CONSTANT' && (top.value as { is_null?: boolean }).is_null === true;
		try {
			const [col] = await this.sb.describe(`SELECT (\n${expr}\n) AS v FROM (${rel.sql}) AS r`);
			// an aggregate gives one row for all: with the row's own columns beside it, DuckDB refuses it
			await this.sb.describe(`SELECT (\n${expr}\n) AS v, r.* FROM (${rel.sql}) AS r`).catch((e: unknown) => {
				if (/GROUP BY/i.test(duckMessage(e))) throw new Error('AGGREGATE');
			});
			return { name: field, type: isNull ? ANY : col!.type };
		} catch (e) {
			if (e instanceof Error && e.message === 'AGGREGATE') {
				this.problem(field, 'an aggregate (sum, count, max, …) gives one value for all rows: a column needs one per row; for a total per account use a window under let, e.g. sum(x) OVER (PARTITION BY id)');
			} else this.problem(field, duckMessage(e));
			return null;
		}
	}

	/** the source's columns, as a relation that keeps each row's place in the file */
	base(): Rel {
		return { sql: `SELECT *, rowid AS _cw_row, 0 AS _cw_k FROM source`, columns: [...this.sourceCols, { name: '_cw_row', type: 'BIGINT' }, { name: '_cw_k', type: 'INTEGER' }] };
	}

	/** wide to long: one row per group of each source row, in the file's order and then the groups' */
	async unpivot(rel: Rel, u: NonNullable<TableSpec['unpivot']>, at: string): Promise<Rel | null> {
		const used: string[] = [];
		let ok = true;
		const groups = u.on.map((g, i) =>
			g.columns.map((name, j) => {
				const c = this.find(rel, name);
				if (!c || c.name.startsWith('_cw_')) {
					this.problem(`${at}.unpivot.on.${i}.columns.${j}`, `the source has no column ${name} (its columns: ${this.columnList(rel)})`);
					ok = false;
					return '';
				}
				if (!used.includes(c.name)) used.push(c.name);
				return c.name;
			})
		);
		if (!ok) return null;
		const kept = rel.columns.filter((c) => !used.includes(c.name) && !c.name.startsWith('_cw_'));
		for (const n of [u.name, ...u.values]) {
			if (kept.some((c) => c.name.toLowerCase() === n.toLowerCase())) {
				this.problem(`${at}.unpivot`, `the source already has a column ${n}: give the new column another name`);
				ok = false;
			}
		}
		if (!ok) return null;
		const exclude = used.length ? ` EXCLUDE (${used.map(q).join(', ')})` : '';
		const sql = groups
			.map(
				(cols, i) =>
					`SELECT *${exclude}, ${lit(u.on[i]!.as)} AS ${q(u.name)}, ${cols.map((c, j) => `${q(c)} AS ${q(u.values[j]!)}`).join(', ')}, rowid AS _cw_row, ${i} AS _cw_k FROM source`
			)
			.join('\nUNION ALL\n');
		try {
			return { sql, columns: await this.sb.describe(sql) };
		} catch (e) {
			this.problem(`${at}.unpivot`, `the groups' columns cannot be put together: ${duckMessage(e)}`);
			return null;
		}
	}

	/** a column spec → SQL giving the text the contract column (or an extra column) takes; null on a problem */
	async column(rel: Rel, spec: ColumnSpec, target: Column | null, field: string): Promise<string | null> {
		let base: string;
		let type: string;
		if (spec.from !== undefined) {
			const c = this.find(rel, spec.from);
			if (!c || c.name.startsWith('_cw_')) {
				this.problem(`${field}.from`, `there is no column ${spec.from} (the columns are: ${this.columnList(rel)})`);
				return null;
			}
			base = `r.${q(c.name)}`;
			type = c.type;
		} else if (spec.expr !== undefined) {
			const t = await this.expression(rel, spec.expr, `${field}.expr`);
			if (!t) return null;
			base = `(\n${spec.expr}\n)`;
			type = t.type;
		} else {
			const v = spec.value!;
			base = typeof v === 'string' ? lit(v) : String(v);
			type = typeof v === 'string' ? 'VARCHAR' : typeof v === 'boolean' ? 'BOOLEAN' : 'DOUBLE';
		}
		if (spec.values) {
			const text = `CAST(${base} AS VARCHAR)`;
			const out = (v: string | number | boolean | null) => (v === null ? 'NULL::VARCHAR' : lit(String(v)));
			const whens = Object.entries(spec.values).map(([k, v]) => `WHEN ${lit(k)} THEN ${out(v)}`);
			base = `CASE ${text} ${whens.join(' ')} ELSE ${spec.default !== undefined ? out(spec.default) : text} END`;
			type = 'VARCHAR';
		}
		let zone: string | null = null;
		if (spec.timezone !== undefined) {
			if (!(await this.sb.zoneExists(spec.timezone))) {
				this.problem(`${field}.timezone`, `${spec.timezone} is not a known IANA time zone (e.g. Asia/Taipei, America/New_York)`);
				return null;
			}
			zone = spec.timezone;
		}
		if (spec.date_format !== undefined) {
			const text = `CAST(${base} AS VARCHAR)`;
			const parsed = `try_strptime(${text}, ${lit(spec.date_format)})`;
			let ptype: string;
			try {
				ptype = (await this.sb.describe(`SELECT ${parsed} AS v FROM (${rel.sql}) AS r`))[0]!.type;
			} catch (e) {
				this.problem(`${field}.date_format`, duckMessage(e));
				return null;
			}
			const converted = this.convert(parsed, ptype, target, zone, field);
			// a value the format does not fit is passed on as it is: the importer's check names it, at its row
			return converted === null ? null : `coalesce(${converted}, ${text})`;
		}
		return this.convert(base, type, target, zone, field);
	}

	/** SQL giving the text of a typed value in the form the contract's column reads */
	private convert(x: string, type: string, target: Column | null, zone: string | null, field: string): string | null {
		const asText = `CAST(${x} AS VARCHAR)`;
		if (!target || type === ANY || type === 'VARCHAR') return type === 'VARCHAR' ? x : asText;
		const wrong = (what: string) => {
			this.problem(field, `gives ${type} values, but ${target.name} is ${what}`);
			return null;
		};
		switch (target.type) {
			case 'date':
				if (type === 'DATE' || NAIVE_TS.test(type)) return `strftime(${x}, '%Y-%m-%d')`;
				if (type === TSTZ) return `strftime(timezone(${lit(zone ?? 'UTC')}, ${x}), '%Y-%m-%d')`;
				return wrong('a date (YYYY-MM-DD)');
			case 'timestamptz':
				if (type === TSTZ) return `strftime(timezone('UTC', ${x}), ${UTC_ISO})`;
				if (type === 'DATE' || NAIVE_TS.test(type)) {
					if (zone) return `strftime(timezone('UTC', timezone(${lit(zone)}, CAST(${x} AS TIMESTAMP))), ${UTC_ISO})`;
					this.problem(field, `gives ${type} values, without a time zone, but ${target.name} is a moment in time: add timezone: with the zone they are in (e.g. timezone: Asia/Taipei)`);
					return null;
				}
				return wrong('a timestamp with a UTC offset');
			case 'time':
				if (type === 'TIME') return asText;
				if (NAIVE_TS.test(type)) return `strftime(${x}, '%H:%M:%S')`;
				return wrong('a time of day');
			case 'decimal':
			case 'int':
				return NUMERIC.test(type) ? asText : wrong('a number');
			case 'bool':
				return type === 'BOOLEAN' || INTEGERS.test(type) ? asText : wrong('true or false');
			default:
				return asText;
		}
	}

	/** the SELECT that gives one table's rows in the contract's columns (and extra ones); null on a problem */
	async table(t: TableName, spec: TableSpec): Promise<string | null> {
		const at = `tables.${t}`;
		let rel: Rel | null = this.base();
		if (spec.unpivot) rel = await this.unpivot(rel, spec.unpivot, at);
		if (!rel) return null;
		for (const [name, expr] of Object.entries(spec.let ?? {})) {
			if (this.find(rel, name)) {
				this.problem(`${at}.let.${name}`, `there is already a column ${name}: give it another name`);
				return null;
			}
			const c = await this.expression(rel, expr, `${at}.let.${name}`);
			if (!c) return null;
			rel = { sql: `SELECT *, (\n${expr}\n) AS ${q(name)} FROM (${rel.sql}) AS r`, columns: [...rel.columns, { name, type: c.type }] };
		}
		if (spec.where !== undefined) {
			const c = await this.expression(rel, spec.where, `${at}.where`);
			if (!c) return null;
			if (c.type !== 'BOOLEAN' && c.type !== ANY) {
				this.problem(`${at}.where`, `gives ${c.type} values: a condition is true or false (e.g. paid > 0)`);
				return null;
			}
			rel = { sql: `SELECT * FROM (${rel.sql}) AS r WHERE (\n${spec.where}\n)`, columns: rel.columns };
			try {
				await this.sb.describe(rel.sql);
			} catch (e) {
				// a window in a condition: DuckDB says WHERE cannot hold one (it goes under let)
				this.problem(`${at}.where`, `${duckMessage(e)}${/window/i.test(duckMessage(e)) ? '; compute it under let and test that name here' : ''}`);
				return null;
			}
		}
		const def = tableDef(t);
		const out: string[] = [];
		let ok = true;
		for (const c of def.columns) {
			const s = spec.columns[c.name];
			if (s === undefined) continue;
			const sql = await this.column(rel, s, c, `${at}.columns.${c.name}`);
			if (sql === null) ok = false;
			else out.push(`${sql} AS ${q(c.name)}`);
		}
		for (const [name, s] of Object.entries(spec.extra ?? {})) {
			const sql = await this.column(rel, s, null, `${at}.extra.${name}`);
			if (sql === null) ok = false;
			else out.push(`${sql} AS ${q(name)}`);
		}
		if (!ok) return null;
		const select = `SELECT ${out.join(',\n')}\nFROM (${rel.sql}) AS r\nORDER BY r._cw_row, r._cw_k`;
		try {
			await this.sb.describe(select);
		} catch (e) {
			this.problem(at, duckMessage(e));
			return null;
		}
		return select;
	}
}

/**
 * Maps one source file: checks every table of the mapping against the file first (a
 * MappingError with every problem found, nothing written), then writes each table's rows to
 * <dir>/<table>.csv. A SourceError when the file cannot be read.
 */
export async function runMapping(opts: { path: string; fileName: string; mapping: LoadedMapping; dir: string }): Promise<{ format: SourceFormat; tables: MappedTable[] }> {
	const { path, fileName, mapping, dir } = opts;
	let bytes: number;
	try {
		bytes = statSync(path).size;
	} catch {
		throw new SourceError(`${fileName} cannot be opened: no such file`);
	}
	if (bytes === 0) throw new SourceError(`${fileName} is empty`);
	const format = detectFormat(path, fileName, mapping.spec.source?.format);
	if (format === 'csv') {
		const { columns, complete } = headerWidth(path);
		if (!complete || columns > MAX_COLUMNS) throw new SourceError(`${fileName} has ${complete ? '' : 'more than '}${thousands(columns)} columns in its header; the limit is ${MAX_COLUMNS}`);
	}
	const sb = await Sandbox.open(dir);
	try {
		const cols = await sb.load(path, fileName, format, mapping.spec.source?.delimiter, dir);
		const b = new Builder(sb, mapping, cols);
		const selects: [TableName, string][] = [];
		for (const t of TABLE_NAMES) {
			const spec = mapping.spec.tables[t];
			if (!spec) continue;
			const sql = await b.table(t, spec);
			if (sql !== null) selects.push([t, sql]);
		}
		if (b.problems.length) throw new MappingError(b.problems);
		const tables: MappedTable[] = [];
		for (const [t, sql] of selects) {
			const out = join(dir, `${t}.csv`);
			try {
				tables.push({ table: t, path: out, rows: await sb.write(sql, out) });
			} catch (e) {
				throw new MappingError([`${mapping.file}: tables.${t}: its rows could not be computed from ${fileName}: ${duckMessage(e)}`]);
			}
		}
		return { format, tables };
	} finally {
		sb.close();
	}
}
