/**
 * The ranked views and the findings list's sort (src/lib/server/compliance/findings/ranked.ts,
 * query.ts) on a real demo store (2,000 accounts, its import ran the audit): each ranking — by
 * account, customer, agent, template, contact number and rule — equals the counts of a plain SQL
 * query written here; the orders (findings, severity, a kind, latest, name, both directions), the
 * trend per week, the worst account, the filters (rule, kind, pack, agent, template), paging;
 * the list sorted by each column against SQL; bad values refused with a message that names
 * the field; and the views without a filter, counted once after the audit (migration 21), equal
 * to the findings' grouping for every grouping, order and page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { latestAudit, runAudit, type AuditRun } from '../../src/lib/server/compliance/audit.ts';
import { auditContacts } from '../../src/lib/server/compliance/findings/cache.ts';
import { FindingsError } from '../../src/lib/server/compliance/findings/audits.ts';
import { findingsFilterSchema, parseFindingsFilter, type FindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { auditPacks } from '../../src/lib/server/compliance/findings/packs.ts';
import { findingsPage } from '../../src/lib/server/compliance/findings/query.ts';
import { querySql } from '../../src/lib/server/paths.ts';
import { keepRankedGroups, keptFilterValues, parseRankedRequest, RANKED_AUDITS_KEPT, rankedFindings, rankedFindingsKept, rankedParamsSchema, weeksBetween } from '../../src/lib/server/compliance/findings/ranked.ts';
import { RANKED_BY_KEYS, type PackInfo, type RankedBy, type RankedRow } from '../../src/lib/compliance/findings.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
let audit: AuditRun;
let packs: PackInfo[];

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 2000, seed: 5, outDir: join(t.dir, 'demo') });
	audit = (await latestAudit(t.store))!;
	packs = await auditPacks(t.store, audit);
}, 240_000);

afterAll(async () => {
	await t?.close();
});

const filter = (f: Record<string, unknown> = {}): FindingsFilter => findingsFilterSchema.parse(f);
const params = (p: Record<string, unknown> = {}) => rankedParamsSchema.parse(p);

/** the key of each grouping, written here again over the findings table */
const KEY: Record<RankedBy, string> = {
	account: 'account_id',
	customer: 'customer_id',
	agent: 'agent_id',
	template: 'template_id',
	number: 'contact_point',
	rule: "pack_id || '/' || rule_id"
};

interface Counted {
	key: string;
	findings: number;
	violation: number;
	presumed_violation: number;
	risk_flag: number;
	accounts: number;
	latest: string;
}

/** every group with its counts, by a plain GROUP BY (the optional WHERE narrows the findings) */
function counted(by: RankedBy, where = 'TRUE', args: Record<string, string> = {}): Promise<Counted[]> {
	return t.store.rows<Counted>(
		`SELECT ${KEY[by]} AS key, count(*)::INTEGER AS findings,
			sum(CASE WHEN kind = 'violation' THEN 1 ELSE 0 END)::INTEGER AS violation,
			sum(CASE WHEN kind = 'presumed_violation' THEN 1 ELSE 0 END)::INTEGER AS presumed_violation,
			sum(CASE WHEN kind = 'risk_flag' THEN 1 ELSE 0 END)::INTEGER AS risk_flag,
			count(DISTINCT account_id)::INTEGER AS accounts, max(local_date)::VARCHAR AS latest
		 FROM compliance_findings WHERE audit_id = $a AND ${KEY[by]} IS NOT NULL AND ${where}
		 GROUP BY 1`,
		{ a: audit.audit_id, ...args }
	);
}

