/**
 * Periods of the Overview and the CLI: the presets (each ends at, or just before, the data's
 * as-of date) and the period a figure is compared with. Pure; shared by the server, the page
 * and the CLI. Dates are ISO days (YYYY-MM-DD), read as UTC calendar days.
 */
import { z } from 'zod';

const DAY = 86_400_000;
const ms = (d: string) => Date.parse(d + 'T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
export const addDays = (d: string, n: number) => iso(ms(d) + n * DAY);
/** the number of days from a to b, both included */
export const daysBetween = (a: string, b: string) => Math.round((ms(b) - ms(a)) / DAY) + 1;

/** the same calendar day `years` years away; 29 February becomes 28 February */
export function shiftYears(d: string, years: number): string {
	const y = Number(d.slice(0, 4)) + years;
	const md = d.slice(5);
	const candidate = `${String(y).padStart(4, '0')}-${md}`;
	return iso(ms(candidate)).slice(5) === md ? candidate : `${String(y).padStart(4, '0')}-02-28`;
}

const monthStart = (d: string) => d.slice(0, 8) + '01';
const lastDay = (y: number, m0: number) => iso(Date.UTC(y, m0 + 1, 0));

export const PRESETS = [
	{ id: 'last_30_days', label: 'Last 30 days' },
	{ id: 'last_90_days', label: 'Last 90 days' },
	{ id: 'last_month', label: 'Last month' },
	{ id: 'last_quarter', label: 'Last quarter' },
	{ id: 'quarter_to_date', label: 'Quarter to date' },
	{ id: 'year_to_date', label: 'Year to date' },
	{ id: 'last_12_months', label: 'Last 12 months' }
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];
export const presetSchema = z.enum(PRESETS.map((p) => p.id) as [PresetId, ...PresetId[]], {
	error: `period preset must be one of ${PRESETS.map((p) => p.id).join(', ')}`
});

export interface Period {
	from: string;
	to: string;
}

/**
 * The period of a preset for data as of `asOf`. "Last month" and "last quarter" are the
 * calendar month and quarter before the one that holds the as-of date; the others end at it.
 */
export function presetPeriod(id: PresetId, asOf: string): Period {
	const y = Number(asOf.slice(0, 4));
	const m0 = Number(asOf.slice(5, 7)) - 1;
	const q0 = Math.floor(m0 / 3) * 3;
	switch (id) {
		case 'last_30_days':
			return { from: addDays(asOf, -29), to: asOf };
		case 'last_90_days':
			return { from: addDays(asOf, -89), to: asOf };
		case 'last_month': {
			const to = addDays(monthStart(asOf), -1);
			return { from: monthStart(to), to };
		}
		case 'last_quarter': {
			const start = iso(Date.UTC(y, q0 - 3, 1));
			return { from: start, to: lastDay(Number(start.slice(0, 4)), Number(start.slice(5, 7)) + 1) };
		}
		case 'quarter_to_date':
			return { from: iso(Date.UTC(y, q0, 1)), to: asOf };
		case 'year_to_date':
			return { from: `${asOf.slice(0, 4)}-01-01`, to: asOf };
		case 'last_12_months':
			return { from: addDays(shiftYears(asOf, -1), 1), to: asOf };
	}
}

/** the preset a period is, if it is one (for the page to mark it) */
export function presetOf(p: Period, asOf: string): PresetId | null {
	for (const { id } of PRESETS) {
		const q = presetPeriod(id, asOf);
		if (q.from === p.from && q.to === p.to) return id;
	}
	return null;
}

export const COMPARISONS = [
	{ id: 'previous', label: 'Previous period' },
	{ id: 'year', label: 'Same period a year before' }
] as const;
export type ComparisonId = (typeof COMPARISONS)[number]['id'];
export const comparisonSchema = z.enum(['previous', 'year'], { error: 'compare must be previous (the period of the same length just before) or year (the same days a year before)' });

/**
 * The period a figure is compared with: `previous`, the period of the same length that ends
 * the day before; `year`, the same calendar days one year before.
 */
export function comparisonPeriod(p: Period, compare: ComparisonId): Period {
	if (compare === 'year') return { from: shiftYears(p.from, -1), to: shiftYears(p.to, -1) };
	const len = daysBetween(p.from, p.to);
	return { from: addDays(p.from, -len), to: addDays(p.from, -1) };
}

/** "the previous 90 days" / "the same days a year before", for the page and the CLI */
export function comparisonWords(p: Period, compare: ComparisonId): string {
	if (compare === 'year') return 'the same days a year before';
	const len = daysBetween(p.from, p.to);
	return `the previous ${len} day${len === 1 ? '' : 's'}`;
}

const fmtDay = (d: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(d + 'T00:00:00Z'));

/**
 * A preset whose period has only just begun: "quarter to date" on the first days of a quarter
 * and "year to date" on the first days of a year hold so few days that most KPIs have nothing
 * to count yet. As in Metabase's "this quarter", the preset keeps meaning the calendar quarter
 * so far (it is never silently stretched); the page says so and offers the whole period before
 * in one click. Null for any other period, or once the period holds at least `minDays` days.
 */
export function earlyPeriodNote(
	p: Period,
	asOf: string,
	minDays = 7
): { text: string; suggestion: { id: PresetId; label: string; period: Period } } | null {
	const id = presetOf(p, asOf);
	if (id !== 'quarter_to_date' && id !== 'year_to_date') return null;
	const days = daysBetween(p.from, p.to);
	if (days >= minDays) return null;
	const what = id === 'quarter_to_date' ? 'quarter' : 'year';
	const began = p.from === asOf ? `began on ${fmtDay(p.from)}, the last day of the data` : `began on ${fmtDay(p.from)}`;
	const text = `The ${what} ${began}: ${what} to date holds ${days === 1 ? 'that one day' : `${days} days`} so far, too few for most KPIs (an episode is counted once it is 30 days old).`;
	const sid: PresetId = id === 'quarter_to_date' ? 'last_quarter' : 'last_12_months';
	return { text, suggestion: { id: sid, label: PRESETS.find((x) => x.id === sid)!.label, period: presetPeriod(sid, asOf) } };
}

/**
 * The first day on which an episode that began in [from, to] can be `days` days old, when none
 * is yet at the as-of date (every episode of the period began after asOf − days): the earliest
 * start such an episode can have, plus `days`. `exact` when that start is the period's only
 * possible day (the period is one day, or ends where the immature part begins).
 */
export function firstMatureOn(p: Period, asOf: string, days: number): { on: string; exact: boolean } {
	const earliest = [p.from, addDays(asOf, -days + 1)].sort().at(-1)!;
	return { on: addDays(earliest, days), exact: earliest >= p.to };
}
