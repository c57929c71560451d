/**
 * The ranked views (issue 16 item 2): the findings of an audit under the findings pages' filters,
 * grouped by account, customer, agent, template, contact number or rule, with the counts per
 * kind, the accounts they are about, the trend per week and the account with the most findings
 * (its timeline one click away); sorted by findings, severity, a kind, accounts, the latest
 * finding or the name. One grouped statement over the findings table
 * (queries/compliance/findings_ranked.sql) whose key and order are picked from the fixed lists
 * below by the validated URL values; every value is a bound parameter. No interaction is read.
 *
 * Without a filter (the page as it opens, and the bench), the groups are counted once per audit,
 * right after it (keepRankedGroups, started by the contact counts of cache.ts), into
 * compliance_ranked_groups (migration 21): a page is then an ORDER BY … LIMIT over those rows
 * (queries/compliance/findings_ranked_kept.sql). Any filter, or an audit not counted yet, groups
 * the findings as before. docs/compliance-ranked.md says why.
 */
import { z } from 'zod';
import {
	FINDING_KINDS,
	RANKED_BY,
	RANKED_BY_KEYS,
	RANKED_ORDER_KEYS,
	RANKED_ORDERS,
	type FindingKind,
	type PackInfo,
	type RankedBy,
	type RankedOrder,
	type RankedRow,
	type RankedView,
	type SortDirection
} from '../../../compliance/findings.ts';
import { QueryTimeoutError, withoutQueryTimeLimit } from '../../db/query-limit.ts';
import { rows as dbRows, type Store } from '../../db/store.ts';
import { querySql, queryStatements } from '../../paths.ts';
import { FindingsError } from './audits.ts';
import { describeProblems, findingsFilterSchema, scopeArgs, scoped, sortDirectionSchema, urlValues, type FindingsFilter } from './filters.ts';

export const RANKED_PAGE_SIZE = 50;

/** the key of each grouping, as SQL over the findings (f) */
const KEY_SQL: Record<RankedBy, string> = {
	account: 'f.account_id',
	customer: 'f.customer_id',
	agent: 'f.agent_id',
	template: 'f.template_id',
	number: 'f.contact_point',
	rule: "f.pack_id || '/' || f.rule_id"
};

/** the order of the groups for each ?order=, in a direction; the key last, ascending, so every order is total */
const ORDER_SQL: Record<RankedOrder, (d: 'ASC' | 'DESC') => string> = {
	findings: (d) => `findings ${d}`,
	// the most violations first, then presumed violations, then risk flags
	severity: (d) => `violation ${d}, presumed_violation ${d}, risk_flag ${d}`,
	violation: (d) => `violation ${d}, findings ${d}`,
	presumed_violation: (d) => `presumed_violation ${d}, findings ${d}`,
	risk_flag: (d) => `risk_flag ${d}, findings ${d}`,
	accounts: (d) => `accounts ${d}, findings ${d}`,
	latest: (d) => `latest ${d}, findings ${d}`,
	name: (d) => `key ${d}`
};

export function rankedOrderSql(order: RankedOrder, sort: SortDirection): string {
	if (!(order in ORDER_SQL)) throw new Error(`unknown order ${order}`);
	return `${ORDER_SQL[order](sort === 'asc' ? 'ASC' : 'DESC')}, key ASC`;
}

/** the ranked view's own URL values: what to group by, the order and its direction, the page */
export const rankedParamsSchema = z.object({
	by: z.enum(RANKED_BY_KEYS, { error: `by is what to rank, one of ${RANKED_BY_KEYS.join(', ')}` }).default('account'),
	order: z.enum(RANKED_ORDER_KEYS, { error: `order is the column to sort by, one of ${RANKED_ORDER_KEYS.join(', ')}` }).default('findings'),
	sort: sortDirectionSchema
});
export type RankedParams = z.infer<typeof rankedParamsSchema>;

export interface RankedRequest {
	filter: FindingsFilter;
	params: RankedParams;
}

