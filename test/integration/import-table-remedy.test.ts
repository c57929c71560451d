/**
 * A file whose name says no table: the shared message names no CLI flag and no form; each caller
 * adds its own words (issue 18 item 4: the web's messages never mention CLI flags).
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { importFile, importPaths } from '../../src/lib/server/ingest/index.ts';
import { accountRow, accountsHeader, csv, tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
});
afterEach(() => t.close());

test('the remedy for a file without a table is the caller\'s: neutral by default, the form on the web, --table on the command line', async () => {
	const content = csv([accountsHeader, accountRow('A1')]);
	const plain = await importFile(t.store, { path: t.file('export_2026.csv', content), source: 'upload' });
	expect(plain.error).toBe('cannot tell which table export_2026.csv is for: name the file after its table (e.g. interactions_2026-03.csv) or say which table it is');
	const web = await importFile(t.store, { path: t.file('export_2026.csv', content), source: 'upload', tableRemedy: 'choose its table under Table in the form' });
	expect(web.error).toContain('or choose its table under Table in the form');
	expect(web.error).not.toContain('--');
	const [cli] = await importPaths(t.store, [t.file('dump.csv', content)], { source: 'cli', tableRemedy: 'give --table NAME' });
	expect(cli!.error).toContain('or give --table NAME');
});
