/**
 * The read side of the compliance audit (src/lib/server/compliance/findings.ts) on a real
 * DuckDB store: a few people and debts whose contacts break known rules, one real audit
 * (runAudit), then the overview's counts by rule, pack and dimension, the findings per 10,000
 * contacts against contacts counted here by hand, the filters, paging and sort, the CSV (header,
 * escaping, every row), the pack versions used against those in force, the run from the page
 * (trail), and bad filter values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTrail } from '../../src/lib/server/trail/trail.ts';
import { csvCell } from '../../src/lib/server/csv.ts';
import { runAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { pickAudit } from '../../src/lib/server/compliance/findings/audits.ts';
import { auditContacts } from '../../src/lib/server/compliance/findings/cache.ts';
import { CSV_COLUMNS, findingsCsv } from '../../src/lib/server/compliance/findings/csv.ts';
import { findingsFilterSchema, parseFindingsFilter, type FindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { auditPacks, packVersionsVsCurrent } from '../../src/lib/server/compliance/findings/packs.ts';
import { runAuditFromPage } from '../../src/lib/server/compliance/findings/pages.ts';
import { complianceOverview, findingsCounts, findingsPage } from '../../src/lib/server/compliance/findings/query.ts';
import { currentPacks, savePack } from '../../src/lib/server/compliance/pack-store.ts';
import { tempStore, type TempStore } from '../support/store.ts';
import { parseCsv } from '../support/csv.ts';

let t: TempStore;
let run: AuditRun;
let seq = 0;
const accounts: unknown[][] = [];
const interactions: unknown[][] = [];
/** every outbound interaction inserted: the contacts, counted by hand */
const outbound: { acct: string; channel: string; date: string; agent: string | null; template: string | null; exp: string | null; arm: string | null; region: string }[] = [];
const regionOf: Record<string, string> = {};

function account(id: string, cust: string, region: string, zone: string) {
	regionOf[id] = region;
	accounts.push([id, cust, 'retail', 'card', region, zone, '2025-01-01', 'USD', null, false, null, null, null, 0, null]); // ..., extra, import_batch_id, locality
}
interface Contact {
	acct: string;
	channel?: string;
	direction?: string;
	outcome?: string;
	agent?: string | null;
	template?: string | null;
	exp?: string | null;
	arm?: string | null;
	id?: string;
}
/** one interaction at a local date and time written with its offset (the local date is the date written) */
function contact(date: string, time: string, offset: string, c: Contact): string {
	const id = c.id ?? `${c.acct}-${++seq}`;
	const channel = c.channel ?? 'call';
	const direction = c.direction ?? 'outbound';
	interactions.push([id, c.acct, 'C-' + c.acct, 'consumer', channel, direction, `${date}T${time}${offset}`, c.outcome ?? 'no_answer', 'P-' + c.acct, null,
		c.template ?? null, null, c.exp ?? null, c.arm ?? null, c.agent === undefined ? 'AG1' : c.agent, null, 0, null]); // ..., extra, import_batch_id, purpose (migration 20)
	if (direction === 'outbound')
		outbound.push({ acct: c.acct, channel, date, agent: c.agent === undefined ? 'AG1' : c.agent, template: c.template ?? null, exp: c.exp ?? null, arm: c.arm ?? null, region: regionOf[c.acct]! });
	return id;
}
// Phoenix: UTC-7 all year; New York: EDT (UTC-4) in April, EST (UTC-5) in early March
const AZ = '-07:00';

const filter = (f: Partial<FindingsFilter> = {}): FindingsFilter => findingsFilterSchema.parse({ ...f });
const per10k = (n: number, d: number) => (n / d) * 10_000;
const countWhere = (pred: (o: (typeof outbound)[number]) => boolean) => outbound.filter(pred).length;

