/**
 * Bounded requests (issue 17, item 2): a view's dates lie between 1900 and 2100 and a period is at
 * most ten years, refused with a message before any query runs (a period from year 1 to 9999 ran
 * 33 s and answered 62 MB); page numbers and formats have limits their messages name; a table on a
 * page shows at most MAX_TABLE_ROWS rows (the largest) and says so, its CSV holds them all.
 * (The exports' row limit: export-limits.test.ts; the time limit: query-time-limit.test.ts; the
 * limit per user: heavy-requests.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isHttpError } from '@sveltejs/kit';
import { MAX_PAGE, MAX_TABLE_ROWS, pageNumberSchema } from '../../src/lib/schemas.ts';
import { parseFindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { ChartParamsError, runChartQuery } from '../../src/lib/server/kpi/charts.ts';
import { overviewPage } from '../../src/lib/server/kpi/overview.ts';
import { kpiParamsSchema, MAX_PERIOD_DAYS } from '../../src/lib/server/kpi/params.ts';
import { GET as chartData } from '../../src/routes/(app)/overview/data/[query]/+server.ts';
import { parseCsv } from '../support/csv.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

const problems = (input: Record<string, unknown>) => {
	const r = kpiParamsSchema.safeParse(input);
	return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('periods', () => {
	test('years 1 to 9999 are refused, saying why and where', () => {
		expect(problems({ from: '0001-01-01', to: '9999-12-31' })).toEqual([
			'from: dates are between 1900-01-01 and 2100-12-31',
			'to: dates are between 1900-01-01 and 2100-12-31'
		]);
		expect(problems({ from: '2026-02-31', to: '2026-03-01' })).toEqual(['from: not a real date']);
	});

	test('ten years are allowed, a day more is refused', () => {
		expect(problems({ from: '2016-01-01', to: '2025-12-31' })).toEqual([]);
		expect(problems({ from: '2016-01-01', to: '2026-01-03' })).toEqual([`to: a period is at most ${MAX_PERIOD_DAYS} days (ten years)`]);
	});

	test('the chart endpoint refuses the unbounded trend before it runs a query', async () => {
		const t = await tempStore();
		try {
			const t0 = performance.now();
			await expect(runChartQuery(t.store, 'kpi_trend', { from: '0001-01-01', to: '9999-12-31', as_of: '2026-06-30', grain: 'week' })).rejects.toThrow(ChartParamsError);
			await expect(runChartQuery(t.store, 'kpi_trend', { from: '1990-01-01', to: '2026-06-30', as_of: '2026-06-30', grain: 'week' })).rejects.toThrow(/at most 3653 days/);
			expect(performance.now() - t0).toBeLessThan(1000);
		} finally {
			await t.close();
		}
	});
});

describe('page numbers', () => {
	test('the findings list opens pages 1 to 20,000 and says so', () => {
		expect(MAX_PAGE).toBe(20_000);
		for (const page of ['0', '-1', '20001', '1e9', '1.5', 'x']) {
			const r = parseFindingsFilter(new URLSearchParams({ page }));
			expect(r.ok, page).toBe(false);
			if (!r.ok) expect(r.problems, page).toEqual([`page must be a whole number between 1 and 20,000 (got "${page}")`]);
		}
		expect(parseFindingsFilter(new URLSearchParams({ page: '20000' }))).toMatchObject({ ok: true, filter: { page: 20_000 } });
		expect(pageNumberSchema(500).safeParse(501).error?.issues[0]?.message).toBe('page must be a whole number between 1 and 500');
	});
});

/** a request event for the chart endpoint, as SvelteKit hands it over */
const chartEvent = (query: string, search: string) =>
	({
		url: new URL(`http://localhost/overview/data/${query}?${search}`),
		params: { query },
		request: new Request(`http://localhost/overview/data/${query}?${search}`),
		locals: { user: { user_id: 1, username: 'lee', role: 'leadership' } }
	}) as never as Parameters<typeof chartData>[0];

describe('the chart data', () => {
	const AGENTS = MAX_TABLE_ROWS + 50;
	const agent = (i: number) => `AG${String(i).padStart(5, '0')}`;
	let t: TempStore;
	beforeAll(async () => {
		t = await tempStore();
		(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
		// one account and one call per agent; the first ten agents made a second call
		const ids = Array.from({ length: AGENTS }, (_, i) => i);
		await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, ...ids.map((i) => accountRow(`A${i}`))])), source: 'cli' });
		const calls = [...ids.map((i) => interactionRow(`I${i}`, `A${i}`, { agent_id: agent(i) })), ...ids.slice(0, 10).map((i) => interactionRow(`J${i}`, `A${i}`, { agent_id: agent(i) }))];
		await importFile(t.store, { path: t.file('interactions.csv', csv([interactionsHeader, ...calls])), source: 'cli' });
	});
	afterAll(() => t.close());

	test('a format that is not arrow, json or csv is refused with 400', async () => {
		const err = await Promise.resolve(chartData(chartEvent('pressure', 'format=xml'))).catch((e: unknown) => e);
		expect(isHttpError(err) && [err.status, err.body.message]).toEqual([400, 'format must be one of arrow, json, csv']);
	});

	test(`a breakdown by agent shows the ${MAX_TABLE_ROWS.toLocaleString('en-US')} agents with the most contacts and says how many there are; its CSV has them all`, async () => {
		// the page
		const page = await overviewPage(t.store, { dimension: 'agent' });
		expect(page.breakdown?.total).toBe(AGENTS);
		const shown = page.breakdown!.columns.agent!.map(String);
		expect(shown).toHaveLength(MAX_TABLE_ROWS);
		for (let i = 0; i < 10; i++) expect(shown).toContain(agent(i));
		// the JSON says so in a header
		const res = await chartData(chartEvent('breakdown', 'dimension=agent&format=json'));
		expect(res.status).toBe(200);
		expect(res.headers.get('x-curewise-truncated')).toBe(`${MAX_TABLE_ROWS} of ${AGENTS} rows: the agent values with the most outbound contacts; ?format=csv has them all`);
		expect(((await res.json()) as { agent: string[] }).agent).toHaveLength(MAX_TABLE_ROWS);
		// the CSV holds every agent
		const file = await chartData(chartEvent('breakdown', 'dimension=agent&format=csv'));
		expect(file.status).toBe(200);
		const rows = parseCsv(await file.text());
		expect(rows.filter((r) => r.length > 1)).toHaveLength(AGENTS + 1);
		// a breakdown of fewer values is whole, with no header
		const bySegment = await chartData(chartEvent('breakdown', 'dimension=segment&format=json'));
		expect(bySegment.headers.get('x-curewise-truncated')).toBeNull();
	});
});
