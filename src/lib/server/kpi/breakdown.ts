/**
 * The breakdown table: KPIs per value of an account attribute (segment, product, region)
 * or a contact attribute (channel, template, agent). Account attributes come from the
 * summary tables while they are fresh (every KPI, the same code as the tiles) and from
 * queries/kpi/breakdown.sql otherwise; contact attributes from queries/kpi/breakdown_contacts.sql.
 */
import type { Store } from '../db/store.ts';
import { querySql } from '../paths.ts';
import { ACCOUNT_DIMENSIONS, countsOfRow, summaryCounts, summaryUsable, type AccountDimension, type KpiCounts } from './counts.ts';
import { filterArgs } from './filter-args.ts';
import { kpisFromCounts } from './values.ts';
import type { kpiParamsSchema } from './params.ts';
import type { z } from 'zod';

export const BREAKDOWN_DIMENSIONS = ['segment', 'product', 'region', 'channel', 'template', 'agent'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** the columns of the table, in order; KPIs keep their catalogue names */
export const BREAKDOWN_METRICS = [
	'cure_rate_30d',
	'cure_rate_60d',
	'mature_30',
	'accounts_contacted',
	'outbound_contacts',
	'right_party_contact_rate',
	'complaints_per_1k_contacted'
] as const;

export type Columns = Record<string, (string | number | null)[]>;

const CONTACT_COLUMNS: Record<string, string> = { channel: 'channel', template: 'template_id', agent: 'agent_id' };

/** the table's columns from each value's counts: the KPIs by the tiles' code, and two of the counts as they are */
function columnsOf(dimension: BreakdownDimension, rows: [string, KpiCounts][], threshold: number): Columns {
	const out: Columns = { [dimension]: [], ...Object.fromEntries(BREAKDOWN_METRICS.map((m) => [m, []])) };
	for (const [value, counts] of rows) {
		const k = kpisFromCounts(counts, threshold);
		const cells: Record<(typeof BREAKDOWN_METRICS)[number], number | null> = {
			cure_rate_30d: k.cure_rate_30d!.value,
			cure_rate_60d: k.cure_rate_60d!.value,
			mature_30: k.cure_rate_30d!.denominator ?? 0,
			accounts_contacted: counts.contacts.accounts_contacted,
			outbound_contacts: counts.contacts.outbound_contacts,
			right_party_contact_rate: k.right_party_contact_rate!.value,
			complaints_per_1k_contacted: k.complaints_per_1k_contacted!.value
		};
		out[dimension]!.push(value);
		for (const m of BREAKDOWN_METRICS) out[m]!.push(cells[m]);
	}
	return out;
}

/** the breakdown of one bucket of summary counts grouped by an account attribute (keys `${bucket}|${value}`) */
export function breakdownOfGroups(dimension: AccountDimension, byGroup: Map<string, KpiCounts>, bucket: string, threshold: number): Columns {
	const rows = [...byGroup].filter(([key]) => key.startsWith(bucket + '|')).sort(([a], [b]) => a.localeCompare(b));
	return columnsOf(dimension, rows.map(([key, c]) => [key.slice(key.indexOf('|') + 1), c]), threshold);
}

export async function breakdown(store: Store, p: z.infer<typeof kpiParamsSchema> & { as_of: string }, dimension: BreakdownDimension): Promise<Columns> {
	if ((ACCOUNT_DIMENSIONS as readonly string[]).includes(dimension) && (await summaryUsable(store, p, p.as_of))) {
		const byGroup = await summaryCounts(store, p, p.as_of, 'period', p.from, dimension as AccountDimension, false);
		return breakdownOfGroups(dimension as AccountDimension, byGroup, p.from, p.contact_threshold);
	}
	const contact = CONTACT_COLUMNS[dimension];
	// the identifier spliced in comes from the allow-lists above, never from a request
	const sql = contact
		? querySql('kpi/breakdown_contacts').replaceAll('{{dimension}}', contact)
		: querySql('kpi/breakdown').replaceAll('{{dimension}}', (ACCOUNT_DIMENSIONS as readonly string[]).includes(dimension) ? dimension : 'segment');
	const rows = await store.rows<Record<string, unknown>>(sql, { from: p.from, to: p.to, as_of: p.as_of, ...filterArgs(p) });
	return columnsOf(dimension, rows.map((r) => [String(r.value), countsOfRow(r)]), p.contact_threshold);
}

/**
 * The breakdown of a period next to that of the period it is compared with: for each metric m,
 * column m holds the current value and m__comparison the comparison period's (null: no data).
 * Rows are the values seen in either period.
 */
export async function breakdownCompared(
	store: Store,
	p: z.infer<typeof kpiParamsSchema> & { as_of: string },
	dimension: BreakdownDimension,
	comparison: { from: string; to: string }
): Promise<Columns> {
	const [cur, cmp] = await Promise.all([breakdown(store, p, dimension), breakdown(store, { ...p, ...comparison }, dimension)]);
	return compareColumns(dimension, cur, cmp);
}

/**
 * At most `max` rows of a breakdown, for a table on a page (a breakdown by agent or template can
 * have as many rows as the data has agents): those with the most outbound contacts in the period
 * (then the most mature episodes, then by name), in the table's order. `total`: the rows there were.
 */
export function largestRows(dimension: BreakdownDimension, columns: Columns, max: number): { columns: Columns; total: number } {
	const keys = columns[dimension] ?? [];
	if (keys.length <= max) return { columns, total: keys.length };
	const num = (m: string, i: number) => Number(columns[m]?.[i] ?? 0);
	const keep = keys
		.map((_, i) => i)
		.sort((a, b) => num('outbound_contacts', b) - num('outbound_contacts', a) || num('mature_30', b) - num('mature_30', a) || String(keys[a]).localeCompare(String(keys[b])))
		.slice(0, max)
		.sort((a, b) => a - b);
	return { columns: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, keep.map((i) => v[i] ?? null)])), total: keys.length };
}

/** a period's columns next to its comparison's: m and m__comparison, rows the values of either */
export function compareColumns(dimension: BreakdownDimension, cur: Columns, cmp: Columns): Columns {
	const keys = [...new Set([...(cur[dimension] ?? []), ...(cmp[dimension] ?? [])].map(String))].sort((a, b) => a.localeCompare(b));
	const at = (c: Columns, key: string) => (c[dimension] ?? []).map(String).indexOf(key);
	const out: Columns = { [dimension]: keys };
	for (const m of BREAKDOWN_METRICS) {
		out[m] = keys.map((k) => (at(cur, k) < 0 ? null : (cur[m]![at(cur, k)] ?? null)));
		out[`${m}__comparison`] = keys.map((k) => (at(cmp, k) < 0 ? null : (cmp[m]![at(cmp, k)] ?? null)));
	}
	return out;
}