beforeAll(async () => {
	t = await tempStore();

	// F1 (Arizona): 8 calls on 7 dates, 2–8 Mar 2026, by agent AG7 with template T-call -> Regulation F (A)
	account('F1', 'C-F1', 'US-AZ', 'America/Phoenix');
	for (const [d, n] of [['02', 2], ['03', 1], ['04', 1], ['05', 1], ['06', 1], ['07', 1], ['08', 1]] as const)
		for (let k = 0; k < n; k++) contact(`2026-03-${d}`, k ? '15:00:00' : '10:00:00', AZ, { acct: 'F1', agent: 'AG7', template: 'T-call' });
	// ... and one call at 06:30 local on 15 Apr, whose id looks like a formula and holds a comma and a quote -> time of day
	contact('2026-04-15', '06:30:00', AZ, { acct: 'F1', agent: 'AG7', template: 'T-call', id: '=F1,"early"' });

	// M1 (Massachusetts, New York time): 3 calls that reached voicemail in 7 days -> the Massachusetts pack, no Regulation F (A)
	account('M1', 'C-M1', 'US-MA', 'America/New_York');
	for (const d of ['2026-04-06', '2026-04-07', '2026-04-08']) contact(d, '11:00:00', '-04:00', { acct: 'M1', outcome: 'voicemail_no_message', agent: 'AG2' });
	// ... and an SMS at 22:10 local, sent by an experiment arm -> time of day
	contact('2026-04-20', '22:10:00', '-04:00', { acct: 'M1', channel: 'sms', outcome: 'delivered', agent: null, template: 'T-sms', exp: 'exp1', arm: 'treat' });

	// Q1 (Arizona): quiet contacts that break nothing, in the control arm
	account('Q1', 'C-Q1', 'US-AZ', 'America/Phoenix');
	for (const d of ['2026-03-10', '2026-03-17', '2026-03-24', '2026-04-01', '2026-04-09']) contact(d, '12:00:00', AZ, { acct: 'Q1', channel: 'email', outcome: 'delivered', agent: null, template: 'T-mail', exp: 'exp1', arm: 'control' });
	// an inbound call is not a contact
	contact('2026-03-11', '12:00:00', AZ, { acct: 'Q1', direction: 'inbound', outcome: 'conversation' });

	const c = await t.store.conn();
	for (const [table, data] of [['accounts', accounts], ['interactions', interactions]] as const)
		for (const r of data) await c.run(`INSERT INTO ${table} VALUES (${r.map((_, i) => '$' + (i + 1)).join(', ')})`, r as never);
	run = await runAudit(t.store, { trigger: 'manual', runBy: 'tester' });
}, 120_000);

afterAll(async () => {
	await t?.close();
});

/** the audit's findings, read straight from the table */
const stored = () =>
	t.store.rows<{ finding_id: number; pack_id: string; rule_id: string; kind: string; customer_id: string; account_id: string; channel: string; local_date: string; agent_id: string | null; template_id: string | null; experiment_id: string | null; variant: string | null }>(
		`SELECT finding_id, pack_id, rule_id, kind, customer_id, account_id, channel, local_date::VARCHAR AS local_date, agent_id, template_id, experiment_id, variant
		 FROM compliance_findings WHERE audit_id = $a ORDER BY finding_id`,
		{ a: run.audit_id }
	);

describe('the audit picked by the pages', () => {
	it('is the latest finished audit, or the one asked for; a missing one is a clear 404', async () => {
		expect((await pickAudit(t.store))?.audit_id).toBe(run.audit_id);
		expect((await pickAudit(t.store, run.audit_id))?.audit_id).toBe(run.audit_id);
		await expect(pickAudit(t.store, 999)).rejects.toMatchObject({ status: 404, message: expect.stringMatching(/There is no audit 999/) });
	});
});

