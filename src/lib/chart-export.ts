/**
 * What a chart's downloads say about themselves (pure, shared by the browser and the server):
 * the header lines (what, period, filters in words, the data's as-of date), the CSV text with
 * those lines first as `#` comments, and a file name that says what and when
 * (`curewise_cure-rate-30d_weekly_2026-09-01_2026-11-30.csv`). Numbers come in formatted by the
 * caller with the formatters of ./format.ts, as the page shows them; cells go through the one
 * CSV writer (./csv.ts), which neutralises formula-like texts.
 */
import { csvText, type CsvValue } from './csv.ts';
import { formatDate, formatInt, formatKpi } from './format.ts';
import { kpiDef } from './kpis.ts';
import { COUNTS } from './metrics/counts.ts';
import { comparisonPeriod, comparisonWords, type ComparisonId } from './periods.ts';
import { CHANNEL, FILTER_KEYS, FILTER_LABELS, PRODUCT, SEGMENT, TONE, type FilterKey } from './vocabulary.ts';

export interface ExportContext {
	/** the period the data covers (none for, say, an experiment's whole run) */
	period?: { from: string; to: string } | null;
	/** the filters in force, in words ("Segment: Retail"); empty when none */
	filters?: readonly string[];
	/** the data's as-of date (YYYY-MM-DD) */
	asOf?: string | null;
	/** more lines for the header ("Compared with: …", "Experiment: …") */
	notes?: readonly string[];
}

/** a chart's table as the page shows it: a header row, then formatted cells */
export interface ExportTable {
	head: readonly string[];
	rows: readonly (readonly CsvValue[])[];
}

/** everything a chart's PNG and CSV need beyond the picture */
export interface ChartExport {
	/** the chart's title as the page writes it ("Cure rate (30 days) · weekly") */
	title: string;
	/** what, for the file name (slugged: "cure_rate_30d" → "cure-rate-30d") */
	what: string;
	/** the grain, for the file name and the header ("weekly", "monthly") */
	grain?: string;
	context: ExportContext;
	/** the data the chart shows, formatted (built only when the CSV is asked for) */
	table: () => ExportTable;
}

/** a chart's picture for its PNG: a PNG data URL at `ratio` times its size on screen, and the colours to write the header band in */
export interface ChartPicture {
	url: string;
	ratio: number;
	background: string;
	text: string;
	muted: string;
	border: string;
}

