/**
 * The ClickHouse dialect (src/lib/metrics/dialects/clickhouse.ts) and the pure parts of the
 * ClickHouse engine: the SQL each function writes, the raw KPI path written in ClickHouse's
 * words (no DuckDB or PostgreSQL spelling left), parameters, values read back, and the message
 * when chdb is not installed. The SQL is run against DuckDB's answers in
 * test/integration/engine-clickhouse.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdb, type Dialect } from '../../src/lib/metrics/dialect.ts';
import { clickhouse, CLICKHOUSE_SETTINGS } from '../../src/lib/metrics/dialects/clickhouse.ts';
import { rawKpiSql } from '../../src/lib/server/engines/kpi-raw.ts';
import { bindValue, fromClickhouse, splitStatements } from '../../src/lib/server/engines/clickhouse.ts';
import { CHDB_MISSING, chdbInstalled, loadChdb } from '../../src/lib/server/engines/chdb-load.ts';

describe('the ClickHouse dialect', () => {
	test('implements every function of the interface', () => {
		const names = Object.keys(duckdb).sort();
		expect(Object.keys(clickhouse).sort()).toEqual(names);
		for (const k of names) if (k !== 'name') expect(typeof (clickhouse as unknown as Record<string, unknown>)[k], k).toBe('function');
	});

	test("writes ClickHouse's functions", () => {
		const d: Dialect = clickhouse;
		expect(d.param('as_of', 'date')).toBe('{as_of:Nullable(Date32)}');
		expect(d.param('x', 'timestamp')).toBe("{x:Nullable(DateTime64(6, 'UTC'))}");
		expect(d.param('segment', 'text')).toBe('{segment:Nullable(String)}');
		expect(d.param('vulnerable', 'bool')).toBe('{vulnerable:Nullable(Bool)}');
		expect(d.param('n', 'int')).toBe('{n:Nullable(Int32)}');
		expect(d.daysBetween('a', 'b')).toBe("toInt32(dateDiff('day', a, b))");
		expect(d.addDays('d', 30)).toBe('addDays(d, 30)');
		expect(d.utcDate('ts')).toBe("toDate32(ts, 'UTC')");
		expect(d.utcDayStart('d')).toBe("toDateTime64(d, 6, 'UTC')");
		expect(d.weekStart('d')).toBe('toMonday(d)');
		expect(d.monthStart('d')).toBe('toStartOfMonth(d)');
		expect(d.countIf('p')).toBe('countIf(p)');
		expect(d.sumIf('x', 'p')).toBe('coalesce(sumIf(x, p), 0)');
		expect(d.boolOr('p')).toBe('max(toBool(p))');
		expect(d.toDouble('x')).toBe('toFloat64(x)');
		expect(d.toInt('x')).toBe('toInt32(roundBankers(x))');
	});

	test("the settings that give DuckDB's NULLs: outer joins, empty sums, Date32 calendars, UTC", () => {
		expect(CLICKHOUSE_SETTINGS).toMatchObject({ join_use_nulls: 1, aggregate_functions_null_for_empty: 1, enable_extended_results_for_datetime_functions: 1, session_timezone: 'UTC' });
	});

	test("the raw KPI path in ClickHouse's words: its parameters, none of DuckDB's or PostgreSQL's spellings", () => {
		const sql = rawKpiSql(clickhouse);
		for (const [name, text] of Object.entries(sql)) {
			expect(text, name).not.toMatch(/\$[a-z_]+/);
			expect(text, name).not.toMatch(/::/);
			expect(text, name).not.toMatch(/bool_or|date_trunc|GROUP BY ALL/i);
		}
		expect(sql.episodes).toContain('{as_of:Nullable(Date32)}');
		expect(sql.episodes).toContain('{segment:Nullable(String)}');
		expect(sql.contactLoad).toContain('toMonday(');
	});
});

describe('the ClickHouse engine, without ClickHouse', () => {
	test('a timestamp with an offset is bound as its UTC text, microseconds kept; other values as they are', () => {
		expect(bindValue('2024-03-10 23:30:00-05')).toBe('2024-03-11 04:30:00');
		expect(bindValue('2023-12-31 23:59:59.999999+00')).toBe('2023-12-31 23:59:59.999999');
		expect(bindValue('2024-01-01 10:00:00+05:30')).toBe('2024-01-01 04:30:00');
		expect(bindValue(new Date('2024-01-05T10:00:00.250Z'))).toBe('2024-01-05 10:00:00.250');
		for (const v of ['2024-01-01', 'sme', "it's", null, true, 7]) expect(bindValue(v)).toBe(v);
	});

	test('values come back as the DuckDB engine gives them', () => {
		expect(fromClickhouse('Nullable(Date32)', '2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
		expect(fromClickhouse("Nullable(DateTime64(6, 'UTC'))", '2024-01-03 10:00:00.123456')).toEqual(new Date('2024-01-03T10:00:00.123Z'));
		expect(fromClickhouse('UInt64', '18')).toBe(18);
		expect(fromClickhouse('Nullable(Decimal(38, 2))', '12.50')).toBe(12.5);
		expect(fromClickhouse('Nullable(Time64(6))', '22:30:00.5')).toBe(81_000_500_000);
		expect(fromClickhouse('Nullable(String)', null)).toBeNull();
		expect(fromClickhouse('Nullable(String)', '2024-01-01')).toBe('2024-01-01');
	});

	test('statements are split on semicolons outside quotes', () => {
		expect(splitStatements("DROP TABLE IF EXISTS a; CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory;")).toEqual(['DROP TABLE IF EXISTS a', "CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory"]);
	});

	test('without chdb, the message says how to install it', () => {
		const root = mkdtempSync(join(tmpdir(), 'curewise-nochdb-'));
		try {
			expect(chdbInstalled(root)).toBe(false);
			expect(() => loadChdb(root)).toThrow(CHDB_MISSING);
			expect(CHDB_MISSING).toBe('ClickHouse needs the chdb package (about 570 MB): run `npm run install:chdb`');
		} finally {
			rmSync(root, { recursive: true, force: true });
		}
	});
});
