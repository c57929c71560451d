/**
 * The incremental refresh of the KPI summary tables: after imports of new days and of
 * corrections (replaced rows: an interaction moved to another day and account, an episode cured,
 * an account closed, a new account), the refresh that takes in only what they touched must leave
 * every summary table exactly as a full rebuild does, and the Overview's numbers as the raw
 * tables give them. An import that renumbers what every table carries (experiment assignments,
 * an account's attributes) rebuilds whole, and says why.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { freshSummaries, refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { dataAsOf } from '../../src/lib/server/kpi/as-of.ts';
import { kpiSummary } from '../../src/lib/server/kpi/values.ts';
import { tableDef, type TableName } from '../../src/lib/contract.ts';
import { tempStore, type TempStore } from '../support/store.ts';
import { expectSameKpis } from '../support/kpi.ts';

let t: TempStore;

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 1500, seed: 23, outDir: join(t.dir, 'demo') });
}, 120_000);
afterAll(() => t.close());

/** every summary table, in an order and form that does not depend on how it was built (ak numbers accounts in either order) */
const CANONICAL: Record<string, string> = {
	kpi_arms: 'SELECT * FROM kpi_arms ORDER BY ALL',
	kpi_accounts: 'SELECT * EXCLUDE (ak) FROM kpi_accounts ORDER BY ALL',
	kpi_episodes: 'SELECT * EXCLUDE (ak) FROM kpi_episodes ORDER BY ALL',
	kpi_account_weeks: 'SELECT * EXCLUDE (ak) FROM kpi_account_weeks ORDER BY ALL',
	kpi_account_contacts: 'SELECT c.* EXCLUDE (ak), k.account_id FROM kpi_account_contacts c JOIN kpi_accounts k USING (ak) ORDER BY ALL',
	kpi_contact_combo_days: 'SELECT * FROM kpi_contact_combo_days ORDER BY ALL',
	kpi_contact_days: 'SELECT * FROM kpi_contact_days ORDER BY ALL',
	kpi_contact_weeks: 'SELECT * FROM kpi_contact_weeks ORDER BY ALL',
	kpi_attribute_weeks: 'SELECT * FROM kpi_attribute_weeks ORDER BY ALL',
	kpi_episode_contacts: 'SELECT * EXCLUDE (ak) FROM kpi_episode_contacts ORDER BY ALL',
	// a combination of a replaced interaction that no longer occurs may stay: it selects no row
	kpi_contact_combos: 'SELECT * FROM kpi_contact_combos WHERE combo IN (SELECT combo FROM kpi_contact_combo_days) ORDER BY ALL',
	kpi_events: 'SELECT * EXCLUDE (ak) FROM kpi_events ORDER BY ALL',
	kpi_filter_values: 'SELECT * FROM kpi_filter_values ORDER BY ALL'
};

async function snapshot(): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const [name, sql] of Object.entries(CANONICAL)) out[name] = JSON.stringify(await t.store.rows(sql), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
	return out;
}

/** after an incremental refresh: a full rebuild must give the same tables, row for row */
async function expectSameAsFullRebuild() {
	const incremental = await snapshot();
	const full = await refreshSummaries(t.store, { full: true });
	expect(full?.mode).toBe('full');
	const rebuilt = await snapshot();
	for (const name of Object.keys(CANONICAL)) {
		if (incremental[name] !== rebuilt[name]) {
			const a = JSON.parse(incremental[name]!) as unknown[];
			const b = JSON.parse(rebuilt[name]!) as unknown[];
			const sa = new Set(a.map((r) => JSON.stringify(r)));
			const sb = new Set(b.map((r) => JSON.stringify(r)));
			const onlyInc = a.filter((r) => !sb.has(JSON.stringify(r))).slice(0, 3);
			const onlyFull = b.filter((r) => !sa.has(JSON.stringify(r))).slice(0, 3);
			expect({ table: name, rows: a.length, only_incremental: onlyInc, only_full: onlyFull }).toEqual({ table: name, rows: b.length, only_incremental: [], only_full: [] });
		}
	}
}