describe('counts by rule and pack', () => {
	it('the scenario breaks the rules it was built to break', async () => {
		const f = await stored();
		const rules = (acct: string) => [...new Set(f.filter((x) => x.account_id === acct).map((x) => `${x.pack_id}/${x.rule_id}`))].sort();
		expect(rules('F1')).toEqual(['regulation-f/call_frequency_7_in_7', 'regulation-f/inconvenient_hours']);
		expect(rules('M1')).toEqual(['regulation-f/inconvenient_hours', 'us-ma/ma_two_in_seven']);
		expect(rules('Q1')).toEqual([]);
	});

	it('the overview counts every finding once, by kind, rule, pack and week', async () => {
		const f = await stored();
		const audit = (await pickAudit(t.store))!;
		const o = await complianceOverview(t.store, audit, filter());
		expect(o.findings).toBe(f.length);
		expect(o.by_kind).toEqual({
			presumed_violation: f.filter((x) => x.kind === 'presumed_violation').length,
			violation: f.filter((x) => x.kind === 'violation').length,
			risk_flag: f.filter((x) => x.kind === 'risk_flag').length
		});
		for (const r of o.by_rule) expect(r.findings, r.key).toBe(f.filter((x) => `${x.pack_id}/${x.rule_id}` === r.key).length);
		// every rule of every pack the audit used has a row, with its title and citation
		const packs = await auditPacks(t.store, audit);
		expect(o.by_rule.map((r) => r.key).sort()).toEqual(packs.flatMap((p) => p.rules.map((r) => `${p.pack_id}/${r.rule_id}`)).sort());
		expect(o.by_rule.find((r) => r.key === 'us-ma/ma_two_in_seven')).toMatchObject({ citation: expect.stringContaining('940 CMR'), kind: 'violation' });
		for (const p of o.by_pack) expect(p.findings, p.key).toBe(f.filter((x) => x.pack_id === p.key).length);
		// weeks: Mondays; the series add up to the findings
		expect(o.over_time.weeks.every((w) => new Date(w + 'T00:00:00Z').getUTCDay() === 1)).toBe(true);
		expect(o.over_time.series.reduce((s, x) => s + x.values.reduce((a, v) => a + v, 0), 0)).toBe(f.length);
		const freq = o.over_time.series.find((s) => s.rule_id === 'call_frequency_7_in_7')!;
		expect(o.over_time.weeks.filter((_, i) => freq.values[i]! > 0)).toEqual(['2026-03-02']);
	});
});

describe('findings per 10,000 contacts', () => {
	it('contacts are the outbound interactions of the audited period, by local date; the rates divide', async () => {
		const audit = (await pickAudit(t.store))!;
		const o = await complianceOverview(t.store, audit, filter());
		expect(o.contacts).toBe(outbound.length);
		expect(o.per_10k).toBeCloseTo(per10k(o.findings, outbound.length), 9);
		// a pack counts the contacts of its regions
		const ma = o.by_pack.find((p) => p.key === 'us-ma')!;
		expect(ma.contacts).toBe(countWhere((x) => x.region === 'US-MA'));
		expect(ma.per_10k).toBeCloseTo(per10k(ma.findings, ma.contacts!), 9);
		expect(o.by_pack.find((p) => p.key === 'regulation-f')!.contacts).toBe(outbound.length);
		// per channel, agent, template and arm
		const ch = (k: string) => o.by_dimension.channel.find((r) => r.key === k)!;
		expect(ch('call').contacts).toBe(countWhere((x) => x.channel === 'call'));
		expect(ch('sms')).toMatchObject({ contacts: 1, findings: 1, per_10k: 10_000 });
		expect(ch('email')).toMatchObject({ contacts: 5, findings: 0, per_10k: 0 });
		expect(o.by_dimension.agent.find((r) => r.key === 'AG7')!.contacts).toBe(countWhere((x) => x.agent === 'AG7'));
		expect(o.by_dimension.agent.find((r) => r.key === '(none)')!.contacts).toBe(countWhere((x) => x.agent === null));
		expect(o.by_dimension.template.find((r) => r.key === 'T-mail')!.contacts).toBe(5);
		expect(o.by_dimension.arm.find((r) => r.key === 'exp1:treat')).toMatchObject({ contacts: 1, findings: 1 });
		expect(o.by_dimension.arm.find((r) => r.key === 'exp1:control')).toMatchObject({ contacts: 5, findings: 0 });
		// the weekly contacts add up to all of them
		expect(o.over_time.contacts!.reduce((s, v) => s + v, 0)).toBe(outbound.length);
	});

	it('the contacts are counted once per audit and kept', async () => {
		const audit = (await pickAudit(t.store))!;
		expect(auditContacts(t.store, audit)).toBe(auditContacts(t.store, audit));
	});

	it('a rule filter counts the contacts of its pack; a date range the contacts of those local dates', async () => {
		const audit = (await pickAudit(t.store))!;
		const ma = await complianceOverview(t.store, audit, filter({ rule: 'ma_two_in_seven' }));
		expect(ma.contacts).toBe(countWhere((x) => x.region === 'US-MA'));
		const march = await complianceOverview(t.store, audit, filter({ from: '2026-03-01', to: '2026-03-31' }));
		expect(march.contacts).toBe(countWhere((x) => x.date >= '2026-03-01' && x.date <= '2026-03-31'));
		expect(march.findings).toBe((await stored()).filter((x) => x.local_date >= '2026-03-01' && x.local_date <= '2026-03-31').length);
	});
});