/** sorted in JavaScript: most findings first, then the key */
const byFindings = (rows: Counted[]) => [...rows].sort((a, b) => b.findings - a.findings || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const strip = (r: Counted) => ({ key: r.key, findings: r.findings, violation: r.violation, presumed_violation: r.presumed_violation, risk_flag: r.risk_flag, accounts: r.accounts, latest: r.latest });
/** a ranked row in the same shape */
const shown = (r: RankedRow) => ({ key: r.key, findings: r.findings, ...r.by_kind, accounts: r.accounts, latest: r.latest });

describe('the ranked views count what a plain query counts', () => {
	it('the demo audit has findings with every value to rank by, numbers included', async () => {
		expect(audit.findings).toBeGreaterThan(200);
		const [c] = await t.store.rows<{ n: number; numbers: number }>(
			`SELECT count(*)::INTEGER AS n, count(contact_point)::INTEGER AS numbers FROM compliance_findings WHERE audit_id = $a`,
			{ a: audit.audit_id }
		);
		expect(c!.numbers).toBe(c!.n);
	});

	it.each(RANKED_BY_KEYS)('by %s: the first page, most findings first, with counts per kind, accounts and latest date', async (by) => {
		const want = byFindings(await counted(by));
		expect(want.length).toBeGreaterThan(1);
		const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by }), packs);
		expect(view.total).toBe(want.length);
		expect(view.pages).toBe(Math.ceil(want.length / 50));
		expect(view.rows.map(shown)).toEqual(want.slice(0, 50).map(strip));
		expect(view.rows.map((r) => r.rank)).toEqual(view.rows.map((_, i) => i + 1));
		// every finding is ranked or said to be left out
		const [all] = await t.store.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM compliance_findings WHERE audit_id = $a`, { a: audit.audit_id });
		expect(view.findings).toBe(all!.n);
		expect(view.unranked + want.reduce((s, r) => s + r.findings, 0)).toBe(all!.n);
	});

	it('the contact number of a finding is that of the contact that made it (read from the interactions here)', async () => {
		const mismatched = await t.store.rows<{ finding_id: number }>(
			`SELECT f.finding_id FROM compliance_findings f
			 WHERE f.audit_id = $a AND f.contact_point IS DISTINCT FROM (
				SELECT any_value(i.contact_point) FROM interactions i
				WHERE list_contains(f.interaction_ids, i.interaction_id) AND i.occurred_at = f.occurred_at)`,
			{ a: audit.audit_id }
		);
		expect(mismatched).toEqual([]);
	});

	it('pages on: the second page of accounts follows the first', async () => {
		const want = byFindings(await counted('account'));
		const page2 = await rankedFindings(t.store, audit.audit_id, filter({ page: 2 }), params({ by: 'account' }), packs);
		expect(page2.rows.map((r) => r.key)).toEqual(want.slice(50, 100).map((r) => r.key));
		expect(page2.rows[0]!.rank).toBe(51);
		const past = await rankedFindings(t.store, audit.audit_id, filter({ page: 999 }), params({ by: 'account' }), packs);
		expect(past.rows).toEqual([]);
		expect(past.total).toBe(want.length);
	});

	it('the trend per week adds up to the findings, week by week as SQL counts them', async () => {
		const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'rule' }), packs);
		const [span] = await t.store.rows<{ lo: string; hi: string }>(
			`SELECT min(local_date)::VARCHAR AS lo, max(local_date)::VARCHAR AS hi FROM compliance_findings WHERE audit_id = $a`,
			{ a: audit.audit_id }
		);
		expect(view.weeks).toEqual(weeksBetween(span!.lo, span!.hi));
		expect(new Date(view.weeks[0]! + 'T00:00:00Z').getUTCDay()).toBe(1);
		for (const r of view.rows) expect(r.weeks.reduce((s, n) => s + n, 0), r.key).toBe(r.findings);
		const top = view.rows[0]!;
		const weekly = await t.store.rows<{ week: string; n: number }>(
			`SELECT date_trunc('week', local_date)::DATE::VARCHAR AS week, count(*)::INTEGER AS n FROM compliance_findings
			 WHERE audit_id = $a AND pack_id || '/' || rule_id = $k GROUP BY 1`,
			{ a: audit.audit_id, k: top.key }
		);
		const want = view.weeks.map((w) => weekly.find((x) => x.week === w)?.n ?? 0);
		expect(top.weeks).toEqual(want);
		// a rule's row bears its title and citation, and opens the list filtered by it
		const rule = packs.flatMap((p) => p.rules).find((r) => `${r.pack_id}/${r.rule_id}` === top.key)!;
		expect(top.label).toBe(rule.title);
		expect(top.note).toContain(rule.citation);
		expect(top.filter).toEqual({ pack: rule.pack_id, rule: rule.rule_id });
	});

	it('each row names its worst account (most findings, then the first id) and its person, the timeline it opens', async () => {
		const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'agent' }), packs);
		for (const r of view.rows.slice(0, 5)) {
			const [want] = await t.store.rows<{ account_id: string; customer_id: string; n: number; last: string }>(
				`SELECT account_id, min(customer_id) AS customer_id, count(*)::INTEGER AS n, max(local_date)::VARCHAR AS last FROM compliance_findings
				 WHERE audit_id = $a AND agent_id = $k AND account_id IS NOT NULL
				 GROUP BY account_id ORDER BY n DESC, account_id LIMIT 1`,
				{ a: audit.audit_id, k: r.key }
			);
			expect(r.top).toEqual({ account_id: want!.account_id, customer_id: want!.customer_id, findings: want!.n, local_date: want!.last });
		}
		const accounts = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'account' }), packs);
		for (const r of accounts.rows) expect(r.top?.account_id).toBe(r.key);
	});
});

describe('a ranking asked for again', () => {
	it('is kept in memory per audit and request: the same answer as a fresh one, the same object the second time', async () => {
		const a = { audit_id: audit.audit_id, started_at: audit.started_at };
		const f = filter({ kind: 'violation' });
		const p = params({ by: 'agent', order: 'severity' });
		const first = await rankedFindingsKept(t.store, a, f, p, packs);
		expect(first).toEqual(await rankedFindings(t.store, audit.audit_id, f, p, packs));
		expect(await rankedFindingsKept(t.store, a, filter({ kind: 'violation' }), params({ by: 'agent', order: 'severity' }), packs)).toBe(first);
		// another request, or the same audit number of a store made again, is not the kept one
		expect(await rankedFindingsKept(t.store, a, f, params({ by: 'agent' }), packs)).not.toBe(first);
		const again = await rankedFindingsKept(t.store, { ...a, started_at: '2000-01-01T00:00:00Z' }, f, p, packs);
		expect(again).not.toBe(first);
		expect(again).toEqual(first);
	});
});

describe('the orders', () => {
	it('by severity: the most violations, then presumed violations, then risk flags', async () => {
		const all = await counted('customer');
		const want = [...all].sort((a, b) => b.violation - a.violation || b.presumed_violation - a.presumed_violation || b.risk_flag - a.risk_flag || (a.key < b.key ? -1 : 1));
		const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'customer', order: 'severity' }), packs);
		expect(view.rows.map((r) => r.key)).toEqual(want.slice(0, 50).map((r) => r.key));
		const asc = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'customer', order: 'severity', sort: 'asc' }), packs);
		const wantAsc = [...all].sort((a, b) => a.violation - b.violation || a.presumed_violation - b.presumed_violation || a.risk_flag - b.risk_flag || (a.key < b.key ? -1 : 1));
		expect(asc.rows.map((r) => r.key)).toEqual(wantAsc.slice(0, 50).map((r) => r.key));
	});

	it('by a kind, the accounts, the latest finding and the name, each way', async () => {
		const all = await counted('template');
		const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
		const cases: [string, 'asc' | 'desc', (a: Counted, b: Counted) => number][] = [
			['findings', 'asc', (a, b) => a.findings - b.findings || cmp(a.key, b.key)],
			['violation', 'desc', (a, b) => b.violation - a.violation || b.findings - a.findings || cmp(a.key, b.key)],
			['presumed_violation', 'desc', (a, b) => b.presumed_violation - a.presumed_violation || b.findings - a.findings || cmp(a.key, b.key)],
			['risk_flag', 'desc', (a, b) => b.risk_flag - a.risk_flag || b.findings - a.findings || cmp(a.key, b.key)],
			['accounts', 'desc', (a, b) => b.accounts - a.accounts || b.findings - a.findings || cmp(a.key, b.key)],
			['latest', 'desc', (a, b) => cmp(b.latest, a.latest) || b.findings - a.findings || cmp(a.key, b.key)],
			['name', 'asc', (a, b) => cmp(a.key, b.key)],
			['name', 'desc', (a, b) => cmp(b.key, a.key)]
		];
		for (const [order, sort, f] of cases) {
			const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'template', order, sort }), packs);
			expect(view.rows.map((r) => r.key), `${order} ${sort}`).toEqual([...all].sort(f).map((r) => r.key));
		}
	});
});

describe('the filters narrow the ranking as they narrow the list', () => {
	it('rule, kind, pack, agent and template, alone and together', async () => {
		const [one] = await t.store.rows<{ pack_id: string; rule_id: string; kind: string; agent_id: string; template_id: string }>(
			`SELECT pack_id, rule_id, kind, agent_id, template_id FROM compliance_findings
			 WHERE audit_id = $a AND agent_id IS NOT NULL AND template_id IS NOT NULL
			 GROUP BY ALL ORDER BY count(*) DESC, pack_id, rule_id, kind, agent_id, template_id LIMIT 1`,
			{ a: audit.audit_id }
		);
		const cases: [Record<string, string>, string][] = [
			[{ rule: one!.rule_id }, 'rule_id = $rule'],
			[{ kind: one!.kind }, 'kind = $kind'],
			[{ pack: one!.pack_id }, 'pack_id = $pack'],
			[{ agent: one!.agent_id }, 'agent_id = $agent'],
			[{ template: one!.template_id }, 'template_id = $template'],
			[{ kind: 'risk_flag' }, 'kind = $kind'],
			[{ pack: one!.pack_id, rule: one!.rule_id, agent: one!.agent_id, template: one!.template_id }, 'pack_id = $pack AND rule_id = $rule AND agent_id = $agent AND template_id = $template']
		];
		let narrowed = 0;
		for (const [f, where] of cases) {
			const want = byFindings(await counted('account', where, f));
			const view = await rankedFindings(t.store, audit.audit_id, filter(f), params({ by: 'account' }), packs);
			expect(view.total, JSON.stringify(f)).toBe(want.length);
			expect(view.rows.map(shown), JSON.stringify(f)).toEqual(want.slice(0, 50).map(strip));
			if (want.length < (await counted('account')).length) narrowed++;
		}
		expect(narrowed).toBeGreaterThan(3);
	});

	it('a row of an agent or template opens the list filtered by it; the list holds exactly its findings', async () => {
		const view = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'agent' }), packs);
		const top = view.rows[0]!;
		expect(top.filter).toEqual({ agent: top.key });
		const list = await findingsPage(t.store, audit.audit_id, filter(top.filter!));
		expect(list.total).toBe(top.findings);
	});
});

describe('the findings list sorts by any column', () => {
	const SQL_ORDER: Record<string, string> = {
		date: 'local_date DESC, occurred_at DESC, finding_id',
		rule: 'rule_id, pack_id, local_date DESC, occurred_at DESC, finding_id',
		pack: 'pack_id, rule_id, local_date DESC, occurred_at DESC, finding_id',
		kind: "CASE kind WHEN 'violation' THEN 3 WHEN 'presumed_violation' THEN 2 ELSE 1 END DESC, local_date DESC, occurred_at DESC, finding_id",
		person: 'customer_id, account_id NULLS LAST, local_date DESC, occurred_at DESC, finding_id',
		debt: 'account_id NULLS LAST, local_date DESC, occurred_at DESC, finding_id',
		contacts: 'len(interaction_ids) DESC, local_date DESC, occurred_at DESC, finding_id',
		evidence: 'detail, local_date DESC, occurred_at DESC, finding_id',
		channel: 'channel NULLS LAST, local_date DESC, occurred_at DESC, finding_id',
		agent: 'agent_id NULLS LAST, local_date DESC, occurred_at DESC, finding_id',
		template: 'template_id NULLS LAST, local_date DESC, occurred_at DESC, finding_id'
	};
	const FIRST: Record<string, 'asc' | 'desc'> = { date: 'desc', kind: 'desc', contacts: 'desc' };

	it.each(Object.keys(SQL_ORDER))('by %s, as ORDER BY in SQL', async (order) => {
		const want = await t.store.rows<{ finding_id: number }>(
			`SELECT finding_id FROM compliance_findings WHERE audit_id = $a ORDER BY ${SQL_ORDER[order]} LIMIT 60 OFFSET 60`,
			{ a: audit.audit_id }
		);
		const page = await findingsPage(t.store, audit.audit_id, filter({ order, sort: FIRST[order] ?? 'asc', page: 2 }), 60);
		expect(page.rows.map((r) => r.finding_id)).toEqual(want.map((r) => r.finding_id));
	});

	it('the other way round as well (contacts fewest first, evidence Z to A)', async () => {
		const fewest = await findingsPage(t.store, audit.audit_id, filter({ order: 'contacts', sort: 'asc' }), 500);
		const counts = fewest.rows.map((r) => r.contacts);
		expect(counts).toEqual([...counts].sort((a, b) => a - b));
		const za = await findingsPage(t.store, audit.audit_id, filter({ order: 'evidence', sort: 'desc' }), 500);
		const details = za.rows.map((r) => r.detail);
		expect(details).toEqual([...details].sort().reverse());
		expect(new Set(details).size).toBeGreaterThan(1);
	});
});

describe('the views without a filter, counted once after the audit', () => {
	// every order the page offers, each way
	const ORDERS = (['findings', 'severity', 'violation', 'presumed_violation', 'risk_flag', 'accounts', 'latest', 'name'] as const).flatMap((o) => (['desc', 'asc'] as const).map((d) => [o, d] as const));

	it.each(RANKED_BY_KEYS)('by %s: every order and page read from the counted groups equals the grouping of the findings', async (by) => {
		const built = await keepRankedGroups(t.store, audit.audit_id);
		expect(Object.keys(built)).toEqual(['built', 'steps']);
		const [scope] = await t.store.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM compliance_ranked_scope WHERE audit_id = $a AND grouping = $g`, { a: audit.audit_id, g: by });
		expect(scope!.n).toBe(1);
		let compared = 0;
		for (const [order, sort] of ORDERS) {
			const p = params({ by, order, sort });
			const pages = (await rankedFindings(t.store, audit.audit_id, filter(), p, packs, 50, 'findings')).pages;
			for (const page of [1, 2, pages, pages + 1]) {
				const want = await rankedFindings(t.store, audit.audit_id, filter({ page }), p, packs, 50, 'findings');
				const got = await rankedFindings(t.store, audit.audit_id, filter({ page }), p, packs, 50, 'kept');
				expect(got, `${by} ${order} ${sort} page ${page}`).toEqual(want);
				// the page as it opens (no source named) is the same
				expect(await rankedFindings(t.store, audit.audit_id, filter({ page }), p, packs), `${by} ${order} ${sort} page ${page}`).toEqual(want);
				compared += got.rows.length;
			}
		}
		expect(compared).toBeGreaterThan(ORDERS.length);
		// the report's top 10 too
		const p = params({ by });
		expect(await rankedFindings(t.store, audit.audit_id, filter(), p, packs, 10, 'kept')).toEqual(await rankedFindings(t.store, audit.audit_id, filter(), p, packs, 10, 'findings'));
	});

	it('the values the filters offer, kept with the counts, are those the findings give, in the same order', async () => {
		await keepRankedGroups(t.store, audit.audit_id);
		const kept = await keptFilterValues(t.store, audit.audit_id);
		const read = await t.store.rows<{ field: string; value: string }>(querySql('compliance/findings_filter_values'), { audit_id: audit.audit_id });
		expect(new Set(read.map((r) => r.field))).toEqual(new Set(['pack', 'rule', 'kind', 'channel', 'agent', 'template', 'arm']));
		expect(kept).toEqual(read);
		// an audit not counted has none kept
		expect(await keptFilterValues(t.store, audit.audit_id + 1000)).toBeNull();
	});

	it('a filter is answered from the findings (the counted groups cannot narrow), and equals what they give', async () => {
		const [one] = await t.store.rows<{ pack_id: string; rule_id: string; agent_id: string; template_id: string; lo: string; hi: string }>(
			`SELECT pack_id, rule_id, agent_id, template_id, min(local_date)::VARCHAR AS lo, max(local_date)::VARCHAR AS hi FROM compliance_findings
			 WHERE audit_id = $a AND agent_id IS NOT NULL AND template_id IS NOT NULL
			 GROUP BY ALL ORDER BY count(*) DESC, pack_id, rule_id, agent_id, template_id LIMIT 1`,
			{ a: audit.audit_id }
		);
		const filters = [{ kind: 'violation' }, { rule: one!.rule_id }, { pack: one!.pack_id }, { agent: one!.agent_id }, { template: one!.template_id }, { from: one!.hi }, { to: one!.lo }];
		for (const f of filters) {
			await expect(rankedFindings(t.store, audit.audit_id, filter(f), params({ by: 'agent' }), packs, 50, 'kept'), JSON.stringify(f)).rejects.toThrow(/filter/);
			for (const by of ['account', 'agent', 'rule'] as const) {
				const p = params({ by, order: 'severity' });
				const want = await rankedFindings(t.store, audit.audit_id, filter(f), p, packs, 50, 'findings');
				const all = await rankedFindings(t.store, audit.audit_id, filter(), p, packs, 50, 'findings');
				expect(await rankedFindings(t.store, audit.audit_id, filter(f), p, packs), `${JSON.stringify(f)} by ${by}`).toEqual(want);
				// the filter did narrow: the counted (unfiltered) view is not what it shows
				expect(want.findings, JSON.stringify(f)).toBeLessThan(all.findings);
			}
		}
	});

	it('a new audit is counted when its contacts are first asked for, and the counts of the oldest go', async () => {
		const before = await t.store.rows<{ audit_id: number }>(`SELECT DISTINCT audit_id FROM compliance_ranked_scope ORDER BY 1`);
		expect(before.map((r) => r.audit_id)).toContain(audit.audit_id);
		const runs: AuditRun[] = [];
		for (let i = 0; i < 3; i++) {
			const run = await runAudit(t.store, { trigger: 'cli', runBy: 'test' });
			runs.push(run);
			// not counted until something asks for the audit's contacts: the page then groups the findings
			await expect(rankedFindings(t.store, run.audit_id, filter(), params(), packs, 50, 'kept')).rejects.toThrow(/not counted/);
			await auditContacts(t.store, run);
			const b = await keepRankedGroups(t.store, run.audit_id);
			expect(b.built).toBe(true);
			expect(Object.keys(b.steps)).toEqual(expect.arrayContaining([...RANKED_BY_KEYS, 'values', 'total']));
			// asked for again (a restart of the server, another process): not counted again
			expect(await keepRankedGroups(t.store, run.audit_id)).toBe(b);
		}
		const last = runs.at(-1)!;
		expect(await rankedFindings(t.store, last.audit_id, filter(), params({ by: 'template', order: 'severity' }), packs, 50, 'kept')).toEqual(
			await rankedFindings(t.store, last.audit_id, filter(), params({ by: 'template', order: 'severity' }), packs, 50, 'findings')
		);
		const kept = await t.store.rows<{ audit_id: number; n: number }>(`SELECT audit_id, count(*)::INTEGER AS n FROM compliance_ranked_scope GROUP BY 1 ORDER BY 1`);
		expect(RANKED_AUDITS_KEPT).toBeLessThan(runs.length + 1);
		expect(kept).toEqual(runs.slice(-RANKED_AUDITS_KEPT).map((r) => ({ audit_id: r.audit_id, n: RANKED_BY_KEYS.length })));
		expect(await t.store.rows(`SELECT DISTINCT audit_id FROM compliance_ranked_groups WHERE audit_id NOT IN (SELECT audit_id FROM compliance_ranked_scope)
			UNION SELECT DISTINCT audit_id FROM compliance_ranked_values WHERE audit_id NOT IN (SELECT audit_id FROM compliance_ranked_scope)`)).toEqual([]);
		// the older audit's page groups its findings again, with the same answer as before
		const older = await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'rule' }), packs);
		expect(older).toEqual(await rankedFindings(t.store, audit.audit_id, filter(), params({ by: 'rule' }), packs, 50, 'findings'));
	}, 120_000);
});

