/**
 * The counts behind the KPIs (the named counts of src/lib/metrics/counts.ts) for a period or
 * its buckets: from the summary tables (summary-tables.ts) while they are fresh for the as-of
 * date, else from the raw tables (queries/kpi/). Also the queries of queries/kpi/ that read the
 * episode facts from either. Counts only: values.ts divides.
 */
import { rows as connRows, type Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { freshSummaries } from './summary-tables.ts';
import { filterArgs } from './filter-args.ts';
import type { ParsedKpiParams as Parsed } from './params.ts';
import { EPISODE_COUNT_NAMES } from '../../metrics/counts.ts';
import { CONTACT_FILTERS, type FilterKey } from '../../vocabulary.ts';
import { valueDaysMask } from '../../metrics/sql.ts';

/** the counts behind every KPI, for one period (or bucket) */
export interface KpiCounts {
	/** the columns of queries/kpi/episodes.sql */
	ep: Record<string, number>;
	/** events and censored per measure and day (queries/kpi/time_to_event.sql) */
	tte: { measure: string; t: number; events: number; censored: number }[];
	contacts: {
		accounts_contacted: number;
		outbound_contacts: number;
		outbound_calls: number;
		conversations: number;
		complaints: number;
		complaints_via_regulator: number;
		opt_outs: number;
	};
	/** how many account-weeks had each number of outbound contacts */
	load: { contacts: number; account_weeks: number }[];
}

const n = (v: unknown) => Number(v ?? 0);

const numbers = (r: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => k !== 'bucket' && k !== 'grp').map(([k, v]) => [k, n(v)]));
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** the counts of one period from the raw tables (any filter, any as-of date) */
export async function rawCounts(store: Store, p: Parsed, asOf: string): Promise<KpiCounts> {
	const args = { from: p.from, to: p.to, as_of: asOf, ...filterArgs(p) };
	const [ep] = await store.rows<Record<string, unknown>>(querySql('kpi/episodes'), args);
	const [ct] = await store.rows<Record<string, unknown>>(querySql('kpi/contacts'), args);
	const load = await store.rows<{ contacts: number; account_weeks: number }>(querySql('kpi/contact_load'), args);
	const tte = await store.rows<{ measure: string; t: number; events: number; censored: number }>(querySql('kpi/time_to_event'), args);
	return { ep: numbers(ep), tte, contacts: numbers(ct) as KpiCounts['contacts'], load };
}

/** a row of named counts (a breakdown's) as KpiCounts: episode counts, contact and event counts */
export function countsOfRow(r: Record<string, unknown>): KpiCounts {
	const c = emptyCounts();
	for (const k of EPISODE_COUNT_NAMES) c.ep[k] = n(r[k]);
	for (const k of Object.keys(c.contacts) as (keyof KpiCounts['contacts'])[]) c.contacts[k] = n(r[k]);
	return c;
}

export const emptyCounts = (): KpiCounts => ({
	ep: {},
	tte: [],
	contacts: { accounts_contacted: 0, outbound_contacts: 0, outbound_calls: 0, conversations: 0, complaints: 0, complaints_via_regulator: 0, opt_outs: 0 },
	load: []
});

export type Grain = 'period' | 'week' | 'month';

const hasContactFilter = (p: Partial<Record<FilterKey, unknown>>) => CONTACT_FILTERS.some((k) => p[k] !== undefined && p[k] !== null);

/**
 * A summary query grouped by nothing or by an account attribute from the allow-list (never from
 * a request). With a filter on contacts, {{matched}} becomes kpi/summary_matched (the accounts
 * with a matching contact per bucket) and {{semi_matched}} keeps the rows of those accounts;
 * the contact counts come from kpi/summary_contacts_matched.
 */