describe('filters', () => {
	it('each filter narrows the findings and their contacts', async () => {
		const f = await stored();
		const audit = (await pickAudit(t.store))!;
		const sms = await complianceOverview(t.store, audit, filter({ channel: 'sms' }));
		expect(sms.findings).toBe(f.filter((x) => x.channel === 'sms').length);
		expect(sms.contacts).toBe(countWhere((x) => x.channel === 'sms'));

		const person = await complianceOverview(t.store, audit, filter({ person: 'C-M1' }));
		expect(person.findings).toBe(f.filter((x) => x.customer_id === 'C-M1').length);
		expect(person.contacts).toBe(countWhere((x) => x.acct === 'M1'));
		const debt = await complianceOverview(t.store, audit, filter({ person: 'F1' }));
		expect(debt.findings).toBe(f.filter((x) => x.account_id === 'F1').length);
		expect(debt.contacts).toBe(countWhere((x) => x.acct === 'F1'));

		const arm = await findingsPage(t.store, audit.audit_id, filter({ experiment: 'exp1', arm: 'treat' }));
		expect(arm.rows.map((r) => [r.account_id, r.channel, r.rule_id])).toEqual([['M1', 'sms', 'inconvenient_hours']]);
		const kind = await findingsCounts(t.store, audit.audit_id, filter({ kind: 'presumed_violation' }));
		expect(kind.findings).toBe(f.filter((x) => x.kind === 'presumed_violation').length);
		expect(kind.by_kind.violation).toBe(0);
		const agentTemplate = await findingsPage(t.store, audit.audit_id, filter({ agent: 'AG7', template: 'T-call', pack: 'regulation-f' }));
		expect(agentTemplate.total).toBe(f.filter((x) => x.agent_id === 'AG7' && x.template_id === 'T-call').length);
		const none = await findingsPage(t.store, audit.audit_id, filter({ person: 'nobody' }));
		expect(none).toMatchObject({ total: 0, rows: [], pages: 1 });
	});

	it('the list pages and sorts by local date', async () => {
		const f = await stored();
		const dates = f.map((x) => x.local_date).sort();
		const asc = await findingsPage(t.store, run.audit_id, filter({ sort: 'asc' }), 2);
		expect(asc.total).toBe(f.length);
		expect(asc.pages).toBe(Math.ceil(f.length / 2));
		expect(asc.rows.map((r) => r.local_date)).toEqual(dates.slice(0, 2));
		const desc = await findingsPage(t.store, run.audit_id, filter({ sort: 'desc', page: 2 }), 2);
		expect(desc.rows.map((r) => r.local_date)).toEqual([...dates].reverse().slice(2, 4));
		// each row says how many interactions make up the finding, and lists them
		for (const r of asc.rows) expect(r.interaction_ids.split(' ')).toHaveLength(r.contacts);
	});

	it('bad filter values get a clear message naming the field and the value', () => {
		const r = parseFindingsFilter(new URLSearchParams('from=2026-02-30&to=2026-01-01&kind=crime&channel=fax&agent=a%20b&arm=x&page=0&audit=abc'));
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const text = r.problems.join('\n');
		expect(text).toMatch(/from is not a real date \(got "2026-02-30"\)/);
		expect(text).toMatch(/^kind is one of presumed_violation, violation, risk_flag \(got "crime"\)$/m);
		expect(text).toMatch(/channel is one of call, sms/);
		expect(text).toMatch(/agent is an id of letters, digits/);
		expect(text).toMatch(/^page must be a whole number between 1 and 20,000 \(got "0"\)$/m);
		expect(text).toMatch(/^audit is an audit number \(got "abc"\)$/m);
		// the page falls back to no filter at all
		expect(r.filter).toMatchObject({ sort: 'desc', page: 1 });
		expect(r.filter.kind).toBeUndefined();
		const order = parseFindingsFilter(new URLSearchParams('from=2026-03-10&to=2026-03-01'));
		expect(!order.ok && order.problems).toEqual(['from must not be after to (got "2026-03-10")']);
		const arm = parseFindingsFilter(new URLSearchParams('arm=treat'));
		expect(!arm.ok && arm.problems[0]).toMatch(/an arm needs its experiment/);
		// empty values are no filter
		expect(parseFindingsFilter(new URLSearchParams('kind=&person=  '))).toMatchObject({ ok: true });
	});
});