/**
 * The ranked view's filters and parameters from the URL: the findings pages' filters (from, to,
 * pack, rule, kind, channel, agent, template, experiment, arm, person, audit, page) and by,
 * order, sort. Any bad value is a FindingsError 400 that names each field, what it takes and what
 * it got: a ranking under other filters than asked would pass for the one asked.
 */
export function parseRankedRequest(params: URLSearchParams): RankedRequest {
	const raw = urlValues(params);
	const { by, order, sort, ...rest } = raw;
	const p = rankedParamsSchema.safeParse({ by, order, sort });
	const f = findingsFilterSchema.safeParse(rest);
	const problems = [...(p.success ? [] : describeProblems(p.error.issues, raw)), ...(f.success ? [] : describeProblems(f.error.issues, raw))];
	if (problems.length || !p.success || !f.success) throw new FindingsError(400, `The ranking was not made: ${problems.join('; ')}.`);
	return { filter: f.data, params: p.data };
}

interface RankedSqlRow {
	scope_findings: number;
	unranked: number;
	scope_first: string | null;
	scope_last: string | null;
	key: string | null;
	findings: number;
	violation: number;
	presumed_violation: number;
	risk_flag: number;
	accounts: number;
	customers: number;
	total: number;
	first: string;
	latest: string;
	top_account: string | null;
	top_customer: string | null;
	top_findings: number | null;
	top_date: string | null;
	weeks: string | null;
}

const DAY = 86_400_000;
/** the Monday of an ISO date's week */
const mondayOf = (iso: string) => {
	const t = Date.parse(iso + 'T00:00:00Z');
	const dow = (new Date(t).getUTCDay() + 6) % 7;
	return new Date(t - dow * DAY).toISOString().slice(0, 10);
};
/** the Mondays from the week of `first` to the week of `last` */
export function weeksBetween(first: string | null, last: string | null): string[] {
	if (!first || !last) return [];
	const out: string[] = [];
	for (let t = Date.parse(mondayOf(first) + 'T00:00:00Z'), end = Date.parse(mondayOf(last) + 'T00:00:00Z'); t <= end; t += 7 * DAY) out.push(new Date(t).toISOString().slice(0, 10));
	return out;
}

/** the findings list's filter that shows a row's findings (the list filters by person, agent, template and rule) */
function listFilter(by: RankedBy, key: string, rulePack: string | null): Record<string, string> | null {
	switch (by) {
		case 'account':
		case 'customer':
			return { person: key };
		case 'agent':
			return { agent: key };
		case 'template':
			return { template: key };
		case 'rule':
			return rulePack ? { pack: rulePack, rule: key.slice(rulePack.length + 1) } : null;
		case 'number':
			return null;
	}
}

/**
 * One page of a ranked view. `packs` (the audit's) give the rules their titles and citations.
 * The weeks run from the first to the last finding in the filters' scope.
 */
