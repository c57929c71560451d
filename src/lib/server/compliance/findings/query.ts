/**
 * The findings of an audit under the filters of the findings pages: one page of the list,
 * sorted by any of its columns (an allow-list); the counts by rule, pack, kind and week; the
 * overview with findings per 10,000 contacts; the values the filter selects offer. The SQL is in
 * queries/compliance/findings_*.sql; this module binds the filters and divides.
 */
import {
	FINDINGS_ORDERS,
	type CountRow,
	type FilterValues,
	type FindingKind,
	type FindingRow,
	type FindingsCounts,
	type FindingsOrder,
	type FindingsPage,
	type PackInfo,
	type RateRow,
	type RuleRateRow,
	type SortDirection,
	type WeekSeries
} from '../../../compliance/findings.ts';
import type { Store } from '../../db/store.ts';
import { querySql } from '../../paths.ts';
import type { AuditInfo } from './audits.ts';
import { auditContacts, DIMENSIONS, NONE, per10k, personContacts, sumContacts, type ContactsCube, type Dimension } from './cache.ts';
import { scopeArgs, scoped, type FindingsFilter } from './filters.ts';
import { auditPacks } from './packs.ts';
import { keptFilterValues } from './ranked.ts';

export const PAGE_SIZE = 50;

/**
 * The ORDER BY of each column of the findings list (findings_list.sql): fixed text picked by the
 * validated ?order=, never written from the URL. Ties are broken by the date, the moment and the
 * finding's number, so every order is total and a page is the same each time.
 */
const ORDER_SQL: Record<FindingsOrder, (dir: 'ASC' | 'DESC') => string> = {
	date: (d) => `f.local_date ${d}, f.occurred_at ${d}, f.finding_id`,
	rule: (d) => `f.rule_id ${d}, f.pack_id ${d}`,
	pack: (d) => `f.pack_id ${d}, f.rule_id ${d}`,
	// by severity: a violation above a presumed violation above a risk flag
	kind: (d) => `CASE f.kind WHEN 'violation' THEN 3 WHEN 'presumed_violation' THEN 2 ELSE 1 END ${d}`,
	person: (d) => `f.customer_id ${d}, f.account_id ${d} NULLS LAST`,
	debt: (d) => `f.account_id ${d} NULLS LAST`,
	contacts: (d) => `len(f.interaction_ids) ${d}`,
	evidence: (d) => `f.detail ${d}`,
	channel: (d) => `f.channel ${d} NULLS LAST`,
	agent: (d) => `f.agent_id ${d} NULLS LAST`,
	template: (d) => `f.template_id ${d} NULLS LAST`
};

/** the ORDER BY text of the list for a column and direction (allow-listed) */
export function findingsOrderSql(order: FindingsOrder, sort: SortDirection): string {
	if (!(order in FINDINGS_ORDERS)) throw new Error(`unknown order ${order}`);
	const dir = sort === 'asc' ? 'ASC' : 'DESC';
	const main = ORDER_SQL[order](dir);
	return order === 'date' ? main : `${main}, f.local_date DESC, f.occurred_at DESC, f.finding_id`;
}

/** one page of findings, sorted by f.order (default the local date) in f.sort's direction */
export async function findingsPage(store: Store, auditId: number, f: FindingsFilter, pageSize = PAGE_SIZE): Promise<FindingsPage> {
	const [rows, [count]] = await Promise.all([
		store.rows<FindingRow>(scoped('findings_list', { order_by: findingsOrderSql(f.order ?? 'date', f.sort) }), { ...scopeArgs(auditId, f), limit: pageSize, offset: (f.page - 1) * pageSize }),
		store.rows<{ total: number }>(scoped('findings_total'), scopeArgs(auditId, f))
	]);
	const total = count?.total ?? 0;
	return { rows, total, page: f.page, pages: Math.max(1, Math.ceil(total / pageSize)), page_size: pageSize };
}

interface DimRow {
	dimension: Dimension;
	value: string | null;
	arm: string | null;
	findings: number;
}

