/**
 * Local times where the compliance officer reads them (issue 16 items 1 and 3): the account
 * timeline shows each contact at the consumer's address in the zone in force when the contact
 * was made (the zone history, account_zones), not in the zone the account has now, and names that
 * zone; a preference (a ruled-out range, a consent) is shown in the zone in force when it took
 * effect. A real store: the accounts imported with a Los Angeles address, then re-exported with a
 * New York one (the import records the move), the interactions and preferences imported as files.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accountTimeline, type TimelineView } from '../../src/lib/server/compliance/timeline.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
const NOW = new Date('2026-12-01T12:00:00Z');
const ALL_YEAR = { from: '2026-01-01', to: '2026-12-31' };

const contact = (v: TimelineView, id: string) => {
	const c = v.contacts.find((x) => x.interaction_id === id);
	if (!c) throw new Error(`${id} is not on the timeline`);
	return c;
};

beforeAll(async () => {
	t = await tempStore();
	const imp = async (name: string, text: string) => {
		const r = await importFile(t.store, { path: t.file(name, text), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
	};
	await imp('accounts.csv', csv([accountsHeader, accountRow('MV', { customer_id: 'P-MV', region: 'US-CA', timezone: 'America/Los_Angeles' }), accountRow('ST', { customer_id: 'P-ST', region: 'US-CA', timezone: 'America/Los_Angeles' })]));
	await imp(
		'interactions.csv',
		csv([
			interactionsHeader,
			// 4 March, 15:30 UTC: 07:30 in Los Angeles (PST), where the person lived then; 10:30 in New York
			interactionRow('MV-early', 'MV', { customer_id: 'P-MV', occurred_at: '2026-03-04T15:30:00Z', contact_timezone: null }),
			// 12 March, 14:30 UTC: after the move (recorded from 10 March below), 10:30 EDT in New York
			interactionRow('MV-after', 'MV', { customer_id: 'P-MV', occurred_at: '2026-03-12T14:30:00Z', contact_timezone: null }),
			// someone who never moved
			interactionRow('ST-1', 'ST', { customer_id: 'P-ST', occurred_at: '2026-03-04T15:30:00Z', contact_timezone: null })
		])
	);
	await imp(
		'contact_preferences.csv',
		csv([
			['event_id', 'customer_id', 'account_id', 'channel', 'kind', 'effective_at', 'until_at', 'local_start', 'local_end'],
			// set on 2 March at 17:00 UTC: 09:00 PST in Los Angeles (12:00 in New York)
			['E-MV', 'P-MV', 'MV', 'call', 'inconvenient_time', '2026-03-02T17:00:00Z', null, '20:00:00', '09:00:00']
		])
	);
	// the re-export with the New York address: the importer records the move, valid from the import
	await imp('accounts_moved.csv', csv([accountsHeader, accountRow('MV', { customer_id: 'P-MV', region: 'US-NY', timezone: 'America/New_York' })]));
	const history = await t.store.rows<{ timezone: string; first: boolean }>(`SELECT timezone, isinf(valid_from) AS first FROM account_zones WHERE account_id = 'MV' ORDER BY valid_from`);
	expect(history).toEqual([
		{ timezone: 'America/Los_Angeles', first: true },
		{ timezone: 'America/New_York', first: false }
	]);
	// as if the re-export had come on 10 March (the import ran today, after every contact)
	await t.store.rows(`UPDATE account_zones SET valid_from = '2026-03-10T00:00:00Z' WHERE account_id = 'MV' AND timezone = 'America/New_York'`);
}, 120_000);

afterAll(() => t.close());

describe('the timeline of a person who moved from Los Angeles to New York', () => {
	test('an early call before the move shows its Pacific local time, and says the zone', async () => {
		const v = await accountTimeline(t.store, 'P-MV', ALL_YEAR, { now: NOW });
		// the account's zone now is New York's
		expect(v.accounts.find((a) => a.account_id === 'MV')!.timezone).toBe('America/New_York');
		const early = contact(v, 'MV-early');
		expect(early).toMatchObject({ zone: 'America/Los_Angeles', zone_abbr: 'PST', local_date: '2026-03-04', local_time: '07:30:00', local_minute: 7 * 60 + 30 });
		// after the move: New York time (EDT from 8 March)
		expect(contact(v, 'MV-after')).toMatchObject({ zone: 'America/New_York', zone_abbr: 'EDT', local_date: '2026-03-12', local_time: '10:30:00' });
		// the day of the early call lists it at 07:30
		expect(v.days.find((d) => d.date === '2026-03-04')).toBeDefined();
	});

	test('a ruled-out range set before the move is shown in the zone in force then', async () => {
		const v = await accountTimeline(t.store, 'P-MV', ALL_YEAR, { now: NOW });
		const p = v.preferences.find((x) => x.event_id === 'E-MV')!;
		expect(p.zone).toBe('America/Los_Angeles');
		expect(p.effective_local).toMatchObject({ date: '2026-03-02', time: '09:00:00', zone_abbr: 'PST' });
		// the early call, at 07:30 where the person was, falls in the ruled-out 20:00–09:00 of its date
		const day = v.days.find((d) => d.date === '2026-03-04')!;
		const early = contact(v, 'MV-early');
		expect(day.bands.some((b) => b.event_id === 'E-MV' && b.from_minute <= early.local_minute && early.local_minute < b.to_minute)).toBe(true);
	});

	test('a person who never moved is shown in their one zone', async () => {
		const v = await accountTimeline(t.store, 'P-ST', ALL_YEAR, { now: NOW });
		expect(contact(v, 'ST-1')).toMatchObject({ zone: 'America/Los_Angeles', zone_abbr: 'PST', local_time: '07:30:00' });
	});
});
