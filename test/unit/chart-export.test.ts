/**
 * What a chart's downloads say about themselves (src/lib/chart-export.ts): the file name says
 * what and when, the CSV starts with `#` lines naming what, the period, the filters in words and
 * the as-of date, numbers come formatted as the page shows them, and formula-like cells are
 * neutralised by the one CSV writer.
 */
import { describe, expect, test } from 'vitest';
import { breakdownCsv, chartCsv, commentLine, contextFromSearch, exportFileName, filtersInWords, headerLines, slug, type ChartExport } from '../../src/lib/chart-export.ts';
import { formatDate, formatKpi } from '../../src/lib/format.ts';
import { kpiDef } from '../../src/lib/kpis.ts';

/** the period as format.ts writes it ("1 Sep 2026"; Node's ICU may write "Sept") */
const sep1 = formatDate('2026-09-01');
const lines = (text: string) => text.replace(/^\ufeff/, '').split('\r\n');
/** a minimal RFC 4180 reader: the cells of one line */
function cells(line: string): string[] {
	const out: string[] = [];
	let cur = '';
	let quoted = false;
	for (let i = 0; i < line.length; i++) {
		const ch = line[i]!;
		if (quoted) {
			if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
			else if (ch === '"') quoted = false;
			else cur += ch;
		} else if (ch === '"') quoted = true;
		else if (ch === ',') out.push(cur), (cur = '');
		else cur += ch;
	}
	out.push(cur);
	return out;
}

describe('file names', () => {
	test('say the chart, the grain and the period', () => {
		const x = { what: 'cure_rate_30d', grain: 'weekly', context: { period: { from: '2026-09-01', to: '2026-11-30' }, asOf: '2026-11-30' } };
		expect(exportFileName(x, 'csv')).toBe('curewise_cure-rate-30d_weekly_2026-09-01_2026-11-30.csv');
		expect(exportFileName(x, 'png')).toBe('curewise_cure-rate-30d_weekly_2026-09-01_2026-11-30.png');
	});
	test('without a period, the as-of date; never an unsafe character', () => {
		expect(exportFileName({ what: 'Effect over time: "arm/b"', context: { asOf: '2026-11-30' } }, 'png')).toBe('curewise_effect-over-time-arm-b_as-of-2026-11-30.png');
		expect(exportFileName({ what: '../../etc', context: { period: { from: '2026-01-01', to: 'x;rm' } } }, 'csv')).toBe('curewise_etc.csv');
		expect(slug('Réponse — SMS')).toBe('reponse-sms');
	});
});

describe('filters in words', () => {
	test('labels, not raw ids, in the order of the form', () => {
		expect(filtersInWords({ channel: 'in_app', segment: 'sme', vulnerable: false, product: 'personal_loan' })).toEqual([
			'Segment: SME',
			'Product: Personal loan',
			'Vulnerable: accounts not marked vulnerable',
			'Channel: In-app'
		]);
		expect(filtersInWords({ experiment: 'sms-first', arm: 'sms-first/treatment' })).toEqual(['Experiment: sms-first', 'Arm: treatment']);
	});
	test('from the Overview query string, with the as-of date', () => {
		const c = contextFromSearch('from=2026-09-01&to=2026-11-30&segment=retail&vulnerable=true&compare=year', '2026-11-30');
		expect(c).toEqual({ period: { from: '2026-09-01', to: '2026-11-30' }, filters: ['Segment: Retail', 'Vulnerable: vulnerable accounts only'], asOf: '2026-11-30' });
		expect(headerLines({ title: 'Cure rate (30 days)', grain: 'weekly', context: c })).toEqual([
			'Cure rate (30 days) · weekly',
			`Period: ${sep1} to 30 Nov 2026`,
			'Filters: Segment: Retail; Vulnerable: vulnerable accounts only',
			'Data as of 30 Nov 2026'
		]);
		expect(headerLines({ title: 'Cure curves', context: contextFromSearch('from=2026-09-01&to=2026-11-30', null) })[2]).toBe('Filters: none (all accounts and contacts)');
	});
});