function summarySql(name: string, group: AccountDimension | null, p: Partial<Record<FilterKey, unknown>> = {}, matchedTables = false): string {
	const filtered = hasContactFilter(p);
	const file = filtered && name === 'kpi/summary_contacts' ? 'kpi/summary_contacts_matched' : name;
	return fillIn(querySql(file), {
		matched: filtered && !matchedTables ? fillIn(querySql('kpi/summary_matched').replace(/^(--.*\n)+/, ''), attributeDays(p)) : '',
		semi_matched: filtered ? 'SEMI JOIN matched USING (bucket, ak)' : '',
		in_matched: filtered ? 'k.ak IN (SELECT ak FROM matched)' : 'true',
		contact_filter: filtered ? 'true' : 'false',
		...attributeLoad(p),
		group: group && ACCOUNT_DIMENSIONS.includes(group) ? group : 'NULL',
		account_join: group && ACCOUNT_DIMENSIONS.includes(group) ? 'JOIN kpi_accounts USING (ak)' : ''
	});
}

/**
 * With a filter on the channel alone or the tone alone, the load KPI reads kpi_attribute_weeks
 * (account-weeks by their number of contacts per channel and per tone) instead of grouping
 * kpi_account_contacts: {{attribute_load}} says so and {{attribute_match}} selects the rows.
 */
function attributeLoad(p: Partial<Record<FilterKey, unknown>>): { attribute_load: string; attribute_match: string } {
	const only = onlyAttribute(p);
	if (!only) return { attribute_load: 'false', attribute_match: 'false' };
	return { attribute_load: 'true', attribute_match: `(w.attribute = '${only}' AND w.value = $${only})` };
}

/** the one contact attribute a filter is on, when it is the channel alone or the tone alone (no template, no agent) */
function onlyAttribute(p: Partial<Record<FilterKey, unknown>>): 'channel' | 'tone' | null {
	const only = (['channel', 'tone'] as const).filter((k) => p[k]);
	return only.length === 1 && !p.template && !p.agent ? only[0]! : null;
}

/**
 * With a filter on the channel alone or the tone alone, kpi/summary_matched finds the accounts
 * from kpi_account_weeks' masks of the days with a contact of each channel and tone
 * ({{attribute_days}}, and {{attribute_days_mask}} the value's 7 bits) instead of the rows of
 * kpi_account_contacts (more than twice as many, and one per combo).
 */
function attributeDays(p: Partial<Record<FilterKey, unknown>>): { attribute_days: string; attribute_days_mask: string } {
	const only = onlyAttribute(p);
	const mask = only ? valueDaysMask(only, String(p[only]), 'w') : null;
	return mask ? { attribute_days: 'true', attribute_days_mask: mask } : { attribute_days: 'false', attribute_days_mask: '0' };
}

/** fills in the {{name}} placeholders of SQL text outside its comment lines (a header may name them) */
function fillIn(sql: string, values: Record<string, string>): string {
	return sql
		.split('\n')
		.map((line) => (/^\s*--/.test(line) ? line : line.replace(/\{\{(\w+)\}\}/g, (m, k: string) => values[k] ?? m)))
		.join('\n');
}

/**
 * kpi/summary_matched as statements that make its CTEs temporary tables of one connection: the
 * accounts a filter on contacts matches are then found once for the four summary queries.
 */
export function matchedTableStatements(p: Partial<Record<FilterKey, unknown>>): string[] {
	return [...fillIn(querySql('kpi/summary_matched').replace(/^(--.*\n)+/, ''), attributeDays(p)).matchAll(/^(\w+) AS \(\n([\s\S]*?)\n\),?$/gm)].map(
		([, name, body]) => `CREATE OR REPLACE TEMP TABLE ${name} AS\n${body}`
	);
}

/**
 * The bits of kpi_arms the experiment or arm filter selects (null: no such filter); undefined
 * when an arm of it has no bit (more than 63 arms, or launched after the summaries were built).
 */
async function armBits(store: Store, p: Parsed): Promise<bigint | null | undefined> {
	if (!p.experiment) return null;
	const rows = await store.rows<{ variant: string; bit: number | null }>(
		`SELECT x.variant, r.bit FROM (SELECT DISTINCT variant FROM experiment_assignments WHERE experiment_id = $e) x
		 LEFT JOIN kpi_arms r ON r.experiment_id = $e AND r.variant = x.variant`,
		{ e: p.experiment }
	);
	const chosen = rows.filter((r) => !p.arm || r.variant === p.arm);
	if (chosen.some((r) => r.bit === null)) return undefined;
	// an experiment or arm without assignments: no account matches (bit 63 is never given)
	return chosen.reduce((bits, r) => bits | (1n << BigInt(r.bit!)), 0n) || 1n << 63n;
}

