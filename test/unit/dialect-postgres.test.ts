/**
 * The PostgreSQL dialect's pure parts (src/lib/metrics/dialects/postgres.ts): named parameters
 * made positional, the functions' spelling, and the engine settings of config.ts. What the SQL
 * answers on a real PostgreSQL is tested in test/integration/engine-postgres.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { positional, postgres } from '../../src/lib/metrics/dialects/postgres.ts';
import { duckdb, type Dialect } from '../../src/lib/metrics/dialect.ts';
import { episodeCountColumns, episodeFactColumns } from '../../src/lib/metrics/sql.ts';
import { parseConfig } from '../../src/lib/server/config.ts';
import { csvLine, postgresType } from '../../src/lib/server/engines/load.ts';
import { rawKpiSql } from '../../src/lib/server/engines/kpi-raw.ts';

describe('positional parameters', () => {
	test('each name gets one position, in the order of its first use', () => {
		const r = positional('SELECT $b::date, $a::text, $b::date + 1', { a: 'x', b: '2024-01-01', unused: 5 });
		expect(r.text).toBe('SELECT $1::date, $2::text, $1::date + 1');
		expect(r.values).toEqual(['2024-01-01', 'x']);
	});

	test('string literals, quoted names, dollar quotes and comments keep their dollars', () => {
		const sql = `SELECT '$a', 'it''s $a', "$a", $$ $a $$, $t$ $a $t$ -- $a\n, $a /* $a */`;
		const r = positional(sql, { a: 1 });
		expect(r.text).toBe(`SELECT '$a', 'it''s $a', "$a", $$ $a $$, $t$ $a $t$ -- $a\n, $1 /* $a */`);
		expect(r.values).toEqual([1]);
	});

	test('positional parameters already written and names inside words stay', () => {
		expect(positional('SELECT $1, x$a', {}).text).toBe('SELECT $1, x$a');
	});

	test('a parameter the statement uses and the caller left out is an error naming it', () => {
		expect(() => positional('SELECT $as_of::date', { from: '2024-01-01' })).toThrow(/\$as_of, which was not given \(given: from\)/);
	});

	test('NULL and false are given, not missing', () => {
		expect(positional('SELECT $a::text, $b::boolean', { a: null, b: false }).values).toEqual([null, false]);
	});
});

describe('the postgres dialect', () => {
	test('date arithmetic in PostgreSQL words (date − date is an integer; date + integer a date)', () => {
		expect(postgres.daysBetween('a', 'b')).toBe('((b) - (a))::integer');
		expect(postgres.addDays('d', 180)).toBe('((d) + (180)::integer)');
		expect(postgres.utcDate('ts')).toBe(`((ts) AT TIME ZONE 'UTC')::date`);
		expect(postgres.weekStart('d')).toBe(`date_trunc('week', (d)::timestamp)::date`);
		expect(postgres.toDouble('x')).toBe('(x)::double precision');
	});

	test('every parameter is typed (PostgreSQL cannot infer the type of `$1 IS NULL`)', () => {
		expect(postgres.param('as_of', 'date')).toBe('$as_of::date');
		expect(postgres.param('vulnerable', 'bool')).toBe('$vulnerable::boolean');
		expect(postgres.param('segment', 'text')).toBe('$segment::text');
	});

	test("the generated SQL holds none of DuckDB's words", () => {
		const sql = [episodeFactColumns(postgres), episodeCountColumns(postgres), ...Object.values(rawKpiSql(postgres))].join('\n');
		for (const duckWord of ['::DATE', '::DOUBLE', '::INTEGER', '::VARCHAR', '::TIMESTAMPTZ', 'GROUP BY ALL', 'kpi_scope', 'kpi_account_match', 'kpi_contact_match', 'date_diff', 'HUGEINT'])
			expect(sql, duckWord).not.toContain(duckWord);
		// and the DuckDB dialect's raw path is DuckDB's
		expect(rawKpiSql(duckdb).episodes).toContain('$as_of::DATE');
	});

	test('both dialects implement every function of the interface', () => {
		const names = Object.keys(duckdb).sort();
		expect(Object.keys(postgres).sort()).toEqual(names);
		for (const d of [duckdb, postgres] as Dialect[]) for (const k of names) if (k !== 'name') expect(typeof (d as unknown as Record<string, unknown>)[k], `${d.name}.${k}`).toBe('function');
	});
});

describe('the engine settings', () => {
	test('DuckDB by default', () => {
		const c = parseConfig({});
		expect(c.CUREWISE_ENGINE).toBe('duckdb');
		expect(c.CUREWISE_ENGINE_URL).toBeUndefined();
	});

	test('postgres with a server address or a PGlite folder', () => {
		expect(parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'postgres://u:p@db:5432/curewise' }).CUREWISE_ENGINE_URL).toBe('postgres://u:p@db:5432/curewise');
		expect(parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'pglite:/var/lib/curewise/pg' }).CUREWISE_ENGINE).toBe('postgres');
	});

	test('an unknown engine names the variable and the allowed values', () => {
		expect(() => parseConfig({ CUREWISE_ENGINE: 'oracle' })).toThrow(/CUREWISE_ENGINE: must be duckdb, postgres or clickhouse/);
	});

	test('postgres without an address, or with a bad one, says what is expected and does not repeat the address', () => {
		expect(() => parseConfig({ CUREWISE_ENGINE: 'postgres' })).toThrow(/CUREWISE_ENGINE_URL: CUREWISE_ENGINE=postgres needs the server's address: postgres:\/\//);
		let message = '';
		try {
			parseConfig({ CUREWISE_ENGINE: 'postgres', CUREWISE_ENGINE_URL: 'mysql://root:secret@db' });
		} catch (e) {
			message = (e as Error).message;
		}
		expect(message).toMatch(/CUREWISE_ENGINE_URL: must be a postgres:\/\/user:password@host:port\/database address/);
		expect(message).not.toContain('secret');
	});
});

describe('column types copied to PostgreSQL', () => {
	test("DuckDB's types map to PostgreSQL's", () => {
		expect(postgresType('TIMESTAMP WITH TIME ZONE')).toBe('timestamptz');
		expect(postgresType('DECIMAL(18,2)')).toBe('numeric(18,2)');
		expect(postgresType('VARCHAR')).toBe('text');
		expect(postgresType('JSON')).toBe('json');
		expect(postgresType('TIME')).toBe('time');
	});

	test('a type not handled yet is an error that names it', () => {
		expect(() => postgresType('VARCHAR[]')).toThrow(/a column of type VARCHAR\[\] cannot be copied to PostgreSQL yet/);
	});
});

describe('the CSV the copy sends', () => {
	test('every field quoted, a quote doubled, NULL an empty unquoted field', () => {
		expect(csvLine(['a "b", c', '', null, 'x\ny'])).toBe('"a ""b"", c","",,"x\ny"\n');
	});
});
