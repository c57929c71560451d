/**
 * What the audit report holds, for the web page and the PDF alike: its scope in words (the
 * audit, the period, the account segment, the packs, the other filters), the summary (complianceOverview: the
 * findings per kind, pack and rule, with "not in force" for a pack whose effective date is after
 * the period), the findings per week, the ten accounts, agents and templates with the most
 * findings (the ranked views' query, findings/ranked.ts), and the first findings in the report's
 * order (grouped by account), numbered 1..N; the downloads hold every one, numbered the same way.
 */
import { KIND_LABEL, type FindingKind, type PackInfo, type RankedView, type RateRow, type RuleRateRow } from '../../../compliance/findings.ts';
import { SEGMENT } from '../../../vocabulary.ts';
import type { Store } from '../../db/store.ts';
import { dataAsOf } from '../../kpi/as-of.ts';
import { owedAudit } from '../owed.ts';
import type { AuditInfo } from '../findings/audits.ts';
import { scopeArgs, scoped, type FindingsFilter } from '../findings/filters.ts';
import { auditPacks } from '../findings/packs.ts';
import { complianceOverview } from '../findings/query.ts';
import { rankedFindings, rankedParamsSchema } from '../findings/ranked.ts';
import { exportArgs, exportSql, REPORT_ORDER_SQL } from './export.ts';

/** one finding of the report, numbered (n) in the report's order; dates ISO, ids space-separated */
export interface ReportFinding {
	n: number;
	audit_id: string;
	pack: string;
	pack_version: string;
	rule: string;
	kind: FindingKind;
	customer_id: string;
	account_id: string | null;
	window_start: string | null;
	window_end: string | null;
	occurred_at: string;
	local_date: string;
	channel: string | null;
	agent_id: string | null;
	template_id: string | null;
	experiment_id: string | null;
	variant: string | null;
	interaction_ids: string;
	detail: string;
}

export interface ReportScope {
	audit_id: number;
	/** "1 July 2026 to 30 September 2026", or every interaction the audit read */
	period: string;
	/** the packs in scope, by title */
	packs: string[];
	/** the other filters, in words ("kind: violation") */
	filters: string[];
	/** "segment: SME" (the account segment, as the Overview's filter), or "every segment" */
	segments: string;
	/** the segment's label ("SME"), or null for every segment */
	segment: string | null;
	/** the scope in one line: the header of every page */
	line: string;
}

export interface ReportWeek {
	week: string;
	findings: number;
	contacts: number | null;
}

