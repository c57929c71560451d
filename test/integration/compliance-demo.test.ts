/**
 * The demo data's planted contact-rule breaks are found by the audit that runs after the demo's
 * import. The generator marks each planted row in its interaction id (the id is "I" and a key
 * whose last 4 bits say what the row is: 9 a call 1–5 days after a conversation, 10/11/12 a call /
 * SMS / email after an opt-out of that channel, 13 an email after a cease-communication request;
 * src/lib/server/demo/sql.ts), so the test knows which findings must exist without repeating the
 * rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { latestAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let audit: AuditRun;
/** rule id per interaction id, over every finding of the audit */
const rulesOf = new Map<string, Set<string>>();
let counts: Record<string, number> = {};

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 3000, seed: 11, outDir: join(t.dir, 'demo') });
	audit = (await latestAudit(t.store))!;
	const f = await t.store.rows<{ rule_id: string; interaction_ids: string[] }>(
		`SELECT rule_id, interaction_ids FROM compliance_findings WHERE audit_id = $a`,
		{ a: audit.audit_id }
	);
	for (const x of f) {
		counts[x.rule_id] = (counts[x.rule_id] ?? 0) + 1;
		for (const id of x.interaction_ids) {
			if (!rulesOf.has(id)) rulesOf.set(id, new Set());
			rulesOf.get(id)!.add(x.rule_id);
		}
	}
}, 240_000);

afterAll(async () => {
	await t?.close();
});

const plantedKind = (id: string) => Number(BigInt(id.slice(1)) % 16n);

async function planted(kind: number): Promise<string[]> {
	const ids = await t.store.rows<{ id: string }>(`SELECT interaction_id AS id FROM interactions WHERE direction = 'outbound'`);
	return ids.map((r) => r.id).filter((id) => /^I\d+$/.test(id) && plantedKind(id) === kind);
}

/** the ids among these whose interactions.purpose is this */
async function purposeOf(ids: string[], purpose: string): Promise<string[]> {
	const r = await t.store.rows<{ id: string }>(`SELECT interaction_id AS id FROM interactions WHERE purpose = $p`, { p: purpose });
	const set = new Set(ids);
	return r.map((x) => x.id).filter((id) => set.has(id));
}

/** the ids among these whose person's latest earlier contact on the channel was their own inbound one, within this many hours */
async function repliesAmong(ids: string[], hours: number): Promise<string[]> {
	const r = await t.store.rows<{ id: string }>(
		`SELECT i.interaction_id AS id FROM interactions i
		ASOF JOIN interactions p ON p.customer_id = i.customer_id AND p.channel = i.channel AND i.occurred_at > p.occurred_at
		WHERE p.direction = 'inbound' AND i.occurred_at - p.occurred_at <= to_hours($h::BIGINT)`,
		{ h: hours }
	);
	const set = new Set(ids);
	return r.map((x) => x.id).filter((id) => set.has(id));
}

describe('the demo data: planted contact-rule breaks are found', () => {
	it('the audit ran after the import, with every pack', () => {
		expect(audit.trigger).toBe('import');
		expect(audit.packs.map((p) => p.pack_id).sort()).toEqual(['regulation-f', 'us-ma', 'us-nyc', 'us-wa']);
		expect(audit.findings).toBeGreaterThan(0);
	});

	it('every call placed 1–5 days after a conversation is a prong (B) finding', async () => {
		const ids = await planted(9);
		expect(ids.length).toBeGreaterThan(0);
		expect(ids.filter((id) => !rulesOf.get(id)?.has('call_after_conversation'))).toEqual([]);
	});

	it('every contact after an opt-out of its channel is found, except the confirmation of the opt-out (12 CFR 1006.14(h)(2)(ii))', async () => {
		const ids = [...(await planted(10)), ...(await planted(11)), ...(await planted(12))];
		const confirmations = new Set(await purposeOf(ids, 'opt_out_confirmation'));
		expect(ids.length - confirmations.size).toBeGreaterThan(0);
		expect(confirmations.size).toBeGreaterThan(0);
		// (h)(2)(i): a single reply through the channel to the person's own contact through it, within the rule's 24 hours
		const replies = new Set(await repliesAmong(ids, 24));
		expect(ids.filter((id) => !confirmations.has(id) && !replies.has(id) && !rulesOf.get(id)?.has('contact_after_opt_out'))).toEqual([]);
		expect([...replies].filter((id) => rulesOf.get(id)?.has('contact_after_opt_out'))).toEqual([]);
		expect([...confirmations].filter((id) => rulesOf.get(id)?.has('contact_after_opt_out'))).toEqual([]);
	});

	it('every email after a cease-communication request is found, except the notices 12 CFR 1006.6(c)(2) allows', async () => {
		const ids = await planted(13);
		const notices = new Set([
			...(await purposeOf(ids, 'cease_termination_notice')),
			...(await purposeOf(ids, 'cease_remedy_notice')),
			...(await purposeOf(ids, 'cease_remedy_invoked'))
		]);
		expect(ids.length - notices.size).toBeGreaterThan(0);
		expect(notices.size).toBeGreaterThan(0);
		expect(ids.filter((id) => !notices.has(id) && !rulesOf.get(id)?.has('contact_after_cease'))).toEqual([]);
		expect([...notices].filter((id) => rulesOf.get(id)?.has('contact_after_cease'))).toEqual([]);
	});

	it('the rules of docs/compliance-regf-more.md find the demo\'s planted cases: an attorney, repeated location calls, early credit reports', () => {
		for (const rule of ['contact_while_represented', 'repeat_location_inquiry', 'credit_report_before_contact']) {
			expect(counts[rule] ?? 0, rule).toBeGreaterThan(0);
		}
		expect(audit.packs.flatMap((p) => p.not_checked ?? [])).toEqual([]);
	});

	it('the dialer bursts, the early and late contacts, the Massachusetts weeks and the inconvenient times are found', () => {
		for (const rule of ['call_frequency_7_in_7', 'inconvenient_hours', 'ma_two_in_seven', 'person_inconvenient_time']) {
			expect(counts[rule] ?? 0, rule).toBeGreaterThan(0);
		}
	});
});