export async function rankedFindings(
	store: Store,
	auditId: number,
	f: FindingsFilter,
	params: RankedParams,
	packs: PackInfo[] = [],
	pageSize = RANKED_PAGE_SIZE,
	source: RankedSource = 'auto'
): Promise<RankedView> {
	const rows = await rankedSqlRows(store, auditId, f, params, pageSize, source);
	const head = rows[0];
	const weeks = weeksBetween(head?.scope_first ?? null, head?.scope_last ?? null);
	const weekIndex = new Map(weeks.map((w, i) => [w, i]));
	const rules = new Map<string, { title: string; citation: string }>(packs.flatMap((p) => p.rules.map((r) => [`${p.pack_id}/${r.rule_id}`, r] as const)));
	const first = (f.page - 1) * pageSize;
	const out: RankedRow[] = rows
		.filter((r) => r.key !== null)
		.map((r, i) => {
			const key = r.key!;
			const series = new Array<number>(weeks.length).fill(0);
			for (const word of (r.weeks ?? '').split(' ').filter(Boolean)) {
				const [w, n] = word.split('=') as [string, string];
				const at = weekIndex.get(w);
				if (at !== undefined) series[at] = Number(n);
			}
			const by_kind = Object.fromEntries(FINDING_KINDS.map((k) => [k, Number(r[k])])) as Record<FindingKind, number>;
			const rule = params.by === 'rule' ? rules.get(key) : undefined;
			const rulePack = params.by === 'rule' ? key.slice(0, key.indexOf('/')) : null;
			return {
				rank: first + i + 1,
				key,
				label: rule?.title ?? key,
				note:
					params.by === 'account'
						? `customer ${r.top_customer}${r.customers > 1 ? ` and ${r.customers - 1} other ${r.customers === 2 ? 'person' : 'people'} contacted` : ''}`
						: params.by === 'rule'
							? [rulePack, rule?.citation].filter(Boolean).join(' · ')
							: null,
				findings: Number(r.findings),
				by_kind,
				accounts: Number(r.accounts),
				first: r.first,
				latest: r.latest,
				weeks: series,
				top: r.top_customer ? { account_id: r.top_account, customer_id: r.top_customer, findings: Number(r.top_findings), local_date: r.top_date! } : null,
				filter: listFilter(params.by, key, rulePack)
			};
		});
	// a page past the last one has no group to carry the count: the first page's count
	const total = head && head.key !== null ? Number(head.total) : f.page > 1 && Number(head?.scope_findings ?? 0) > Number(head?.unranked ?? 0) ? (await rankedFindings(store, auditId, { ...f, page: 1 }, params, packs, 1, source)).total : 0;
	return {
		by: params.by,
		order: params.order,
		sort: params.sort,
		rows: out,
		total,
		page: f.page,
		pages: Math.max(1, Math.ceil(total / pageSize)),
		page_size: pageSize,
		findings: Number(head?.scope_findings ?? 0),
		unranked: Number(head?.unranked ?? 0),
		weeks
	};
}

/**
 * Where a ranked page is read from: 'auto' (the groups counted after the audit when there is no
 * filter and they are counted, else the findings), 'findings' (always the findings table) or
 * 'kept' (the counted groups only: an error when the view has a filter or is not counted; tests).
 */
export type RankedSource = 'auto' | 'kept' | 'findings';

/** whether a request narrows the findings at all (the page, order and sort do not) */
export const rankedUnfiltered = (auditId: number, f: FindingsFilter) =>
	Object.entries(scopeArgs(auditId, f)).every(([k, v]) => k === 'audit_id' || v === null);

/** the counted rows could not be read (a store whose tables are not as this code counts them): 'auto' groups the findings, and says so once */
let keptFailedSaid = false;
function keptFailed(source: RankedSource, e: unknown): never[] {
	if (source === 'kept' || e instanceof QueryTimeoutError) throw e;
	if (!keptFailedSaid) console.error(`the counted ranked views could not be read; the findings are grouped instead: ${e instanceof Error ? e.message : e}`);
	keptFailedSaid = true;
	return [];
}

async function rankedSqlRows(store: Store, auditId: number, f: FindingsFilter, params: RankedParams, pageSize: number, source: RankedSource): Promise<RankedSqlRow[]> {
	const order = rankedOrderSql(params.order, params.sort);
	const page = { limit: pageSize, offset: (f.page - 1) * pageSize };
	if (source !== 'findings' && rankedUnfiltered(auditId, f)) {
		// counted right after the audit: a count under way in this process is waited for (it reads
		// the findings once for every grouping, sooner done than a grouping of them beside it)
		await rankedGroupsBuilding.get(buildKey(store, auditId))?.catch(() => {});
		const rows = await store
			.rows<RankedSqlRow>(querySql('compliance/findings_ranked_kept').replaceAll('{{pos}}', positionColumn(params.order, params.sort)), { audit_id: auditId, grouping: params.by, ...page })
			.catch((e) => keptFailed(source, e));
		if (rows.length) return rows;
		if (source === 'kept') throw new Error(`the ranked view by ${params.by} of audit ${auditId} is not counted`);
	} else if (source === 'kept') throw new Error('a ranked view with a filter is not counted ahead');
	const sql = scoped('findings_ranked', { key: KEY_SQL[params.by], order, rank_accounts: params.order === 'accounts' ? 'TRUE' : 'FALSE', count_customers: params.by === 'account' ? 'TRUE' : 'FALSE' });
	return store.rows<RankedSqlRow>(sql, { ...scopeArgs(auditId, f), ...page });
}