export interface ReportData {
	audit: AuditInfo;
	scope: ReportScope;
	packs: PackInfo[];
	/** the data's as-of date (the latest date anywhere in the store) */
	as_of: string | null;
	findings: number;
	by_kind: Record<FindingKind, number>;
	contacts: number;
	per_10k: number | null;
	by_pack: RateRow[];
	by_rule: RuleRateRow[];
	by_week: ReportWeek[];
	top: { accounts: RankedView; agents: RankedView; templates: RankedView };
	/** the first `rows` findings in the report's order, numbered 1.. */
	first: ReportFinding[];
	/** imports no audit has checked yet, in words (null: none): the report leaves them out and says so */
	unaudited: string | null;
	/** with a segment: the findings about a contact number rather than one debt (in no segment) that it leaves out, in words (null: none, or no segment) */
	outside_segment: string | null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** "7 December 2026" (the same in the browser and the PDF, whatever the server's locale) */
export const longDate = (iso: string) => {
	const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
	return `${d} ${MONTHS[m - 1]} ${y}`;
};

const FILTER_WORDS: Record<string, string> = { rule: 'rule', kind: 'kind', channel: 'channel', agent: 'agent', template: 'template', experiment: 'experiment', arm: 'arm', person: 'customer or account' };

/** the report's scope in words */
export function reportScope(audit: AuditInfo, f: FindingsFilter, packs: PackInfo[], weeks?: string[]): ReportScope {
	const from = f.from ?? audit.period_from;
	const to = f.to ?? audit.period_to;
	const period = from || to ? `${from ? longDate(from) : 'the first contact'} to ${to ? longDate(to) : 'the last contact'}` : weeks?.length ? `every contact the audit read (the weeks of ${longDate(weeks[0]!)} to ${longDate(weeks.at(-1)!)})` : 'every contact the audit read';
	const inScope = packs.filter((p) => !f.pack || p.pack_id === f.pack);
	const packNames = inScope.length ? inScope.map((p) => p.title) : [f.pack ?? 'none'];
	const filters = Object.entries(FILTER_WORDS)
		.filter(([k]) => f[k as keyof FindingsFilter] !== undefined)
		.map(([k, w]) => `${w}: ${k === 'kind' ? KIND_LABEL[f.kind!] : String(f[k as keyof FindingsFilter])}`);
	const segments = f.segment ? `segment: ${SEGMENT.label(f.segment)}` : 'every segment';
	// the segment before the packs: a long list of packs must not push it out of a page's header
	const line = [`Audit ${audit.audit_id}`, period, segments, `packs: ${packNames.join(', ')}`, ...(filters.length ? [filters.join('; ')] : ['all findings'])].join(' · ');
	return { audit_id: audit.audit_id, period, packs: packNames, filters, segments, segment: f.segment ? SEGMENT.label(f.segment) : null, line };
}

/** the SELECT of the report's findings in its order (the first $limit, or every one), each value text */
function reportFindingsSql(): string {
	const sql = exportSql('report');
	const inner = sql.replace(/;\s*$/, '');
	return `SELECT CAST(audit_id AS VARCHAR) AS audit_id, pack, CAST(pack_version AS VARCHAR) AS pack_version, rule, CAST(kind AS VARCHAR) AS kind, customer_id, account_id,
			strftime(window_start, '%Y-%m-%d') AS window_start, strftime(window_end, '%Y-%m-%d') AS window_end,
			strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at, strftime(local_date, '%Y-%m-%d') AS local_date,
			channel, agent_id, template_id, experiment_id, variant, array_to_string(interaction_ids, ' ') AS interaction_ids, detail
		FROM (${inner}) x ORDER BY ${REPORT_ORDER_SQL.replaceAll('f.', 'x.')}`;
}

/** the first `limit` findings in the report's order (or every one: limit null), numbered 1.. */
export async function reportFindings(store: Store, auditId: number, f: FindingsFilter, limit: number | null): Promise<ReportFinding[]> {
	if (limit === 0) return [];
	const sql = exportSql('report');
	const rows = await store.rows<Record<string, unknown>>(reportFindingsSql(), exportArgs(sql, auditId, f, limit));
	// the rows come in the report's order (a top-N read of report_findings.sql, no window): numbered here
	return rows.map((r, i) => ({ ...(r as unknown as ReportFinding), n: i + 1 }));
}

/**
 * The first `limit` findings in the report's order (or every one: limit null), numbered 1..,
 * read in batches of one DuckDB result chunk (2,048 rows) from a streaming result on a connection
 * of its own (closed at the end, on an error, or when the reader stops early): the PDF draws one
 * batch while the next is not yet read, and never holds every finding.
 */
export async function* reportFindingBatches(store: Store, auditId: number, f: FindingsFilter, limit: number | null): AsyncGenerator<ReportFinding[], void, void> {
	if (limit === 0) return;
	const sql = exportSql('report');
	const conn = await store.connect();
	try {
		const result = await conn.stream(reportFindingsSql(), exportArgs(sql, auditId, f, limit));
		const names = result.deduplicatedColumnNames();
		let n = 0;
		for (;;) {
			const chunk = await result.fetchChunk();
			if (!chunk || chunk.rowCount === 0) break;
			const rows = chunk.getRowObjects(names) as unknown as ReportFinding[];
			for (const r of rows) r.n = ++n;
			yield rows;
		}
	} finally {
		conn.closeSync();
	}
}

/** the findings in the scope but for its segment that are about no one debt (a contact number): in no segment */
export async function unsegmentedFindings(store: Store, auditId: number, f: FindingsFilter): Promise<number> {
	const [r] = await store.rows<{ n: number }>(scoped('report_unsegmented'), scopeArgs(auditId, { ...f, segment: undefined }));
	return Number(r?.n ?? 0);
}

/** the ten with the most findings, by account, agent or template */
const top = (store: Store, auditId: number, f: FindingsFilter, by: 'account' | 'agent' | 'template', packs: PackInfo[]) =>
	rankedFindings(store, auditId, { ...f, page: 1 }, rankedParamsSchema.parse({ by, order: 'findings', sort: 'desc' }), packs, 10);

/** everything the report shows, with its first `rows` findings (0: none read, as for the PDF, which reads them in batches) */
export async function reportData(store: Store, audit: AuditInfo, f: FindingsFilter, rows: number): Promise<ReportData> {
	const packs = await auditPacks(store, audit);
	const [overview, accounts, agents, templates, first, as_of, owed] = await Promise.all([
		complianceOverview(store, audit, f, { packs }),
		top(store, audit.audit_id, f, 'account', packs),
		top(store, audit.audit_id, f, 'agent', packs),
		top(store, audit.audit_id, f, 'template', packs),
		reportFindings(store, audit.audit_id, f, rows),
		dataAsOf(store).catch(() => null),
		owedAudit(store).catch(() => null)
	]);
	const outside = f.segment ? await unsegmentedFindings(store, audit.audit_id, f) : 0;
	const outside_segment = outside
		? `${outside.toLocaleString('en-US')} finding${outside === 1 ? '' : 's'} about a contact number rather than one debt (such as calls to a number shared by several people) ${outside === 1 ? 'is' : 'are'} in no segment: this report leaves ${outside === 1 ? 'it' : 'them'} out. The report over every segment lists ${outside === 1 ? 'it' : 'them'}.`
		: null;
	const unaudited = owed
		? `${owed.interactions.toLocaleString('en-US')} interactions${owed.interactions_from && owed.interactions_to ? ` (${longDate(owed.interactions_from)} to ${longDate(owed.interactions_to)})` : ''} and ${(owed.changed_rows - owed.interactions).toLocaleString('en-US')} other changed rows, from ${owed.batches.length} import${owed.batches.length === 1 ? '' : 's'} since ${longDate(owed.since)}, are not audited yet: this report leaves them out. Run the audit, then make the report again.`
		: null;
	const ot = overview.over_time;
	const by_week = ot.weeks.map((week, i) => ({ week, findings: ot.series.reduce((s, x) => s + (x.values[i] ?? 0), 0), contacts: ot.contacts ? (ot.contacts[i] ?? 0) : null }));
	return {
		audit,
		scope: reportScope(audit, f, packs, ot.weeks),
		packs,
		as_of,
		findings: overview.findings,
		by_kind: overview.by_kind,
		contacts: overview.contacts,
		per_10k: overview.per_10k,
		by_pack: overview.by_pack,
		by_rule: overview.by_rule,
		by_week,
		top: { accounts, agents, templates },
		first,
		unaudited,
		outside_segment
	};
}
