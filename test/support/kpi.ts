/** Test helpers for the KPIs: two sets of KPI values must agree to the last digit (sums of fractions to 1e-12). */
import { expect } from 'vitest';
import type { KpiValue } from '../../src/lib/server/kpi/values.ts';

export function expectSameKpis(a: Record<string, KpiValue>, b: Record<string, KpiValue>, where: string) {
	expect(Object.keys(a).sort(), where).toEqual(Object.keys(b).sort());
	for (const k of Object.keys(a)) {
		const x = a[k]!;
		const y = b[k]!;
		if (typeof x.value === 'number' && typeof y.value === 'number' && !Number.isInteger(x.value)) {
			expect(x.value, `${where} ${k}`).toBeCloseTo(y.value, 12);
			expect({ ...x, value: 0, numerator: 0 }, `${where} ${k}`).toEqual({ ...y, value: 0, numerator: 0 });
			if (x.numerator !== undefined) expect(x.numerator, `${where} ${k} numerator`).toBeCloseTo(y.numerator!, 9);
		} else expect(x, `${where} ${k}`).toEqual(y);
	}
}