/** the findings under the filters, per week, pack, rule and kind (findings_counts.sql) */
export async function findingsCounts(store: Store, auditId: number, f: FindingsFilter): Promise<FindingsCounts> {
	const rows = await store.rows<CountRow>(scoped('findings_counts'), scopeArgs(auditId, f));
	const by_kind: Record<FindingKind, number> = { presumed_violation: 0, violation: 0, risk_flag: 0 };
	let findings = 0;
	for (const r of rows) {
		by_kind[r.kind] = (by_kind[r.kind] ?? 0) + r.findings;
		findings += r.findings;
	}
	return { findings, by_kind, rows };
}

export interface ComplianceOverview {
	audit: AuditInfo;
	packs: PackInfo[];
	findings: number;
	by_kind: Record<FindingKind, number>;
	by_pack: RateRow[];
	by_rule: RuleRateRow[];
	by_dimension: Record<Dimension, RateRow[]>;
	over_time: WeekSeries;
	/** contacts in the filters' scope */
	contacts: number;
	per_10k: number | null;
}

const ruleKey = (pack: string, rule: string) => `${pack}/${rule}`;

/** the overview of an audit under the filters: findings with their contacts and rates */
export async function complianceOverview(store: Store, audit: AuditInfo, f: FindingsFilter, given?: { packs?: PackInfo[]; cube?: ContactsCube }): Promise<ComplianceOverview> {
	const packs = given?.packs ?? (await auditPacks(store, audit));
	const [counts, dims, cube] = await Promise.all([
		findingsCounts(store, audit.audit_id, f),
		store.rows<DimRow>(scoped('findings_by_dimension'), scopeArgs(audit.audit_id, f)),
		given?.cube ?? (f.person ? personContacts(store, audit, packs, f.person) : auditContacts(store, audit, packs))
	]);
	const c = sumContacts(cube, f, packs);

	const rules = new Map(packs.flatMap((p) => p.rules.map((r) => [ruleKey(p.pack_id, r.rule_id), r] as const)));
	const packTitle = new Map(packs.map((p) => [p.pack_id, p.title]));

	// per pack and per rule
	const perPack = new Map<string, number>();
	const perRule = new Map<string, { pack_id: string; rule_id: string; n: number; by_kind: Record<FindingKind, number> }>();
	const weeks = new Set<string>(c.byWeek.keys());
	const perRuleWeek = new Map<string, Map<string, number>>();
	for (const r of counts.rows) {
		perPack.set(r.pack_id, (perPack.get(r.pack_id) ?? 0) + r.findings);
		const k = ruleKey(r.pack_id, r.rule_id);
		const e = perRule.get(k) ?? { pack_id: r.pack_id, rule_id: r.rule_id, n: 0, by_kind: { presumed_violation: 0, violation: 0, risk_flag: 0 } };
		e.n += r.findings;
		e.by_kind[r.kind] += r.findings;
		perRule.set(k, e);
		weeks.add(r.week);
		const w = perRuleWeek.get(k) ?? new Map<string, number>();
		w.set(r.week, (w.get(r.week) ?? 0) + r.findings);
		perRuleWeek.set(k, w);
	}
	// packs and rules of the audit without findings are shown with 0 (unless filtered away)
	const packShown = (id: string) => !f.pack || f.pack === id;
	const by_pack: RateRow[] = [...new Set([...packs.map((p) => p.pack_id), ...perPack.keys()])].filter(packShown).map((id) => {
		const n = perPack.get(id) ?? 0;
		const contacts = c.byPack.get(id) ?? null;
		return { key: id, label: packTitle.get(id) ?? id, findings: n, contacts, per_10k: per10k(n, contacts), ...(c.notInForce.has(id) ? { in_force: false } : {}) };
	});
	const ruleKeys = [...new Set([...packs.filter((p) => packShown(p.pack_id)).flatMap((p) => p.rules.filter((r) => !f.rule || r.rule_id === f.rule).map((r) => ruleKey(p.pack_id, r.rule_id))), ...perRule.keys()])];
	const by_rule: RuleRateRow[] = ruleKeys
		.map((k) => {
			const info = rules.get(k);
			const e = perRule.get(k);
			const [pack_id, rule_id] = k.split('/') as [string, string];
			const contacts = c.byPack.get(pack_id) ?? null;
			// a rule filter narrows the contacts to the rule's pack already; the other rows use their pack's scope
			const n = e?.n ?? 0;
			return {
				key: k,
				label: info?.title ?? rule_id,
				pack_id,
				rule_id,
				title: info?.title ?? rule_id,
				citation: info?.citation ?? '',
				kind: info?.kind ?? '',
				findings: n,
				by_kind: e?.by_kind ?? { presumed_violation: 0, violation: 0, risk_flag: 0 },
				contacts,
				per_10k: per10k(n, contacts),
				...(c.notInForce.has(pack_id) ? { in_force: false } : {})
			};
		})
		.sort((a, b) => b.findings - a.findings || a.key.localeCompare(b.key));

	// per channel, agent, template, arm: the values with contacts or findings
	const by_dimension = Object.fromEntries(
		DIMENSIONS.map((d) => {
			const found = new Map<string, number>();
			for (const r of dims.filter((x) => x.dimension === d)) {
				const v = d === 'arm' ? (r.value ? `${r.value}:${r.arm ?? NONE}` : NONE) : (r.value ?? NONE);
				found.set(v, (found.get(v) ?? 0) + r.findings);
			}
			const keys = [...new Set([...c.byDimension[d].keys(), ...found.keys()])];
			const rows = keys.map((v) => {
				const n = found.get(v) ?? 0;
				const contacts = c.byDimension[d].get(v) ?? 0;
				return { key: v, label: v, findings: n, contacts, per_10k: per10k(n, contacts) };
			});
			rows.sort((a, b) => b.findings - a.findings || (b.contacts ?? 0) - (a.contacts ?? 0) || a.key.localeCompare(b.key));
			return [d, rows];
		})
	) as Record<Dimension, RateRow[]>;

	const weekList = [...weeks].sort();
	const over_time: WeekSeries = {
		weeks: weekList,
		series: [...perRuleWeek]
			.map(([k, w]) => ({ key: k, pack_id: k.split('/')[0]!, rule_id: k.split('/')[1]!, title: rules.get(k)?.title ?? k, values: weekList.map((wk) => w.get(wk) ?? 0) }))
			.sort((a, b) => b.values.reduce((s, v) => s + v, 0) - a.values.reduce((s, v) => s + v, 0)),
		contacts: weekList.map((wk) => c.byWeek.get(wk) ?? 0)
	};

	return {
		audit,
		packs,
		findings: counts.findings,
		by_kind: counts.by_kind,
		by_pack,
		by_rule,
		by_dimension,
		over_time,
		contacts: c.total,
		per_10k: per10k(counts.findings, c.total)
	};
}
/** the values the filter selects offer: those found in the audit's findings */
export async function filterValues(store: Store, auditId: number): Promise<FilterValues> {
	// kept when the audit's ranked views were counted (ranked.ts), else read from the findings
	const rows = (await keptFilterValues(store, auditId)) ?? (await store.rows<{ field: string; value: string }>(querySql('compliance/findings_filter_values'), { audit_id: auditId }));
	const out: FilterValues = { pack: [], rule: [], kind: [], channel: [], agent: [], template: [], experiment: [], arm: [] };
	for (const r of rows) {
		if (r.field === 'arm') {
			const [exp, arm] = [r.value.slice(0, r.value.indexOf(':')), r.value.slice(r.value.indexOf(':') + 1)];
			if (!out.experiment.includes(exp)) out.experiment.push(exp);
			if (!out.arm.includes(arm)) out.arm.push(arm);
		} else if (r.field in out) out[r.field as keyof FilterValues].push(r.value);
	}
	return out;
}
