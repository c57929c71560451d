/**
 * A CSV export holds at most CUREWISE_MAX_EXPORT_ROWS rows (issue 17, item 2; 1,000,000 unless
 * set, 3 here): a larger one is refused with a 400 that names the limit and how to narrow the
 * export, never cut short (a findings file or a trail with rows missing would pass for a whole
 * one). Before, the trail's CSV stopped silently at 1,000,000 records and the findings CSV had no
 * limit at all. The route handlers are called as the server calls them, on a real store.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordTrail } from '../../src/lib/server/trail/trail.ts';
import { runAudit } from '../../src/lib/server/compliance/audit.ts';
import type { Store } from '../../src/lib/server/db/store.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { GET as trailCsv } from '../../src/routes/(app)/trail/export.csv/+server.ts';
import { GET as findingsCsv } from '../../src/routes/(app)/compliance/report.csv/+server.ts';
import { GET as chartData } from '../../src/routes/(app)/overview/data/[query]/+server.ts';
import { parseCsv } from '../support/csv.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

// read when first used, in this test file's own process
process.env.CUREWISE_MAX_EXPORT_ROWS = '3';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
	(globalThis as { __curewiseStore?: Promise<Store> }).__curewiseStore = Promise.resolve(t.store);
	// one Arizona account called at 06:30 local on four days (too early: a finding each), by four agents
	await importFile(t.store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('Z1', { region: 'US-AZ', timezone: 'America/Phoenix' })])), source: 'cli' });
	const calls = [1, 2, 3, 4].map((d) => interactionRow(`I${d}`, 'Z1', { occurred_at: `2026-04-1${d}T06:30:00-07:00`, contact_timezone: 'America/Phoenix', agent_id: `AG${d}` }));
	await importFile(t.store, { path: t.file('interactions.csv', csv([interactionsHeader, ...calls])), source: 'cli' });
	await runAudit(t.store, { trigger: 'manual', runBy: 'tester' });
	for (const actor of ['ann', 'bob', 'cy', 'dan']) await recordTrail(t.store, { actor, role: 'compliance', action: 'sign_in', target: null });
}, 120_000);
afterAll(() => t.close());

/** a request event as SvelteKit hands it to a route */
const event = (path: string, params: Record<string, string> = {}) =>
	({
		url: new URL('http://localhost' + path),
		params,
		request: new Request('http://localhost' + path, { headers: { accept: 'application/json' } }),
		locals: { user: { user_id: 1, username: 'ann', role: 'compliance' } },
		getClientAddress: () => '127.0.0.1'
	}) as never;

const message = async (r: Response) => ((await r.json()) as { message: string }).message;
const dataRows = async (r: Response) => parseCsv(await r.text()).filter((row) => row.some((c) => c !== '')).length - 1;

describe('an export larger than CUREWISE_MAX_EXPORT_ROWS', () => {
	test('the trail: 400 with the limit and how to narrow it; a narrower export is made', async () => {
		const big = await trailCsv(event('/trail/export.csv'));
		expect(big.status).toBe(400);
		expect(await message(big)).toBe('This CSV would hold more than 3 rows; one holds at most 3. Narrow it with From and To (or an action or a person) and export each part.');
		const narrow = await trailCsv(event('/trail/export.csv?actor=ann'));
		expect(narrow.status).toBe(200);
		expect(await dataRows(narrow)).toBeGreaterThanOrEqual(1);
	});

	test('the findings: 400 with their number, the limit and how to narrow them; a narrower export is made', async () => {
		const big = await findingsCsv(event('/compliance/report.csv'));
		expect(big.status).toBe(400);
		expect(await message(big)).toMatch(/^This CSV would hold [4-9] rows; one holds at most 3\. Narrow it with the filters \(a shorter period, one pack, rule or kind\) and export each part\.$/);
		const narrow = await findingsCsv(event('/compliance/report.csv?from=2026-04-11&to=2026-04-12'));
		expect(narrow.status).toBe(200);
		expect(await dataRows(narrow)).toBeGreaterThanOrEqual(1);
	});

	test('a chart\'s data as CSV (the breakdown by agent): 400; as JSON it is answered', async () => {
		const big = await chartData(event('/overview/data/breakdown?dimension=agent&format=csv', { query: 'breakdown' }));
		expect(big.status).toBe(400);
		expect(await message(big)).toBe('This CSV would hold 4 rows; one holds at most 3. Narrow the period or add a filter.');
		const asJson = await chartData(event('/overview/data/breakdown?dimension=agent&format=json', { query: 'breakdown' }));
		expect(asJson.status).toBe(200);
	});
});
