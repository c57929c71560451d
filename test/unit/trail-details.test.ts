import { expect, test } from 'vitest';
import { canonical } from '../../src/lib/canonical.ts';
import { detailsList } from '../../src/lib/trail-details.ts';

test("a trail record's details read as a list of label: value, not JSON", () => {
	const list = detailsList(canonical({ audit_id: 3, rows: 12345, via: 'control socket', args: ['kpis', '--json'], role: 'compliance', ok: true, error: null, filters: { from: '2026-01-01', rule_id: 'inconvenient_hours' } }));
	expect(list).toEqual([
		{ label: 'Arguments', value: 'kpis, --json' },
		{ label: 'Audit', value: '3' },
		{ label: 'Error', value: 'none' },
		{ label: 'Filters', value: 'from 2026-01-01; rule inconvenient_hours' },
		{ label: 'Ok', value: 'yes' },
		{ label: 'Role', value: 'Compliance officer' },
		{ label: 'Rows', value: '12,345' },
		{ label: 'Through', value: 'control socket' }
	]);
	for (const d of list) expect(d.value).not.toMatch(/^[{[]/);
	expect(detailsList(null)).toEqual([]);
	expect(detailsList('not json')).toEqual([{ label: 'Details', value: 'not json' }]);
});