/** lower-case letters, digits and dashes: "Cure rate (30 days)" → "cure-rate-30-days" */
export function slug(text: string): string {
	const s = text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return s || 'chart';
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `curewise_<what>[_<grain>]_<from>_<to>.<ext>`, or `…_as-of-<date>` when there is no period */
export function exportFileName(x: Pick<ChartExport, 'what' | 'grain' | 'context'>, ext: 'csv' | 'png'): string {
	const parts = ['curewise', slug(x.what)];
	if (x.grain) parts.push(slug(x.grain));
	const p = x.context.period;
	if (p && ISO_DAY.test(p.from) && ISO_DAY.test(p.to)) parts.push(p.from, p.to);
	else if (x.context.asOf && ISO_DAY.test(x.context.asOf)) parts.push(`as-of-${x.context.asOf}`);
	return `${parts.join('_')}.${ext}`;
}

/** "1 Sep 2026 to 30 Nov 2026" */
export const periodWords = (p: { from: string; to: string }) => `${formatDate(p.from)} to ${formatDate(p.to)}`;

/** the filters line: "Segment: Retail; Channel: SMS", or none */
export const filtersWords = (filters: readonly string[] | undefined) => (filters?.length ? filters.join('; ') : 'none (all accounts and contacts)');

/**
 * The lines that explain a download, in order: the title (with its grain), the period, the
 * filters, the data's as-of date, then any notes. The PNG's header band and the CSV's `#`
 * lines both write these.
 */
export function headerLines(x: Pick<ChartExport, 'title' | 'grain' | 'context'>): string[] {
	const c = x.context;
	const lines = [x.grain && !x.title.toLowerCase().includes(x.grain.toLowerCase()) ? `${x.title} · ${x.grain}` : x.title];
	if (c.period) lines.push(`Period: ${periodWords(c.period)}`);
	if (c.filters) lines.push(`Filters: ${filtersWords(c.filters)}`);
	if (c.asOf) lines.push(`Data as of ${formatDate(c.asOf)}`);
	for (const n of c.notes ?? []) lines.push(n);
	return lines;
}

/**
 * A `#` comment line: one cell for a spreadsheet (commas become semicolons, line breaks spaces),
 * skipped by a reader told that `#` starts a comment (pandas `comment='#'`, R `comment.char`).
 */
export const commentLine = (text: string) => `# ${text.replace(/[\r\n]+/g, ' ').replace(/,/g, ';')}`;

/**
 * The CSV of a chart: a byte-order mark (so that a spreadsheet reads the text as UTF-8), the
 * header lines as `#` comments, then the table's header row and rows (CRLF line ends).
 */
export function chartCsv(x: Pick<ChartExport, 'title' | 'grain' | 'context'>, table: ExportTable): string {
	const comments = headerLines(x).map(commentLine).join('\r\n');
	return `\ufeff${comments}\r\n${csvText(table.head, table.rows)}`;
}

/** a filter's value in words (labels, not raw ids) */
function filterValue(key: FilterKey, v: string | boolean | number): string {
	const s = String(v);
	switch (key) {
		case 'segment':
			return SEGMENT.label(s);
		case 'product':
			return PRODUCT.label(s);
		case 'channel':
			return CHANNEL.label(s);
		case 'tone':
			return TONE.label(s);
		case 'vulnerable':
			return v === true || s === 'true' ? 'vulnerable accounts only' : 'accounts not marked vulnerable';
		default:
			return s;
	}
}

/** the Overview's filters in words, in the order of the form: ["Segment: Retail", "Vulnerable: accounts not marked vulnerable"] */
export function filtersInWords(filters: Partial<Record<string, string | boolean | number | null | undefined>>): string[] {
	const out: string[] = [];
	for (const k of FILTER_KEYS) {
		const v = filters[k];
		if (v === undefined || v === null || v === '') continue;
		if (k === 'arm') {
			// "experiment/arm" as the form sends it, or the arm alone next to its experiment
			const s = String(v);
			out.push(`${FILTER_LABELS.arm}: ${s.includes('/') ? s.slice(s.indexOf('/') + 1) : s}`);
			continue;
		}
		out.push(`${FILTER_LABELS[k]}: ${filterValue(k, v)}`);
	}
	return out;
}

/** the period and filters of an Overview query string (`from=…&to=…&segment=retail`), with the data's as-of date */
export function contextFromSearch(search: string, asOf: string | null | undefined): ExportContext {
	const q = new URLSearchParams(search);
	const from = q.get('from');
	const to = q.get('to');
	const filters: Record<string, string> = {};
	for (const k of FILTER_KEYS) {
		const v = q.get(k);
		if (v) filters[k] = v;
	}
	return { period: from && to ? { from, to } : null, filters: filtersInWords(filters), asOf: asOf ?? null };
}

/** the breakdown's metrics, in the order of its columns */
export const BREAKDOWN_METRICS = ['cure_rate_30d', 'cure_rate_60d', 'mature_30', 'accounts_contacted', 'outbound_contacts', 'right_party_contact_rate', 'complaints_per_1k_contacted'] as const;
const COMPARISON = '__comparison';

/** a breakdown metric's label ("Cure rate (30 days)", "Accounts contacted") */
export function breakdownLabel(m: string): string {
	const c = (COUNTS as Record<string, { label?: string }>)[m];
	return kpiDef(m)?.label ?? c?.label ?? m;
}

/** a breakdown metric's value as the page shows it ("57.1%", "1,234") */
export function breakdownValue(m: string, v: number | null): string {
	const def = kpiDef(m);
	return def ? formatKpi(def, v) : formatInt(v);
}

const DIMENSION_VALUE: Record<string, (v: string) => string> = { segment: SEGMENT.label, product: PRODUCT.label, channel: CHANNEL.label };

/**
 * The breakdown as the page shows it: one row per value of the dimension (its label), each
 * metric's value and, with a comparison, its value in the comparison period; numbers formatted.
 */
export function breakdownTable(dimension: string, columns: Record<string, readonly unknown[]>): ExportTable {
	const keys = columns[dimension] ?? [];
	const compared = BREAKDOWN_METRICS.some((m) => columns[m + COMPARISON] !== undefined);
	const head = [
		dimension.charAt(0).toUpperCase() + dimension.slice(1),
		...BREAKDOWN_METRICS.flatMap((m) => (compared ? [breakdownLabel(m), `${breakdownLabel(m)} (comparison period)`] : [breakdownLabel(m)]))
	];
	const num = (x: unknown) => (x == null ? null : Number(x));
	const label = DIMENSION_VALUE[dimension] ?? String;
	const rows = keys.map((k, i) => [
		k == null ? '(none)' : label(String(k)),
		...BREAKDOWN_METRICS.flatMap((m) => {
			const v = breakdownValue(m, num(columns[m]?.[i]));
			return compared ? [v, breakdownValue(m, num(columns[m + COMPARISON]?.[i]))] : [v];
		})
	]);
	return { head, rows };
}

/**
 * The breakdown's CSV, as the Overview's "Download CSV" gives it: what (the breakdown by its
 * dimension), the period, the filters in words, the data's as-of date and the comparison period
 * as `#` lines, then every value of the dimension (not only the rows the page shows) with its
 * numbers formatted as on the page; and its file name (`curewise_breakdown-by-segment_<from>_<to>.csv`).
 */
export function breakdownCsv(
	dimension: string,
	columns: Record<string, readonly unknown[]>,
	p: { from: string; to: string; as_of: string; compare: ComparisonId } & Partial<Record<string, unknown>>
): { text: string; fileName: string } {
	const filters = filtersInWords(Object.fromEntries(FILTER_KEYS.map((k) => [k, p[k] as string | boolean | undefined])));
	const period = { from: p.from, to: p.to };
	const cmp = comparisonPeriod(period, p.compare);
	const x = {
		title: `Breakdown by ${dimension}`,
		what: `breakdown-by-${dimension}`,
		context: { period, filters, asOf: p.as_of, notes: [`Compared with ${comparisonWords(period, p.compare)}: ${periodWords(cmp)}`] }
	};
	return { text: chartCsv(x, breakdownTable(dimension, columns)), fileName: exportFileName(x, 'csv') };
}
