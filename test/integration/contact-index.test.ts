/**
 * The contact index the compliance audit reads (migration 9, compliance/contact-index.ts), on a
 * real store through real imports: built by the first audit, appended with the interactions of a
 * later import, rebuilt when an import changed interactions or accounts in place; its findings
 * are those of an index built from scratch.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runAudit } from '../../src/lib/server/compliance/audit.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

/** a call to A1 (New York address, no contact-point zone) at a local New York time on a March date */
const call = (id: string, at: string) => interactionRow(id, 'A1', { occurred_at: at, contact_timezone: null });
const importRows = (name: string, header: string[], rows: (string | number | null)[][]) => importFile(t.store, { path: t.file(name, csv([header, ...rows])), source: 'cli' });

/** the latest audit's time-of-day findings, as their interaction ids */
async function lateOrEarly(auditId: number): Promise<string[]> {
	const r = await t.store.rows<{ id: string }>(
		`SELECT interaction_ids[1] AS id FROM compliance_findings WHERE audit_id = $a AND rule_type = 'time_of_day' ORDER BY 1`,
		{ a: auditId }
	);
	return r.map((x) => x.id);
}
const indexRows = async () =>
	(await t.store.rows<{ n: number; rids: number; interactions: number }>(
		`SELECT count(*) AS n, count(DISTINCT rid) AS rids, (SELECT count(*) FROM interactions) AS interactions FROM contact_index`
	))[0]!;

test('built by the first audit, appended by the next, rebuilt after in-place changes; findings as if built from scratch', async () => {
	await importRows('accounts.csv', accountsHeader, [accountRow('A1'), accountRow('A2')]);
	await importRows('interactions.csv', interactionsHeader, [call('I1', '2026-03-02T14:05:00-05:00'), call('I2', '2026-03-03T21:30:00-05:00')]);

	const first = await runAudit(t.store, { trigger: 'cli' });
	expect(first.index).toEqual({ mode: 'rebuild', rows: 2, reason: 'no index yet' });
	expect(await lateOrEarly(first.audit_id)).toEqual(['I2']);

	// nothing new: the index is current
	const again = await runAudit(t.store, { trigger: 'cli' });
	expect(again.index).toEqual({ mode: 'current', rows: 0 });
	expect(await lateOrEarly(again.audit_id)).toEqual(['I2']);

	// a later import of new interactions: appended
	await importRows('interactions_2.csv', interactionsHeader, [call('I3', '2026-03-04T22:00:00-05:00'), interactionRow('I4', 'A2', { occurred_at: '2026-03-04T07:59:59-05:00' })]);
	const appended = await runAudit(t.store, { trigger: 'cli' });
	expect(appended.index).toEqual({ mode: 'append', rows: 2 });
	expect(await lateOrEarly(appended.audit_id)).toEqual(['I2', 'I3', 'I4']);
	expect(await indexRows()).toEqual({ n: 4, rids: 4, interactions: 4 });

	// the same findings from an index built from scratch (an index whose origin is not recorded, as
	// one made by an earlier version: migration 11)
	await t.store.rows(`DELETE FROM contact_index_state`);
	const scratch = await runAudit(t.store, { trigger: 'cli' });
	expect(scratch.index).toEqual({ mode: 'rebuild', rows: 4, reason: 'the index was made by an earlier version' });
	expect(await lateOrEarly(scratch.audit_id)).toEqual(await lateOrEarly(appended.audit_id));
	expect(scratch.findings).toBe(appended.findings);

	// an interaction changed in place (moved to 07:00): rebuilt, and the change is seen
	const changed = await importRows('interactions_3.csv', interactionsHeader, [call('I1', '2026-03-02T07:00:00-05:00')]);
	expect(changed.rows_updated).toBe(1);
	const rebuilt = await runAudit(t.store, { trigger: 'cli' });
	expect(rebuilt.index).toEqual({ mode: 'rebuild', rows: 4, reason: 'an import changed interactions or accounts in place' });
	expect(await lateOrEarly(rebuilt.audit_id)).toEqual(['I1', 'I2', 'I3', 'I4']);
	expect(await indexRows()).toEqual({ n: 4, rids: 4, interactions: 4 });

	// an account moved to another zone after the calls: the index is rebuilt, and each call is still
	// judged in the zone the account had when it was made (New York), not the new one (Los Angeles,
	// where 21:30 and 22:00 would be 18:30 and 19:00): a past violation does not disappear
	// (12 CFR 1006.6(b)(1)(i): the consumer's location at the time of the communication)
	await importRows('accounts_2.csv', accountsHeader, [accountRow('A1', { timezone: 'America/Los_Angeles' })]);
	const moved = await runAudit(t.store, { trigger: 'cli' });
	expect(moved.index?.mode).toBe('rebuild');
	expect(await lateOrEarly(moved.audit_id)).toEqual(['I1', 'I2', 'I3', 'I4']);
});

test('an audit of a period reads only the index rows around it', async () => {
	await importRows('accounts.csv', accountsHeader, [accountRow('A1')]);
	await importRows('interactions.csv', interactionsHeader, [call('I1', '2026-03-02T21:30:00-05:00'), call('I2', '2026-05-02T21:30:00-04:00')]);
	const may = await runAudit(t.store, { trigger: 'cli', from: '2026-05-01', to: '2026-05-31' });
	expect(may.index?.mode).toBe('rebuild');
	expect(may.contacts).toBe(1);
	expect(await lateOrEarly(may.audit_id)).toEqual(['I2']);
});

test('written in order of channel, region and person, so that a scan can skip the row groups a rule cannot count', async () => {
	await importRows('accounts.csv', accountsHeader, [accountRow('A1', { region: 'US-NY' }), accountRow('A2', { region: 'US-MA' })]);
	// imported interleaved: an SMS, a call, an email, a call to another region's account, a letter
	const at = (h: number) => `2026-03-02T${String(h).padStart(2, '0')}:00:00-05:00`;
	await importRows('interactions.csv', interactionsHeader, [
		interactionRow('I1', 'A1', { occurred_at: at(9), channel: 'sms', outcome: 'delivered' }),
		interactionRow('I2', 'A2', { occurred_at: at(10) }),
		interactionRow('I3', 'A1', { occurred_at: at(11), channel: 'email', outcome: 'delivered' }),
		interactionRow('I4', 'A1', { occurred_at: at(12) }),
		interactionRow('I5', 'A2', { occurred_at: at(13), channel: 'letter', outcome: 'sent' })
	]);
	await runAudit(t.store, { trigger: 'cli' });
	const order = await t.store.rows<{ channel: string; code: number; rg: number }>(
		`SELECT channel::VARCHAR AS channel, enum_code(channel)::INTEGER AS code, rg::INTEGER AS rg FROM contact_index ORDER BY rowid`
	);
	expect(order).toEqual([...order].sort((a, b) => a.code - b.code || a.rg - b.rg));
	expect(new Set(order.filter((o) => o.channel === 'call').map((o) => o.rg)).size).toBe(2);
	expect(order.map((o) => o.channel)).toEqual(['call', 'call', 'sms', 'email', 'letter']);
});