describe('counted tables that cannot be read', () => {
	it('the page groups the findings instead, with the same answer', async () => {
		await t.store.rows(`DROP TABLE compliance_ranked_values`);
		await t.store.rows(`ALTER TABLE compliance_ranked_groups DROP COLUMN pos_name_asc`);
		const latest = (await latestAudit(t.store))!;
		const p = params({ by: 'agent', order: 'name', sort: 'asc' });
		const want = await rankedFindings(t.store, latest.audit_id, filter(), p, packs, 50, 'findings');
		await expect(rankedFindings(t.store, latest.audit_id, filter(), p, packs, 50, 'kept')).rejects.toThrow();
		expect(await rankedFindings(t.store, latest.audit_id, filter(), p, packs)).toEqual(want);
		expect(await keptFilterValues(t.store, latest.audit_id)).toBeNull();
	}, 120_000);
});

describe('bad values are refused with a message that names the field', () => {
	it('the ranked view: an unknown grouping, column or direction is a 400 that lists what it takes', () => {
		const bad = (q: string) => {
			try {
				parseRankedRequest(new URLSearchParams(q));
			} catch (e) {
				expect(e).toBeInstanceOf(FindingsError);
				expect((e as FindingsError).status).toBe(400);
				return (e as Error).message;
			}
			throw new Error(`${q} was accepted`);
		};
		expect(bad('by=colour')).toBe('The ranking was not made: by is what to rank, one of account, customer, agent, template, number, rule (got "colour").');
		expect(bad('order=evidence')).toContain('order is the column to sort by, one of findings, severity, violation, presumed_violation, risk_flag, accounts, latest, name (got "evidence")');
		expect(bad('sort=up')).toContain('sort is desc');
		expect(bad('by=agent&kind=crime&page=0')).toMatch(/kind is one of presumed_violation, violation, risk_flag \(got "crime"\).*page must be a whole number/);
		expect(bad('order=1;DROP TABLE compliance_findings')).toContain('(got "1;DROP TABLE compliance_findings")');
		expect(parseRankedRequest(new URLSearchParams('by=number&order=severity&sort=asc&kind=violation'))).toMatchObject({ params: { by: 'number', order: 'severity', sort: 'asc' }, filter: { kind: 'violation' } });
	});

	it('the findings list: an unknown column is reported, and no filter is applied', () => {
		const r = parseFindingsFilter(new URLSearchParams('order=colour&kind=violation'));
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.problems).toEqual(['order is the column to sort by, one of date, rule, pack, kind, person, debt, contacts, evidence, channel, agent, template (got "colour")']);
		expect(r.filter.kind).toBeUndefined();
		expect(parseFindingsFilter(new URLSearchParams('order=contacts&sort=asc'))).toMatchObject({ ok: true, filter: { order: 'contacts', sort: 'asc' } });
	});
});
