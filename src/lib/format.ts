import type { KpiDef } from './kpis';

/** Number and date formats of ux.md, shared by pages and components. */
const int = new Intl.NumberFormat('en-US');
const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateTimeFmt = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'short',
	year: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	timeZone: 'UTC'
});

export const formatInt = (n: number | null | undefined) => (n == null ? '—' : int.format(n));

/** "2 Mar 2026" */
export const formatDate = (iso: string | null | undefined) => (iso ? dateFmt.format(new Date(iso)) : '—');

/** "2 Mar 2026, 14:05 UTC" */
export const formatDateTime = (iso: string | null | undefined) => (iso ? dateTimeFmt.format(new Date(iso)) + ' UTC' : '—');

const timeFmt = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
/** "14:05 UTC" (with formatDate: the two halves of formatDateTime) */
export const formatTime = (iso: string | null | undefined) => (iso ? timeFmt.format(new Date(iso)) + ' UTC' : '—');

/** "3 min ago", "2 h ago", "5 days ago" */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
	if (!iso) return 'never';
	const s = Math.max(0, (now - new Date(iso).getTime()) / 1000);
	if (s < 60) return 'just now';
	if (s < 3600) return `${Math.floor(s / 60)} min ago`;
	if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
	const d = Math.floor(s / 86400);
	return `${d} day${d === 1 ? '' : 's'} ago`;
}

export function formatDuration(ms: number | null | undefined): string {
	if (ms == null) return '—';
	if (ms < 1000) return `${ms} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null | undefined): string {
	if (n == null) return '—';
	if (n < 1024) return `${n} B`;
	if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
	if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
	return `${(n / 1024 ** 3).toFixed(2)} GB`;
}


/** a KPI's value as ux.md writes it: 38.5%, 12 days, 4.2 (per 1,000) */
export function formatKpi(def: KpiDef, v: number | null | undefined): string {
	if (v == null) return 'no data';
	switch (def.format) {
		case 'percent':
			return `${(v * 100).toFixed(1)}%`;
		case 'days':
			return `${Math.round(v)} day${Math.round(v) === 1 ? '' : 's'}`;
		case 'per_1k':
		case 'per_10k':
			return v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
		default:
			return v.toLocaleString('en-US', { maximumFractionDigits: 1 });
	}
}

/**
 * The change against the comparison period: its text, which way it went (the arrow: up or
 * down) and whether that is good news (the colour and the word). A change that rounds to
 * nothing at the shown precision is flat ("±0.0 pp", never "−0.0 pp").
 */
export function formatChange(
	def: KpiDef,
	cur: number | null | undefined,
	prev: number | null | undefined
): { text: string; tone: 'good' | 'bad' | 'flat'; direction: 'up' | 'down' | 'flat' } | null {
	if (cur == null || prev == null) return null;
	const d = cur - prev;
	const abs = Math.abs(d);
	const shown =
		def.format === 'percent'
			? `${(abs * 100).toFixed(1)} pp`
			: def.format === 'days'
				? `${Math.round(abs)} day${Math.round(abs) === 1 ? '' : 's'}`
				: abs.toLocaleString('en-US', { maximumFractionDigits: 1 });
	if (/^0(\.0)?( pp| days)?$/.test(shown)) return { text: `±${shown}`, tone: 'flat', direction: 'flat' };
	const direction = d > 0 ? 'up' : 'down';
	return { text: `${d > 0 ? '+' : '−'}${shown}`, tone: (d > 0) === (def.better === 'up') ? 'good' : 'bad', direction };
}

/** the arrow of a change's direction (its colour and word say whether it is good) */
export const changeArrow = (direction: 'up' | 'down' | 'flat') => (direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■');

/**
 * A count of things that is an average ("new eligible accounts a day"): a whole number, said as
 * about ("about 368"), never "367.9 accounts"; under one, "fewer than 1".
 */
export function formatAboutCount(n: number | null | undefined): string {
	if (n == null || !Number.isFinite(n)) return '—';
	if (n === 0) return '0';
	if (n < 1) return 'fewer than 1';
	const r = Math.round(n);
	return r === n ? formatInt(r) : `about ${formatInt(r)}`;
}
