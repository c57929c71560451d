import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { contractMarkdown, tableFromFileName } from '../../src/lib/contract.ts';

test('the table is taken from the file name', () => {
	expect(tableFromFileName('interactions_2026-03.csv')).toBe('interactions');
	expect(tableFromFileName('/exports/Accounts.csv')).toBe('accounts');
	expect(tableFromFileName('contact_preferences.parquet')).toBe('contact_preferences');
	expect(tableFromFileName('experiment_assignments-supportive.csv')).toBe('experiment_assignments');
	expect(tableFromFileName('payments')).toBe('payments');
	expect(tableFromFileName('accountsX.csv')).toBeNull();
	expect(tableFromFileName('export.csv')).toBeNull();
});

test("docs/data-contract.md's export format is the one generated from the contract (run npm run docs after changing it)", () => {
	const doc = readFileSync('docs/data-contract.md', 'utf8');
	const m = /<!-- contract:start -->\n([\s\S]*?)<!-- contract:end -->/.exec(doc);
	expect(m, 'docs/data-contract.md has the contract markers').not.toBeNull();
	expect(m![1]).toBe(contractMarkdown());
});