describe('the CSV', () => {
	it('has the documented header, one row per finding, ISO dates, and escapes commas, quotes and formulas', async () => {
		const f = await stored();
		const { csv, rows } = await findingsCsv(t.store, run.audit_id, filter());
		expect(rows).toBe(f.length);
		expect(csv.split('\r\n')[0]).toBe(
			'audit_id,pack,pack_version,rule,kind,customer_id,account_id,window_start,window_end,occurred_at,local_date,channel,agent_id,template_id,experiment_id,variant,interaction_ids,detail'
		);
		const table = parseCsv(csv);
		expect(table[0]).toEqual([...CSV_COLUMNS]);
		expect(table).toHaveLength(f.length + 1);
		for (const r of table.slice(1)) {
			expect(r).toHaveLength(CSV_COLUMNS.length);
			expect(r[10]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(r[9]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		}
		// the 06:30 call: its id starts with "=" and holds a comma and a quote
		const early = table.find((r) => r[6] === 'F1' && r[3] === 'inconvenient_hours')!;
		expect(early).toBeDefined();
		expect(early[16]).toBe(`'=F1,"early"`);
		expect(early.slice(9, 12)).toEqual(['2026-04-15T13:30:00Z', '2026-04-15', 'call']);
		expect(csv).toContain(`,"'=F1,""early""",`);
		// the 7-in-7 finding has its window
		const freq = table.find((r) => r[3] === 'call_frequency_7_in_7')!;
		expect([freq[7], freq[8]]).toEqual(['2026-03-02', '2026-03-08']);
		expect(freq[16]!.split(' ')).toHaveLength(8);
		// the same filters as the list
		const sms = parseCsv((await findingsCsv(t.store, run.audit_id, filter({ channel: 'sms' }))).csv);
		expect(sms.slice(1).map((r) => r[11])).toEqual(['sms']);
	});

	it('a cell is quoted only when it must be', () => {
		expect(csvCell('plain')).toBe('plain');
		expect(csvCell('a,b')).toBe('"a,b"');
		expect(csvCell('say "hi"')).toBe('"say ""hi"""');
		expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
		expect(csvCell('+1 555')).toBe("'+1 555");
		expect(csvCell(null)).toBe('');
		expect(csvCell(7)).toBe('7');
	});
});

describe('pack versions and runs from the page', () => {
	it('a pack changed after the audit shows as changed; the run is recorded in the trail', async () => {
		const before = await packVersionsVsCurrent(t.store, run);
		expect(before.map((r) => r.status)).toEqual(before.map(() => 'same'));
		const wa = (await currentPacks(t.store)).find((p) => p.pack.id === 'us-wa')!;
		const saved = await savePack(t.store, { yaml: wa.yaml.replace(/limit: 3/, 'limit: 4'), comment: 'test: a looser limit', user: { username: 'tester', role: 'compliance' }, id: 'us-wa' });
		expect(saved.ok).toBe(true);
		const after = await packVersionsVsCurrent(t.store, run);
		expect(after.find((r) => r.pack_id === 'us-wa')).toMatchObject({ status: 'changed', used: { version: wa.version }, current: { version: wa.version + 1, saved_by: 'tester' } });

		const next = await runAuditFromPage(t.store, { from: '2026-03-01', to: '2026-03-31' }, { username: 'officer', role: 'compliance', ip: '127.0.0.1' });
		expect(next).toMatchObject({ trigger: 'manual', run_by: 'officer', period_from: '2026-03-01', period_to: '2026-03-31' });
		expect(next.packs.find((p) => p.pack_id === 'us-wa')?.version).toBe(wa.version + 1);
		const trail = await listTrail(t.store, { limit: 10 });
		expect(trail.find((r) => r.action === 'compliance.audit_run')).toMatchObject({ actor: 'officer', role: 'compliance', target: `audit ${next.audit_id}` });
		// the new audit is the pages' default; its contacts are those of its period
		const audit = (await pickAudit(t.store))!;
		expect(audit.audit_id).toBe(next.audit_id);
		const o = await complianceOverview(t.store, audit, filter());
		expect(o.contacts).toBe(countWhere((x) => x.date >= '2026-03-01' && x.date <= '2026-03-31'));
		expect((await packVersionsVsCurrent(t.store, audit)).every((r) => r.status === 'same')).toBe(true);
	});
});