/** the parameters of a summary query: the period, the buckets and every filter, arms as bits */
async function summaryArgs(store: Store, p: Parsed, asOf: string, grain: Grain, split: string) {
	const bits = await armBits(store, p);
	return { from: p.from, to: p.to, as_of: asOf, grain, split, ...filterArgs(p), arm_bits: bits ?? null };
}

/** the account attributes a breakdown can group by, from the summary tables */
export const ACCOUNT_DIMENSIONS = ['segment', 'product', 'region'] as const;
export type AccountDimension = (typeof ACCOUNT_DIMENSIONS)[number];

/**
 * The counts per bucket from the summary tables: grain 'period' gives [from, split − 1] and
 * [split, to]; 'week' and 'month' cut those into calendar weeks or months. Keys are the
 * buckets' first days. Only for account filters, while the summary tables are fresh.
 */
export async function summaryCounts(
	store: Store,
	p: Parsed,
	asOf: string,
	grain: Grain,
	split: string,
	group: AccountDimension | null = null,
	/** skip the time-to-event counts (a breakdown shows no Kaplan–Meier figure) */
	withTimes = true
): Promise<Map<string, KpiCounts>> {
	const args = await summaryArgs(store, p, asOf, grain, split);
	type G = { bucket: unknown; grp: string | null };
	type Contacts = G & { kind: 'load' | 'sums' | 'firsts'; contacts: number | null; n: number | null; outbound_contacts: number | null; outbound_calls: number | null; conversations: number | null };
	type Events = G & { complaints: number; complaints_via_regulator: number; opt_outs: number };
	type Times = G & { measure: string; t: number; events: number; censored: number };
	let ep: (Record<string, unknown> & G)[], tte: Times[], contacts: Contacts[], events: Events[];
	if (hasContactFilter(p)) {
		// the accounts a filter on contacts matches, found once, as temporary tables of one connection
		const conn = await store.connect();
		try {
			for (const stmt of matchedTableStatements(p)) await connRows(conn, stmt, args as never);
			const sql = (name: string) => summarySql(name, group, p, true);
			ep = await connRows(conn, sql('kpi/summary_episodes'), args as never);
			tte = withTimes ? await connRows(conn, sql('kpi/summary_time_to_event'), args as never) : [];
			contacts = await connRows(conn, sql('kpi/summary_contacts'), args as never);
			events = await connRows(conn, sql('kpi/summary_events'), args as never);
		} finally {
			conn.closeSync();
		}
	} else {
		const sql = (name: string) => summarySql(name, group, p);
		[ep, tte, contacts, events] = await Promise.all([
			store.rows<Record<string, unknown> & G>(sql('kpi/summary_episodes'), args),
			withTimes ? store.rows<Times>(sql('kpi/summary_time_to_event'), args) : [],
			store.rows<Contacts>(sql('kpi/summary_contacts'), args),
			store.rows<Events>(sql('kpi/summary_events'), args)
		]);
	}
	const out = new Map<string, KpiCounts>();
	const at = (b: unknown, grp?: string | null) => {
		const key = group ? `${isoDay(b)}|${grp ?? ''}` : isoDay(b);
		let c = out.get(key);
		if (!c) out.set(key, (c = emptyCounts()));
		return c;
	};
	for (const r of ep) at(r.bucket, r.grp).ep = numbers(r);
	for (const r of tte) at(r.bucket, r.grp).tte.push({ measure: r.measure, t: n(r.t), events: n(r.events), censored: n(r.censored) });
	for (const r of contacts) {
		const b = at(r.bucket, r.grp);
		if (r.kind === 'load') b.load.push({ contacts: n(r.contacts), account_weeks: n(r.n) });
		else if (r.kind === 'firsts') b.contacts.accounts_contacted += n(r.n);
		else {
			b.contacts.outbound_contacts += n(r.outbound_contacts);
			b.contacts.outbound_calls += n(r.outbound_calls);
			b.contacts.conversations += n(r.conversations);
		}
	}
	for (const r of events) Object.assign(at(r.bucket, r.grp).contacts, { complaints: n(r.complaints), complaints_via_regulator: n(r.complaints_via_regulator), opt_outs: n(r.opt_outs) });
	return out;
}