/** the column of compliance_ranked_groups with a group's place in an order, one way (migration 21) */
const positionColumn = (order: RankedOrder, sort: SortDirection) => {
	if (!(order in ORDER_SQL)) throw new Error(`unknown order ${order}`);
	return `pos_${order}_${sort === 'asc' ? 'asc' : 'desc'}`;
};
/**
 * every group's place in every order, each way: the ORDER BY the findings are paged by
 * (rankedOrderSql), with the key replaced by its place in key order (key_pos, the same order:
 * the keys of a grouping are distinct), so that the sixteen sorts compare numbers, not text
 */
const POSITIONS_SQL = RANKED_ORDER_KEYS.flatMap((o) =>
	(['desc', 'asc'] as const).map((d) =>
		o === 'name'
			? // key order itself (key_pos), or its reverse: no sort
				`(${d === 'asc' ? 'key_pos' : 'count(*) OVER () + 1 - key_pos'})::INTEGER AS ${positionColumn(o, d)}`
			: `row_number() OVER (ORDER BY ${rankedOrderSql(o, d).replace(/\bkey\b/g, 'key_pos')})::INTEGER AS ${positionColumn(o, d)}`
	)
).join(',\n\t');

/** the key of each grouping over the temp table rk_f (findings_ranked_build_source.sql) */
const BUILD_KEY: Record<RankedBy, string> = {
	account: 'account_id',
	customer: 'customer_id',
	agent: 'agent_id',
	template: 'template_id',
	number: 'contact_point',
	rule: 'rule_key'
};
/** the counted ranked views of this many audits are kept (the newest counted) */
export const RANKED_AUDITS_KEPT = 2;

// the counts under way or done in this process, per store and audit
const gb = globalThis as unknown as { __curewiseRankedBuild?: Map<string, Promise<RankedBuild>> };
const rankedGroupsBuilding = (gb.__curewiseRankedBuild ??= new Map());
const buildKey = (store: Store, auditId: number) => `${store.path}#${auditId}`;

export interface RankedBuild {
	/** false: the audit's views were counted already (by this process or an earlier one) */
	built: boolean;
	/** ms per grouping, and the whole (when built) */
	steps: Partial<Record<RankedBy | 'source' | 'values' | 'total', number>>;
}

/**
 * Counts every ranked view of an audit without a filter, once, into compliance_ranked_groups and
 * compliance_ranked_scope (migration 21), in one transaction on a connection of its own, never
 * cut by a request's time limit. Called right after an audit (cache.ts's auditContacts starts it);
 * a second call for the same audit returns the first one's promise, and an audit counted before
 * (by another process, before a restart) is not counted again.
 */
