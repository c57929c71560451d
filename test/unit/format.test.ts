import { expect, test } from 'vitest';
import { changeArrow, formatChange, formatDate, formatDateTime, formatKpi, formatTime } from '../../src/lib/format.ts';
import { kpiDef } from '../../src/lib/kpis.ts';

test('KPI values and changes are written as ux.md says, coloured by good or bad news', () => {
	const cure = kpiDef('cure_rate_30d')!;
	const complaints = kpiDef('complaints_per_1k_contacted')!;
	const days = kpiDef('days_to_pay_median')!;
	expect(formatKpi(cure, 0.385)).toBe('38.5%');
	expect(formatKpi(cure, null)).toBe('no data');
	expect(formatKpi(complaints, 4.25)).toBe('4.3');
	expect(formatKpi(days, 1)).toBe('1 day');
	expect(formatChange(cure, 0.421, 0.39)).toEqual({ text: '+3.1 pp', tone: 'good', direction: 'up' });
	expect(formatChange(complaints, 3, 4.5)).toEqual({ text: '−1.5', tone: 'good', direction: 'down' });
	expect(formatChange(days, 17, 16)).toEqual({ text: '+1 day', tone: 'bad', direction: 'up' });
	expect(formatChange(cure, null, 0.3)).toBeNull();
	// complaints that rose: the arrow up, the news bad (issue 18: "▼ +5.3" read as a fall)
	expect(formatChange(complaints, 9.8, 4.5)).toEqual({ text: '+5.3', tone: 'bad', direction: 'up' });
	expect(changeArrow(formatChange(complaints, 9.8, 4.5)!.direction)).toBe('▲');
	// a change too small to show is no change, never "−0.0 pp"
	expect(formatChange(cure, 0.39999, 0.4)).toEqual({ text: '±0.0 pp', tone: 'flat', direction: 'flat' });
	expect(formatChange(complaints, 4.52, 4.5)).toEqual({ text: '±0', tone: 'flat', direction: 'flat' });
	expect(formatChange(days, 16.2, 16)).toEqual({ text: '±0 days', tone: 'flat', direction: 'flat' });
});

test('a date and time in UTC, whole or as its two halves', () => {
	const at = '2026-03-02T14:05:59Z';
	expect(formatDateTime(at)).toBe('2 Mar 2026, 14:05 UTC');
	expect(`${formatDate(at)}, ${formatTime(at)}`).toBe(formatDateTime(at));
	expect(formatTime('2026-03-02T00:00:00Z')).toBe('00:00 UTC');
	expect(formatTime(null)).toBe('—');
});
