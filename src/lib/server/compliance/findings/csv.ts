/** Every finding under the filters as CSV, and its export from the findings pages (recorded in the trail). */
import { FILTER_KEYS, type FindingRow } from '../../../compliance/findings.ts';
import type { Store } from '../../db/store.ts';
import type { Role } from '../../auth/roles.ts';
import { csvCell } from '../../csv.ts';
import { maxExportRows, ResultTooLargeError } from '../../limits.ts';
import { recordTrail } from '../../trail/trail.ts';
import { scopeArgs, scoped, type FindingsFilter } from './filters.ts';
import { findingsOrderSql } from './query.ts';

export const CSV_COLUMNS = [
	'audit_id',
	'pack',
	'pack_version',
	'rule',
	'kind',
	'customer_id',
	'account_id',
	'window_start',
	'window_end',
	'occurred_at',
	'local_date',
	'channel',
	'agent_id',
	'template_id',
	'experiment_id',
	'variant',
	'interaction_ids',
	'detail'
] as const;

/**
 * every finding under the filters as CSV (ISO dates, CRLF line ends), and how many rows; more
 * than maxRows (CUREWISE_MAX_EXPORT_ROWS) are refused, counted before any is read
 * (ResultTooLargeError: a partial list of findings would pass for a complete one)
 */
export async function findingsCsv(store: Store, auditId: number, f: FindingsFilter, maxRows: number = maxExportRows()): Promise<{ csv: string; rows: number }> {
	const [count] = await store.rows<{ total: number }>(scoped('findings_total'), scopeArgs(auditId, f));
	if ((count?.total ?? 0) > maxRows)
		throw new ResultTooLargeError('CSV', count!.total, maxRows, 'Narrow it with the filters (a shorter period, one pack, rule or kind) and export each part.');
	const rows = await store.rows<FindingRow>(scoped('findings_list', { order_by: findingsOrderSql('date', 'asc') }), { ...scopeArgs(auditId, f), limit: maxRows, offset: 0 });
	const lines = [CSV_COLUMNS.join(',')];
	for (const r of rows) {
		const cells: (string | number | null)[] = [
			r.audit_id,
			r.pack_id,
			r.pack_version,
			r.rule_id,
			r.kind,
			r.customer_id,
			r.account_id,
			r.window_start,
			r.window_end,
			r.occurred_at,
			r.local_date,
			r.channel,
			r.agent_id,
			r.template_id,
			r.experiment_id,
			r.variant,
			r.interaction_ids,
			r.detail
		];
		lines.push(cells.map(csvCell).join(','));
	}
	return { csv: lines.join('\r\n') + '\r\n', rows: rows.length };
}

/** the CSV export, recorded in the trail */
export async function exportFindingsCsv(store: Store, auditId: number, f: FindingsFilter, who: { username: string; role: Role; ip?: string | null }) {
	const out = await findingsCsv(store, auditId, f);
	const filters = Object.fromEntries(FILTER_KEYS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]!]));
	await recordTrail(store, { actor: who.username, role: who.role, action: 'export', target: 'compliance_findings', details: { audit_id: auditId, ...filters, rows: out.rows }, ip: who.ip ?? null });
	return out;
}