/**
 * Writes a CSV of table's contract columns from `select` (a query over the table aliased x that
 * names every column; timestamps and dates are written as ISO text) and imports it.
 */
async function importRows(table: TableName, over: Record<string, string>, where: string, name: string) {
	const cols = tableDef(table).columns;
	const select = cols
		.map((c) => {
			const v = over[c.name] ?? `x.${c.name}`;
			if (c.type === 'timestamptz') return `strftime(timezone('UTC', ${v}), '%Y-%m-%dT%H:%M:%S') || '+00:00' AS ${c.name}`;
			if (c.type === 'date') return `strftime(${v}, '%Y-%m-%d') AS ${c.name}`;
			return `${v} AS ${c.name}`;
		})
		.join(', ');
	const path = join(t.dir, `${name}.csv`);
	await t.store.rows(`COPY (SELECT ${select} FROM ${table} x WHERE ${where} ORDER BY ALL) TO '${path}' (HEADER, DELIMITER ',')`);
	const r = await importFile(t.store, { path, table, source: 'cli' });
	expect(r.status, `${name}: ${r.error ?? ''}`).toBe('imported');
	return r;
}

const views = [
	{ from: '2026-04-02', to: '2026-07-02' },
	{ from: '2026-06-01', to: '2026-07-02', channel: 'call' as const },
	{ from: '2026-05-11', to: '2026-07-02', segment: 'retail' as const, tone: 'supportive' as const },
	{ from: '2025-12-01', to: '2026-03-31', vulnerable: true }
];

async function expectSummaryEqualsRaw() {
	for (const v of views) {
		const s = await kpiSummary(t.store, v);
		const r = await kpiSummary(t.store, v, { source: 'raw' });
		expect(s.source, JSON.stringify(v)).toBe('summary');
		expectSameKpis(s.kpis, r.kpis, JSON.stringify(v));
	}
}

