/** Words, number formats and links of the findings pages (shared by the compliance overview, findings list, ranked views and report). */
import { FILTER_KEYS, KIND_LABEL as KINDS } from '../../compliance/findings';

export { FILTER_KEYS };

export const KIND_LABEL: Record<string, string> = KINDS;

export const FILTER_LABEL: Record<string, string> = {
	from: 'from',
	to: 'to',
	pack: 'pack',
	rule: 'rule',
	kind: 'kind',
	channel: 'channel',
	agent: 'agent',
	template: 'template',
	experiment: 'experiment',
	arm: 'arm',
	person: 'customer or account',
	segment: 'segment'
};

/** findings per 10,000 contacts: one decimal, thousands separators; "no contacts" without contacts (nothing to divide by) */
export const formatRate = (v: number | null | undefined) => (v == null ? 'no contacts' : v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/**
 * "?pack=…&rule=…" from a filter, with some keys changed (null removes one); page resets to 1.
 * The order (?order=, a column; the findings list's default, date, is left out), its direction
 * (?sort=, desc left out) and a ranked view's grouping (?by=) are kept.
 */
export function withFilter(filter: Record<string, unknown>, over: Record<string, string | number | null | undefined> = {}, keep: readonly string[] = ['audit', ...FILTER_KEYS, 'by', 'order', 'sort']): string {
	const q = new URLSearchParams();
	const all: Record<string, unknown> = { ...filter, ...over };
	for (const k of keep) {
		const v = all[k];
		if (v === undefined || v === null || v === '') continue;
		if (k === 'sort' && v === 'desc') continue;
		if (k === 'order' && v === 'date') continue;
		if (k === 'page' && Number(v) === 1) continue;
		q.set(k, String(v));
	}
	if (over.page !== undefined && over.page !== null && Number(over.page) > 1) q.set('page', String(over.page));
	const s = q.toString();
	return s ? `?${s}` : '?';
}

/** the link from a finding (or a ranked row's worst account) to the person's timeline (the debt first, scrolled to the finding's date) */
export function timelineHref(r: { customer_id: string; account_id: string | null; local_date: string }, audit?: number): string {
	const q = new URLSearchParams();
	if (r.account_id) q.set('account', r.account_id);
	q.set('date', r.local_date);
	if (audit !== undefined) q.set('audit', String(audit));
	return `/compliance/people/${encodeURIComponent(r.customer_id)}?${q}`;
}

export const shortHash = (h: string | null | undefined) => (h ? h.slice(0, 8) : '—');
