/**
 * Bad values in an address are answered with a message, never a 500 (issue 17, item 5): an audit
 * number of 0 or beyond what the store can hold, a date that is not in the calendar.
 */
import { describe, expect, test } from 'vitest';
import { parseFindingsFilter } from '../../src/lib/server/compliance/findings/filters.ts';
import { trailFilterSchema, uploadHeadersSchema } from '../../src/lib/schemas.ts';

describe('the compliance pages\' filters', () => {
	test('audit=0 and an audit number too large to store are problems to show, not errors', () => {
		for (const audit of ['0', '-3', '99999999999999999999', '1.5', 'x']) {
			const r = parseFindingsFilter(new URLSearchParams({ audit, kind: 'violation' }));
			expect(r.ok, audit).toBe(false);
			if (!r.ok) expect(r.problems.join('; '), audit).toMatch(/^audit /);
			// the other filters are dropped with it; the page shows the latest audit
			expect(r.filter.audit, audit).toBeUndefined();
		}
		expect(parseFindingsFilter(new URLSearchParams({ audit: '12' })).filter.audit).toBe(12);
	});

	test('a day that is not in the calendar is refused by every date filter', () => {
		expect(parseFindingsFilter(new URLSearchParams({ from: '2026-02-31' }))).toMatchObject({ ok: false, problems: ['from is not a real date (got "2026-02-31")'] });
		const t = trailFilterSchema.safeParse({ from: '2026-02-31' });
		expect(t.success).toBe(false);
		expect(t.error?.issues[0]?.message).toBe('not a real date');
		expect(trailFilterSchema.safeParse({ from: '2026-02-28' }).success).toBe(true);
	});
});

describe('an upload\'s file name', () => {
	test('a control character (%00 decoded) is refused by name, before any file is written; the message names no path', () => {
		for (const fileName of ['a\u0000b.csv', '\u0000.csv', 'tab\there.csv']) {
			const r = uploadHeadersSchema.safeParse({ fileName });
			expect(r.success, JSON.stringify(fileName)).toBe(false);
			expect(r.error?.issues.map((i) => i.message)).toEqual(['the file name holds a control character (such as %00): rename the file']);
		}
		// a path in the name keeps only its last part
		expect(uploadHeadersSchema.parse({ fileName: '../../etc/accounts.csv' }).fileName).toBe('accounts.csv');
	});
});