describe('the incremental refresh after an import', () => {
	test('one new day of interactions and payments: only the accounts and days touched, the same tables as a full rebuild', async () => {
		const before = (await dataAsOf(t.store))!;
		const r1 = await importRows('interactions', { interaction_id: `x.interaction_id || '-d1'`, occurred_at: `x.occurred_at + INTERVAL 1 DAY` }, `x.occurred_at > (SELECT max(occurred_at) FROM interactions) - INTERVAL 1 DAY`, 'day-interactions');
		const r2 = await importRows('payments', { payment_id: `x.payment_id || '-d1'`, paid_at: `x.paid_at + INTERVAL 1 DAY` }, `x.paid_at > (SELECT max(paid_at) FROM payments) - INTERVAL 2 DAY`, 'day-payments');
		// and two complaints of the day (the events table takes them in)
		await importRows('complaints', { complaint_id: `x.complaint_id || '-d1'`, received_at: `x.received_at + INTERVAL 1 DAY` }, `x.complaint_id IN (SELECT complaint_id FROM complaints ORDER BY received_at DESC LIMIT 2)`, 'day-complaints');
		expect(r1.rows_inserted).toBeGreaterThan(0);
		expect(r2.rows_inserted).toBeGreaterThan(0);
		expect(await freshSummaries(t.store)).toBeNull();
		const refresh = await refreshSummaries(t.store);
		expect(refresh?.mode).toBe('incremental');
		expect(refresh!.as_of > before).toBe(true);
		expect(refresh!.touched!.accounts).toBeGreaterThan(0);
		expect(refresh!.touched!.accounts).toBeLessThan(1500 / 4);
		expect(refresh!.steps['summary/refresh_as_of']).toBeGreaterThanOrEqual(0); // the as-of date moved: the open episodes judged again
		expect(await freshSummaries(t.store)).toEqual({ as_of: refresh!.as_of });
		// the rows appended out of order are counted (past a share of the table, the next refresh is full)
		const [{ appended }] = (await t.store.rows<{ appended: number }>('SELECT appended_rows AS appended FROM kpi_summary_state')) as [{ appended: number }];
		expect(appended).toBeGreaterThan(0);
		await expectSummaryEqualsRaw();
		await expectSameAsFullRebuild();
	}, 120_000);

	test('responses and contacts that come late: a call back after an episode ended answers its last contact, a contact dated back is numbered in its place', async () => {
		// a cured episode with fewer than 15 contacts, of an account with one episode and no response
		// in the 72 hours after 23:00 on the day of the cure
		const [e] = await t.store.rows<{ episode_id: string; account_id: string; customer_id: string; cured_on: string }>(
			`SELECT e.episode_id, e.account_id, a.customer_id, strftime(e.cured_on, '%Y-%m-%d') AS cured_on
			 FROM kpi_episodes e JOIN accounts a USING (account_id)
			 WHERE e.cured_on IS NOT NULL AND e.cured_on + 5 <= (SELECT max(occurred_at)::DATE FROM interactions)
				AND e.account_id IN (SELECT account_id FROM kpi_episodes GROUP BY 1 HAVING count(*) = 1)
				AND (SELECT count(*) FROM kpi_episode_contacts c WHERE c.episode_id = e.episode_id) BETWEEN 1 AND 13
				AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = e.account_id AND p.status = 'settled' AND p.paid_at BETWEEN e.cured_on + INTERVAL 23 HOUR AND e.cured_on + INTERVAL 95 HOUR)
				AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = e.account_id AND i.occurred_at BETWEEN e.cured_on + INTERVAL 23 HOUR AND e.cured_on + INTERVAL 95 HOUR
					AND (i.direction = 'inbound' OR i.outcome IN ('clicked', 'replied')))
			 ORDER BY e.episode_id LIMIT 1`
		);
		expect(e).toBeTruthy();
		const contacts = async () =>
			t.store.rows<{ n: number; responded: boolean }>(`SELECT contact_number::INTEGER AS n, responded FROM kpi_episode_contacts WHERE episode_id = '${e!.episode_id}' ORDER BY 1 DESC LIMIT 1`);
		const before = (await contacts())[0]!.n;
		const outbound = `x.interaction_id = (SELECT min(interaction_id) FROM interactions WHERE direction = 'outbound' AND channel = 'call' AND outcome = 'no_answer')`;
		const inbound = `x.interaction_id = (SELECT min(interaction_id) FROM interactions WHERE direction = 'inbound')`;
		const who = { account_id: `'${e!.account_id}'`, customer_id: `'${e!.customer_id}'` };
		// an unanswered call late on the day of the cure: the episode's last contact
		await importRows('interactions', { interaction_id: `'ZZ-LAST-CALL'`, ...who, occurred_at: `TIMESTAMPTZ '${e!.cured_on} 23:00:00+00'` }, outbound, 'last-call');
		expect((await refreshSummaries(t.store))?.mode).toBe('incremental');
		expect(await contacts()).toEqual([{ n: before + 1, responded: false }]);
		// the customer calls back the next day, 23 hours later: the call is answered
		await importRows('interactions', { interaction_id: `'ZZ-CALL-BACK'`, ...who, occurred_at: `TIMESTAMPTZ '${e!.cured_on} 23:00:00+00' + INTERVAL 23 HOUR` }, inbound, 'call-back');
		expect((await refreshSummaries(t.store))?.mode).toBe('incremental');
		expect(await contacts()).toEqual([{ n: before + 1, responded: true }]);
		// a contact that arrives late, dated between an open episode's first and last contacts: the
		// episode's contacts are numbered again
		const [o] = await t.store.rows<{ episode_id: string; account_id: string; customer_id: string; n: number; at: string }>(
			`SELECT c.episode_id, e.account_id, a.customer_id, count(*)::INTEGER AS n, strftime(max(c.occurred_at) - INTERVAL 1 MINUTE, '%Y-%m-%d %H:%M:%S') AS at
			 FROM kpi_episode_contacts c JOIN kpi_episodes e USING (episode_id) JOIN accounts a USING (account_id)
			 WHERE e.cured_on IS NULL AND e.charged_off_on IS NULL
				AND e.account_id IN (SELECT account_id FROM kpi_episodes GROUP BY 1 HAVING count(*) = 1)
			 GROUP BY ALL HAVING count(*) BETWEEN 3 AND 14 AND min(c.occurred_at)::DATE < max(c.occurred_at)::DATE - 1
			 ORDER BY c.episode_id LIMIT 1`
		);
		expect(o).toBeTruthy();
		await importRows('interactions', { interaction_id: `'ZZ-LATE-CALL'`, account_id: `'${o!.account_id}'`, customer_id: `'${o!.customer_id}'`, occurred_at: `TIMESTAMPTZ '${o!.at}+00'` }, outbound, 'late-call');
		const r = await refreshSummaries(t.store);
		expect(r?.mode).toBe('incremental');
		expect(await t.store.rows(`SELECT count(*)::INTEGER AS n FROM kpi_episode_contacts WHERE episode_id = '${o!.episode_id}'`)).toEqual([{ n: o!.n + 1 }]);
		await expectSameAsFullRebuild();
	}, 120_000);

	test('a contact dated back raises the pressure of the contacts and the complaint of the 7 days after it, in the next week too', async () => {
		// an account whose contact early in a week had none in the 7 days before (pressure 0): a
		// contact late on the Sunday before puts it at 1, in a week the import did not touch
		const [a] = await t.store.rows<{ account_id: string; customer_id: string; at: string }>(
			`WITH o AS (
				SELECT account_id, occurred_at, count(*) OVER (PARTITION BY account_id ORDER BY occurred_at RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING) AS prior
				FROM interactions WHERE direction = 'outbound'
			 )
			 SELECT o.account_id, a.customer_id, strftime(date_trunc('week', min(o.occurred_at)) - INTERVAL 1 HOUR, '%Y-%m-%d %H:%M:%S') AS at
			 FROM o JOIN accounts a USING (account_id)
			 WHERE o.prior = 0 AND isodow(o.occurred_at::DATE) <= 2 AND o.occurred_at < (SELECT max(occurred_at) FROM interactions) - INTERVAL 21 DAY
			 GROUP BY ALL ORDER BY 1 LIMIT 1`
		);
		// a complaint received with 0, 1, 2, 4 or 7 contacts in the 7 days before (the last of a
		// bucket): a contact an hour before puts it in the next bucket
		const [k] = await t.store.rows<{ complaint_id: string; account_id: string; customer_id: string; at: string; pressure: number }>(
			`SELECT k.complaint_id, k.account_id, a.customer_id, strftime(k.received_at - INTERVAL 1 HOUR, '%Y-%m-%d %H:%M:%S') AS at, e.pressure::INTEGER AS pressure
			 FROM kpi_events e JOIN complaints k ON k.complaint_id = e.event_id JOIN accounts a ON a.account_id = k.account_id
			 WHERE e.kind = 'complaint' AND (SELECT count(*) FROM interactions i WHERE i.account_id = k.account_id AND i.direction = 'outbound'
				AND i.occurred_at >= k.received_at - INTERVAL 7 DAY AND i.occurred_at < k.received_at) IN (0, 1, 2, 4, 7)
			 ORDER BY 1 LIMIT 1`
		);
		expect(a, 'an account with a contact of pressure 0 early in a week').toBeTruthy();
		expect(k, 'a complaint at the end of a bucket').toBeTruthy();
		const outbound = `x.interaction_id = (SELECT min(interaction_id) FROM interactions WHERE direction = 'outbound' AND channel = 'call' AND outcome = 'no_answer')`;
		await importRows('interactions', { interaction_id: `'ZZ-SUNDAY'`, account_id: `'${a!.account_id}'`, customer_id: `'${a!.customer_id}'`, occurred_at: `TIMESTAMPTZ '${a!.at}+00'` }, outbound, 'sunday-call');
		await importRows('interactions', { interaction_id: `'ZZ-BEFORE-COMPLAINT'`, account_id: `'${k!.account_id}'`, customer_id: `'${k!.customer_id}'`, occurred_at: `TIMESTAMPTZ '${k!.at}+00'` }, outbound, 'complaint-call');
		const r = await refreshSummaries(t.store);
		expect(r?.mode).toBe('incremental');
		expect(await t.store.rows(`SELECT pressure::INTEGER AS p FROM kpi_events WHERE event_id = '${k!.complaint_id}'`)).toEqual([{ p: k!.pressure + 1 }]);
		await expectSameAsFullRebuild();
	}, 120_000);

	test('corrections (replaced rows) and new accounts: an interaction moved to another day and account, an episode cured, an account closed', async () => {
		// an older outbound interaction moved a month later and to another account; another moved to another week
		const [a, b] = await t.store.rows<{ interaction_id: string; account_id: string }>(
			`SELECT interaction_id, account_id FROM interactions WHERE direction = 'outbound' AND occurred_at < DATE '2026-05-01' ORDER BY interaction_id LIMIT 2`
		);
		const [other] = await t.store.rows<{ account_id: string; customer_id: string }>(`SELECT account_id, customer_id FROM accounts WHERE account_id <> '${a!.account_id}' ORDER BY account_id LIMIT 1`);
		await importRows(
			'interactions',
			{
				account_id: `CASE WHEN x.interaction_id = '${a!.interaction_id}' THEN '${other!.account_id}' ELSE x.account_id END`,
				customer_id: `CASE WHEN x.interaction_id = '${a!.interaction_id}' THEN '${other!.customer_id}' ELSE x.customer_id END`,
				occurred_at: `x.occurred_at + INTERVAL 31 DAY`
			},
			`x.interaction_id IN ('${a!.interaction_id}', '${b!.interaction_id}')`,
			'moved-interactions'
		);
		const asOf = (await dataAsOf(t.store))!;
		// an open episode cured on the as-of date; an account with a cured episode closed by the customer
		await importRows('delinquencies', { cured_on: `DATE '${asOf}'` }, `x.episode_id = (SELECT min(episode_id) FROM delinquencies WHERE cured_on IS NULL AND charged_off_on IS NULL)`, 'cured');
		await importRows(
			'accounts',
			{ closed_on: `DATE '${asOf}'`, closed_reason: `'customer_left'` },
			`x.account_id = (SELECT min(account_id) FROM delinquencies WHERE cured_on IS NOT NULL) AND x.closed_on IS NULL`,
			'closed'
		);
		// a new account (a copy of an existing one) with its episodes and interactions
		const [src] = await t.store.rows<{ account_id: string }>(`SELECT min(account_id) AS account_id FROM delinquencies`);
		await importRows('accounts', { account_id: `'ZZ-NEW-1'`, customer_id: `'ZZ-C-1'` }, `x.account_id = '${src!.account_id}'`, 'new-account');
		await importRows('delinquencies', { episode_id: `x.episode_id || '-new'`, account_id: `'ZZ-NEW-1'` }, `x.account_id = '${src!.account_id}'`, 'new-episodes');
		await importRows(
			'interactions',
			{ interaction_id: `x.interaction_id || '-new'`, account_id: `'ZZ-NEW-1'`, customer_id: `'ZZ-C-1'` },
			`x.account_id = '${src!.account_id}'`,
			'new-interactions'
		);
		// new interactions that change episodes' facts: the first contact of an episode not contacted
		// yet (on the as-of date), and a conversation dated back into a cured episode that had none
		const [open] = await t.store.rows<{ account_id: string; customer_id: string }>(
			`SELECT e.account_id, a.customer_id FROM kpi_episodes e JOIN accounts a USING (account_id)
			 WHERE e.contacted_on IS NULL AND e.cured_on IS NULL AND e.charged_off_on IS NULL ORDER BY e.episode_id LIMIT 1`
		);
		const [cured] = await t.store.rows<{ account_id: string; customer_id: string; cured_on: unknown }>(
			`SELECT e.account_id, a.customer_id, e.cured_on FROM kpi_episodes e JOIN accounts a USING (account_id)
			 WHERE e.cured_on IS NOT NULL AND e.contacted_on < e.cured_on AND NOT e.conversation_before_cure
				AND e.account_id IN (SELECT account_id FROM kpi_episodes GROUP BY 1 HAVING count(*) = 1) ORDER BY e.episode_id DESC LIMIT 1`
		);
		expect(open && cured).toBeTruthy();
		const template = `x.interaction_id = (SELECT min(interaction_id) FROM interactions WHERE direction = 'outbound' AND channel = 'call')`;
		await importRows(
			'interactions',
			{ interaction_id: `'ZZ-FIRST-CONTACT'`, account_id: `'${open!.account_id}'`, customer_id: `'${open!.customer_id}'`, occurred_at: `TIMESTAMPTZ '${asOf} 15:00:00+00'` },
			template,
			'first-contact'
		);
		const curedOn = cured!.cured_on instanceof Date ? cured!.cured_on.toISOString().slice(0, 10) : String(cured!.cured_on);
		await importRows(
			'interactions',
			{ interaction_id: `'ZZ-CONVERSATION'`, account_id: `'${cured!.account_id}'`, customer_id: `'${cured!.customer_id}'`, occurred_at: `TIMESTAMPTZ '${curedOn} 15:00:00+00'`, outcome: `'conversation'` },
			template,
			'conversation'
		);
		const refresh = await refreshSummaries(t.store);
		expect(refresh?.mode).toBe('incremental');
		expect(await t.store.rows(`SELECT count(*) AS n FROM kpi_replaced_rows`)).toEqual([{ n: 0 }]); // taken in
		// the two episodes' facts changed
		expect(await t.store.rows(`SELECT contacted_on IS NOT NULL AS contacted FROM kpi_episodes WHERE account_id = '${open!.account_id}' AND cured_on IS NULL ORDER BY episode_id LIMIT 1`)).toEqual([{ contacted: true }]);
		expect(await t.store.rows(`SELECT bool_or(conversation_before_cure) AS c FROM kpi_episodes WHERE account_id = '${cured!.account_id}'`)).toEqual([{ c: true }]);
		await expectSummaryEqualsRaw();
		await expectSameAsFullRebuild();
	}, 120_000);

	test('an account that changes segment, or new experiment assignments, rebuild the tables whole and say why', async () => {
		await importRows('accounts', { segment: `CASE WHEN x.segment = 'retail' THEN 'sme' ELSE 'retail' END` }, `x.account_id = (SELECT min(account_id) FROM accounts)`, 'segment');
		const r1 = await refreshSummaries(t.store);
		expect(r1?.mode).toBe('full');
		expect(r1?.reason).toMatch(/1 accounts changed segment/);
		// many rows appended out of order since the last full rebuild: the next refresh writes them in order
		await t.store.rows('UPDATE kpi_summary_state SET appended_rows = (SELECT count(*) FROM kpi_account_contacts)');
		await importRows('payments', { payment_id: `x.payment_id || '-again'` }, `x.rowid < 3`, 'more-payments');
		expect(await refreshSummaries(t.store)).toMatchObject({ mode: 'full', reason: expect.stringMatching(/contact rows added out of order since the last full rebuild/) });
		expect(await t.store.rows('SELECT appended_rows AS n FROM kpi_summary_state')).toEqual([{ n: 0 }]);
		await importRows('experiment_assignments', { experiment_id: `'imported-test'` }, `x.rowid < 5`, 'assignments');
		const r2 = await refreshSummaries(t.store);
		expect(r2).toMatchObject({ mode: 'full', reason: 'experiment assignments changed' });
		await expectSummaryEqualsRaw();
	}, 120_000);
});