/** adds the counts of several buckets; accounts contacted is not additive and is set to NaN */
export function addCounts(parts: readonly KpiCounts[]): KpiCounts {
	const out = emptyCounts();
	const tte = new Map<string, { measure: string; t: number; events: number; censored: number }>();
	const load = new Map<number, number>();
	for (const c of parts) {
		for (const [k, v] of Object.entries(c.ep)) out.ep[k] = (out.ep[k] ?? 0) + v;
		for (const r of c.tte) {
			const key = `${r.measure}:${r.t}`;
			const x = tte.get(key) ?? { measure: r.measure, t: r.t, events: 0, censored: 0 };
			x.events += r.events;
			x.censored += r.censored;
			tte.set(key, x);
		}
		for (const k of Object.keys(out.contacts) as (keyof KpiCounts['contacts'])[]) out.contacts[k] += c.contacts[k];
		for (const h of c.load) load.set(h.contacts, (load.get(h.contacts) ?? 0) + h.account_weeks);
	}
	out.tte = [...tte.values()];
	out.load = [...load].map(([contacts, account_weeks]) => ({ contacts, account_weeks }));
	out.contacts.accounts_contacted = Number.NaN;
	return out;
}

/**
 * A query of queries/kpi/ written over `WITH {{facts}}`, with the relation of episode facts it
 * should read: the summary table kpi_episodes when it can answer (kpi/facts_summary), else the
 * raw tables (kpi/scope and kpi/episode_facts). Both give the same rows.
 */
export async function withEpisodeFacts(store: Store, name: string, p: Parsed, asOf: string, source: Source = 'auto'): Promise<{ sql: string; args: Record<string, unknown> }> {
	const usable = source !== 'raw' && (await summaryUsable(store, p, asOf));
	const body = (sql: string) => sql.replace(/^(--.*\n)+/, '');
	const facts = usable ? body(summarySql('kpi/facts_summary', null, p)) : `${body(querySql('kpi/scope')).trimEnd()},\n${body(querySql('kpi/episode_facts'))}`;
	const sql = fillIn(querySql(name), { facts });
	// the whole period is one bucket for the accounts a filter on contacts matches
	const args = usable ? await summaryArgs(store, p, asOf, 'period', p.from) : { from: p.from, to: p.to, as_of: asOf, ...filterArgs(p) };
	return { sql, args };
}

/** auto: the summary tables when they can answer, else the raw tables; raw: the raw tables (the parity tests' oracle) */
export type Source = 'auto' | 'raw';

/**
 * A chart's query from the summary tables (queries/kpi/summary_<name>.sql, whose rows are those of
 * queries/kpi/<name>.sql from the raw tables) with its parameters, or null when the summary tables
 * cannot answer this view (not fresh, another as-of date, an arm without a bit).
 */
export async function summaryChartQuery(store: Store, name: string, p: Parsed, asOf: string): Promise<{ sql: string; args: Record<string, unknown> } | null> {
	if (!(await summaryUsable(store, p, asOf))) return null;
	return { sql: summarySql(`kpi/summary_${name}`, null, p), args: await summaryArgs(store, p, asOf, 'period', p.from) };
}

/** whether the summary tables can answer for these filters and as-of date (any filter: arms as bits, contacts through kpi_account_contacts) */
export async function summaryUsable(store: Store, p: Parsed, asOf: string): Promise<boolean> {
	const fresh = await freshSummaries(store);
	if (fresh?.as_of !== asOf) return false;
	return (await armBits(store, p)) !== undefined;
}
