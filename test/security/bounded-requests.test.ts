/**
 * Bounded requests (issue 17, item 2, the periods): a view's dates lie between 1900 and 2100 and a
 * period is at most ten years, refused with a message before any query runs (a period from year 1
 * to 9999 ran 33 s and answered 62 MB).
 */
import { describe, expect, test } from 'vitest';
import { ChartParamsError, runChartQuery } from '../../src/lib/server/kpi/charts.ts';
import { kpiParamsSchema, MAX_PERIOD_DAYS } from '../../src/lib/server/kpi/summary.ts';
import { tempStore } from '../support/store.ts';

const problems = (input: Record<string, unknown>) => {
	const r = kpiParamsSchema.safeParse(input);
	return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('periods', () => {
	test('years 1 to 9999 are refused, saying why and where', () => {
		expect(problems({ from: '0001-01-01', to: '9999-12-31' })).toEqual([
			'from: dates are between 1900-01-01 and 2100-12-31',
			'to: dates are between 1900-01-01 and 2100-12-31'
		]);
		expect(problems({ from: '2026-02-31', to: '2026-03-01' })).toEqual(['from: not a real date']);
	});

	test('ten years are allowed, a day more is refused', () => {
		expect(problems({ from: '2016-01-01', to: '2025-12-31' })).toEqual([]);
		expect(problems({ from: '2016-01-01', to: '2026-01-03' })).toEqual([`to: a period is at most ${MAX_PERIOD_DAYS} days (ten years)`]);
	});

	test('the chart endpoint refuses the unbounded trend before it runs a query', async () => {
		const t = await tempStore();
		try {
			const t0 = performance.now();
			await expect(runChartQuery(t.store, 'kpi_trend', { from: '0001-01-01', to: '9999-12-31', as_of: '2026-06-30', grain: 'week' })).rejects.toThrow(ChartParamsError);
			await expect(runChartQuery(t.store, 'kpi_trend', { from: '1990-01-01', to: '2026-06-30', as_of: '2026-06-30', grain: 'week' })).rejects.toThrow(/at most 3653 days/);
			expect(performance.now() - t0).toBeLessThan(1000);
		} finally {
			await t.close();
		}
	});
});