describe('a chart CSV', () => {
	const def = kpiDef('cure_rate_30d')!;
	const x: ChartExport = {
		title: 'Cure rate (30 days)',
		what: 'cure_rate_30d',
		grain: 'weekly',
		context: contextFromSearch('from=2026-09-01&to=2026-11-30&channel=sms', '2026-11-30'),
		table: () => ({ head: ['Week starting', def.label], rows: [['2026-09-07', formatKpi(def, 0.5714285714285714)], ['2026-09-14', formatKpi(def, null)]] })
	};
	test('starts with # lines naming what, the period, the filters and the as-of date, then the table with formatted numbers', () => {
		const text = chartCsv(x, x.table());
		expect(text.startsWith('\ufeff# Cure rate (30 days) · weekly\r\n')).toBe(true);
		expect(lines(text)).toEqual([
			'# Cure rate (30 days) · weekly',
			`# Period: ${sep1} to 30 Nov 2026`,
			'# Filters: Channel: SMS',
			'# Data as of 30 Nov 2026',
			'Week starting,Cure rate (30 days)',
			'2026-09-07,57.1%',
			'2026-09-14,no data',
			''
		]);
		expect(text).not.toContain('0.571428');
	});
	test('a # line is one cell (no comma, no line break), whatever the filter values hold', () => {
		expect(commentLine('Filters: Template: a,=HYPERLINK("x")\r\nnext')).toBe('# Filters: Template: a;=HYPERLINK("x") next');
		for (const l of lines(chartCsv({ ...x, context: { ...x.context, filters: ['Template: a,=1+1'] } }, x.table())).filter((l) => l.startsWith('#'))) expect(cells(l)).toHaveLength(1);
	});
	test('cells that a spreadsheet would run as a formula are neutralised; plain numbers and formatted values stay as they are', () => {
		const text = chartCsv(x, { head: ['Template', 'Sent'], rows: [['=HYPERLINK("http://x")', '1,234'], ['@SUM(1+1)', -50], ['-3', '12.5%']] });
		const rows = lines(text).slice(5, 8).map(cells);
		expect(rows).toEqual([
			[`'=HYPERLINK("http://x")`, '1,234'],
			[`'@SUM(1+1)`, '-50'],
			['-3', '12.5%']
		]);
	});
});

describe('the breakdown CSV', () => {
	test('labels, formatted numbers, the comparison period, and a file name with the period', () => {
		const columns = {
			segment: ['retail', 'sme'],
			cure_rate_30d: [0.5714285714285714, null],
			cure_rate_30d__comparison: [0.5, 0.25],
			accounts_contacted: [12345, 7],
			accounts_contacted__comparison: [12000, 9]
		};
		const { text, fileName } = breakdownCsv('segment', columns, { from: '2026-09-01', to: '2026-11-29', as_of: '2026-11-30', compare: 'previous', segment: undefined, vulnerable: false });
		expect(fileName).toBe('curewise_breakdown-by-segment_2026-09-01_2026-11-29.csv');
		const l = lines(text);
		expect(l.slice(0, 5)).toEqual([
			'# Breakdown by segment',
			`# Period: ${sep1} to 29 Nov 2026`,
			'# Filters: Vulnerable: accounts not marked vulnerable',
			'# Data as of 30 Nov 2026',
			'# Compared with the previous 90 days: 3 Jun 2026 to 31 Aug 2026'
		]);
		const head = cells(l[5]!);
		expect(head.slice(0, 3)).toEqual(['Segment', 'Cure rate (30 days)', 'Cure rate (30 days) (comparison period)']);
		const retail = cells(l[6]!);
		expect(retail[0]).toBe('Retail');
		expect(retail[1]).toBe('57.1%');
		expect(retail[2]).toBe('50.0%');
		expect(retail).toContain('12,345');
		expect(cells(l[7]!).slice(0, 3)).toEqual(['SME', 'no data', '25.0%']);
		expect(text).not.toMatch(/0\.5714/);
	});
});