export function keepRankedGroups(store: Store, auditId: number): Promise<RankedBuild> {
	const key = buildKey(store, auditId);
	let p = rankedGroupsBuilding.get(key);
	if (p) return p;
	p = withoutQueryTimeLimit(async () => {
		const conn = await store.connect();
		try {
			const [done] = await dbRows<{ n: number }>(conn, querySql('compliance/findings_ranked_built'), { audit_id: auditId });
			if (Number(done?.n ?? 0) === RANKED_BY_KEYS.length) return { built: false, steps: {} };
			const steps: RankedBuild['steps'] = {};
			const t0 = performance.now();
			await conn.run('BEGIN TRANSACTION');
			try {
				for (const stmt of queryStatements('compliance/findings_ranked_prune')) await dbRows(conn, stmt, { audit_id: auditId, keep: RANKED_AUDITS_KEPT });
				await dbRows(conn, querySql('compliance/findings_ranked_build_source'), { audit_id: auditId });
				steps.source = Math.round(performance.now() - t0);
				for (const by of RANKED_BY_KEYS) {
					const t = performance.now();
					const fill = (sql: string) =>
						sql
							.replaceAll('{{key}}', BUILD_KEY[by])
							.replaceAll('{{count_customers}}', by === 'account' ? 'TRUE' : 'FALSE')
							.replaceAll('{{positions}}', POSITIONS_SQL);
					for (const stmt of queryStatements('compliance/findings_ranked_build')) await dbRows(conn, fill(stmt), { audit_id: auditId, grouping: by });
					steps[by] = Math.round(performance.now() - t);
					await dbRows(conn, fill(querySql('compliance/findings_ranked_build_scope')), { audit_id: auditId, grouping: by, built_ms: steps[by] });
				}
				const t = performance.now();
				await dbRows(conn, querySql('compliance/findings_ranked_build_values'), { audit_id: auditId });
				steps.values = Math.round(performance.now() - t);
				await conn.run('COMMIT');
			} catch (e) {
				await conn.run('ROLLBACK').catch(() => {});
				throw e;
			}
			steps.total = Math.round(performance.now() - t0);
			return { built: true, steps };
		} finally {
			await conn.run('DROP TABLE IF EXISTS rk_f; DROP TABLE IF EXISTS rk_g').catch(() => {});
			conn.closeSync();
		}
	});
	p.catch(() => rankedGroupsBuilding.delete(key));
	rankedGroupsBuilding.set(key, p);
	// remember the newest few per store
	const mine = [...rankedGroupsBuilding.keys()].filter((k) => k.startsWith(store.path + '#')).sort((a, b) => Number(b.split('#')[1]) - Number(a.split('#')[1]));
	for (const old of mine.slice(RANKED_AUDITS_KEPT)) rankedGroupsBuilding.delete(old);
	return p;
}

/**
 * The values the findings filters offer for an audit (pack, rule, kind, channel, agent, template,
 * arm as "experiment_id:variant"), as kept when its ranked views were counted, in the order of
 * findings_filter_values.sql; null when they are not counted (query.ts's filterValues then reads
 * the findings). A count under way in this process is waited for, as for the ranked views.
 */
export async function keptFilterValues(store: Store, auditId: number): Promise<{ field: string; value: string }[] | null> {
	await rankedGroupsBuilding.get(buildKey(store, auditId))?.catch(() => {});
	const rows = await store
		.rows<{ counted: number; field: string | null; value: string | null }>(querySql('compliance/findings_ranked_values'), { audit_id: auditId })
		.catch((e) => keptFailed('auto', e));
	if (!Number(rows[0]?.counted ?? 0)) return null;
	return rows.flatMap((r) => (r.field === null || r.value === null ? [] : [{ field: r.field, value: r.value }]));
}

/** "accounts" etc.: the words of a grouping (for messages) */
export const rankedWords = (by: RankedBy) => RANKED_BY[by];
/** the direction an order sorts on its first click */
export const firstDirection = (order: RankedOrder) => RANKED_ORDERS[order].first;

// An audit's findings never change once it is done (a new audit gets a new number), so a ranking
// asked for again (paging back, another officer, the same link) is answered from memory: the last
// RANKED_KEPT rankings, keyed by the store, the audit with the moment it started (a store made
// again at the same path numbers its audits from 1 again) and every value of the request.
const RANKED_KEPT = 64;
const g = globalThis as unknown as { __curewiseRanked?: Map<string, Promise<RankedView>> };
const kept = (g.__curewiseRanked ??= new Map());

/** rankedFindings, kept in memory per audit and request (see above) */
export function rankedFindingsKept(store: Store, audit: { audit_id: number; started_at: string }, f: FindingsFilter, params: RankedParams, packs: PackInfo[] = []): Promise<RankedView> {
	const key = JSON.stringify([store.path, audit.audit_id, audit.started_at, f, params]);
	let p = kept.get(key);
	if (p) {
		// the newest at the end: the oldest goes first
		kept.delete(key);
		kept.set(key, p);
		return p;
	}
	p = rankedFindings(store, audit.audit_id, f, params, packs);
	p.catch(() => kept.delete(key));
	kept.set(key, p);
	while (kept.size > RANKED_KEPT) kept.delete(kept.keys().next().value!);
	return p;
}
