import { expect, test } from 'vitest';
import { noDataReason, reasonText } from '../../src/lib/no-data.ts';
import { earlyPeriodNote, firstMatureOn, presetPeriod } from '../../src/lib/periods.ts';

const asOf = '2026-07-01';
// a 90-day period ending at the as-of date, with episodes that began in it (the 30-day cure rate has a denominator)
const period = presetPeriod('last_90_days', asOf);
const kpis = {
	cure_rate_30d: { value: 0.417, numerator: 103, denominator: 247, provisional: true },
	cure_rate_90d: { value: null, numerator: 0, denominator: 0, provisional: true },
	charge_off_rate: { value: null, numerator: 0, denominator: 0, provisional: true },
	attrition_after_cure: { value: null, numerator: 0, denominator: 0 },
	complaints_via_regulator_share: { value: null, numerator: 0, denominator: 0 },
	days_to_pay_p75: { value: null }
};

test('a KPI with a value has no reason', () => {
	expect(noDataReason('cure_rate_30d', kpis.cure_rate_30d, { period, asOf, kpis })).toBeNull();
});

test('a cohort KPI none of whose episodes is old enough says so, and the first day one will be', () => {
	const r = noDataReason('cure_rate_90d', kpis.cure_rate_90d, { period, asOf, kpis })!;
	// the period began on 3 Apr 2026: an episode of that day is 90 days old on 2 Jul 2026
	expect(reasonText(r)).toBe('No episode that began in this period is 90 days old yet; the first will be on 2 Jul 2026 at the earliest.');
	const c = noDataReason('charge_off_rate', kpis.charge_off_rate, { period, asOf, kpis })!;
	expect(c.why).toContain('is 180 days old yet');
	// 3 Apr 2026 + 180 days
	expect(c.when).toContain(`on 30 ${new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(new Date('2026-09-30T00:00:00Z'))} 2026 at the earliest`);
	expect(noDataReason('attrition_after_cure', kpis.attrition_after_cure, { period, asOf, kpis })!.why).toContain('180 days after a cure');
});

test('a period in which no episode began, no complaint came, or half have not paid yet: each its own reason', () => {
	const none = { cure_rate_30d: { value: null, numerator: 0, denominator: 0, provisional: false } };
	const day = { from: asOf, to: asOf };
	expect(reasonText(noDataReason('cure_rate_30d', none.cure_rate_30d, { period: day, asOf, kpis: none })!)).toBe('No delinquency episode began in this period; new episodes count as they begin.');
	expect(noDataReason('cure_rate_30d', none.cure_rate_30d, { period: day, asOf, kpis: none, which: 'that', filtered: true })!.why).toBe('no delinquency episode began in that period with these filters');
	expect(reasonText(noDataReason('complaints_via_regulator_share', kpis.complaints_via_regulator_share, { period, asOf, kpis })!)).toBe('No complaints in this period, so there is nothing to divide by.');
	expect(noDataReason('days_to_pay_p75', kpis.days_to_pay_p75, { period, asOf, kpis })!.why).toBe(
		"fewer than 75% of the episodes of this period had made a payment by 1 Jul 2026, the data's last day, so the percentile is not reached yet"
	);
});

test('the first mature day is exact when the period is one day, else the earliest', () => {
	expect(firstMatureOn({ from: asOf, to: asOf }, asOf, 30)).toEqual({ on: '2026-07-31', exact: true });
	expect(firstMatureOn({ from: '2026-06-01', to: asOf }, asOf, 30)).toEqual({ on: '2026-07-02', exact: false });
	expect(firstMatureOn({ from: '2026-06-20', to: asOf }, asOf, 30)).toEqual({ on: '2026-07-20', exact: false });
});

test('quarter to date on the first day of a quarter says so and offers last quarter; later, or another preset, no note', () => {
	const qtd = presetPeriod('quarter_to_date', asOf);
	expect(qtd).toEqual({ from: asOf, to: asOf });
	const note = earlyPeriodNote(qtd, asOf)!;
	expect(note.text).toContain('The quarter began on 1 Jul 2026, the last day of the data');
	expect(note.suggestion).toEqual({ id: 'last_quarter', label: 'Last quarter', period: { from: '2026-04-01', to: '2026-06-30' } });
	expect(earlyPeriodNote(presetPeriod('quarter_to_date', '2026-07-10'), '2026-07-10')).toBeNull();
	expect(earlyPeriodNote(presetPeriod('last_30_days', asOf), asOf)).toBeNull();
	// on 2 Jan the year and the quarter to date are the same two days: the note names the quarter
	expect(earlyPeriodNote(presetPeriod('year_to_date', '2026-01-02'), '2026-01-02')!.text).toContain('quarter to date holds 2 days so far');
});

test('an average count of things is a whole number, said as about', async () => {
	const { formatAboutCount } = await import('../../src/lib/format.ts');
	expect(formatAboutCount(367.9)).toBe('about 368');
	expect(formatAboutCount(12)).toBe('12');
	expect(formatAboutCount(0.4)).toBe('fewer than 1');
	expect(formatAboutCount(null)).toBe('—');
});
