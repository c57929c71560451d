/**
 * The curewise command, run as a real process: exit codes, --json, plain progress lines,
 * and the killed import that must leave the store exactly as it was.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../src/lib/server/db/store.ts';
import { accountRow, accountsHeader, csv, fingerprint, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

const BIN = resolve('bin/curewise.js');

function cli(args: string[], env: Record<string, string> = {}) {
	const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
	await t.store.close(); // the CLI opens the file itself
});
afterEach(() => t.close());

describe('curewise import', () => {
	test('imports a folder, prints per-file results as JSON, exit 0 with quarantined rows', () => {
		t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2', { segment: 'gov' })]));
		t.file('interactions_2026-03.csv', csv([interactionsHeader, interactionRow('I1', 'A1')]));
		const r = cli(['import', t.dir, '--db', t.dbPath, '--json']);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toEqual([
			{ file: 'accounts.csv', table: 'accounts', rows_read: 2, rows_inserted: 1, rows_updated: 0, rows_unchanged: 0, rows_quarantined: 1, status: 'imported', error: null },
			{ file: 'interactions_2026-03.csv', table: 'interactions', rows_read: 1, rows_inserted: 1, rows_updated: 0, rows_unchanged: 0, rows_quarantined: 0, status: 'imported', error: null }
		]);
		// not a terminal: plain progress lines, no bar
		expect(r.stderr).toMatch(/accounts\.csv: reading/);
		expect(r.stderr).not.toMatch(/█/);
		// the KPI summary tables: built whole the first time, then refreshed for what an import touched
		expect(r.stderr).toMatch(/KPI summary tables rebuilt whole in [\d.]+ s \(never built\)/);
		const more = cli(['import', t.file('interactions_2026-04.csv', csv([interactionsHeader, interactionRow('I2', 'A1')])), '--db', t.dbPath]);
		expect(more.code).toBe(0);
		expect(more.stderr).toMatch(/KPI summary tables refreshed in [\d.]+ s \(only what the import touched: the episodes of \d+ accounts?, the contacts of 1 account-day\)/);
	});

	test('exit 1 when a file is rejected, with the reason; the other files still import', () => {
		t.file('accounts.csv', csv([accountsHeader, accountRow('A1')]));
		t.file('payments.csv', 'payment_id,amount\nP1,5\n');
		const r = cli(['import', join(t.dir, 'accounts.csv'), join(t.dir, 'payments.csv'), '--db', t.dbPath]);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/✓ accounts\.csv → accounts: 1 read, 1 inserted/);
		expect(r.stdout).toMatch(/✗ payments\.csv: rejected — payments\.csv cannot be read as payments: missing required columns account_id, paid_at, method, status/);
	});

	test('--table overrides the file name', () => {
		t.file('export.csv', csv([accountsHeader, accountRow('A1')]));
		const r = cli(['import', join(t.dir, 'export.csv'), '--table', 'accounts', '--db', t.dbPath, '--json']);
		expect(r.code).toBe(0);
		expect(JSON.parse(r.stdout)[0]).toMatchObject({ table: 'accounts', rows_inserted: 1 });
	});

	test('wrong usage exits 2 with a message that says what is wrong', () => {
		const noPath = cli(['import', '--db', t.dbPath]);
		expect(noPath.code).toBe(2);
		expect(noPath.stderr).toMatch(/name at least one file or folder to import/);
		const badTable = cli(['import', 'x.csv', '--table', 'customers', '--db', t.dbPath]);
		expect(badTable.code).toBe(2);
		expect(badTable.stderr).toMatch(/--table: unknown table "customers"; expected one of accounts, delinquencies/);
		const badFlag = cli(['import', 'x.csv', '--frobnicate']);
		expect(badFlag.code).toBe(2);
		expect(badFlag.stderr).toMatch(/Unknown option '--frobnicate'/);
		const unknown = cli(['frobnicate']);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
		const badDemo = cli(['demo', '--accounts', 'lots', '--db', t.dbPath]);
		expect(badDemo.code).toBe(2);
		expect(badDemo.stderr).toMatch(/--accounts: must be a whole number/);
	});

	test('CUREWISE_DB chooses the store when --db is not given', () => {
		t.file('accounts.csv', csv([accountsHeader, accountRow('A1')]));
		const r = cli(['import', join(t.dir, 'accounts.csv'), '--json'], { CUREWISE_DB: t.dbPath });
		expect(r.code).toBe(0);
		const again = cli(['import', join(t.dir, 'accounts.csv'), '--db', t.dbPath, '--json']);
		expect(JSON.parse(again.stdout)[0]).toMatchObject({ rows_unchanged: 1, rows_inserted: 0 });
	});
});

describe('a killed import changes nothing', () => {
	async function seedAndFingerprint() {
		const store = await Store.open({ path: t.dbPath });
		const { importFile } = await import('../../src/lib/server/ingest/index.ts');
		await importFile(store, { path: t.file('accounts.csv', csv([accountsHeader, ...Array.from({ length: 200 }, (_, i) => accountRow('A' + i))])), source: 'cli' });
		await importFile(store, { path: t.file('interactions_old.csv', csv([interactionsHeader, ...Array.from({ length: 500 }, (_, i) => interactionRow('OLD' + i, 'A' + (i % 200)))])), source: 'cli' });
		const fp = await fingerprint(store);
		await store.close();
		return fp;
	}

	function bigInteractions(n: number) {
		const lines = [interactionsHeader.join(',')];
		// updates of stored rows and new rows, with some bad ones: every kind of write the import makes
		for (let i = 0; i < n; i++) {
			const id = i < 500 ? 'OLD' + i : 'NEW' + i;
			lines.push(interactionRow(id, 'A' + (i % 200), i % 997 === 0 ? { channel: 'pigeon' } : { agent_id: 'agent-' + (i % 7) }).join(','));
		}
		return t.file('interactions_2026-04.csv', lines.join('\n') + '\n');
	}

	async function afterKill(before: Record<string, string>) {
		const store = await Store.open({ path: t.dbPath });
		try {
			expect(await fingerprint(store)).toEqual(before);
		} finally {
			await store.close();
		}
	}

	test('killed just before COMMIT, with every row already written', async () => {
		const before = await seedAndFingerprint();
		const file = bigInteractions(50_000);
		const child = spawn(process.execPath, [BIN, 'import', file, '--db', t.dbPath], {
			env: { ...process.env, CUREWISE_TEST_HOLD_BEFORE_COMMIT: '1' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		await new Promise<void>((res, rej) => {
			let err = '';
			child.stderr.on('data', (d) => {
				err += d;
				if (err.includes('CUREWISE_TEST_HOLDING')) res();
			});
			child.on('exit', () => rej(new Error('the import ended before it was killed: ' + err)));
		});
		child.kill('SIGKILL');
		await new Promise((r) => child.on('exit', r));
		await afterKill(before);
	});

	test('killed half way through reading a large file', async () => {
		const before = await seedAndFingerprint();
		const file = bigInteractions(400_000);
		const child = spawn(process.execPath, [BIN, 'import', file, '--db', t.dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
		await new Promise<void>((res, rej) => {
			let err = '';
			child.stderr.on('data', (d) => {
				err += d;
				if (/interactions_2026-04\.csv: (reading|checking)/.test(err)) setTimeout(res, 150);
			});
			child.on('exit', (code) => rej(new Error(`the import ended (${code}) before it was killed: ${err}`)));
		});
		child.kill('SIGKILL');
		await new Promise((r) => child.on('exit', r));
		await afterKill(before);
	});
});

describe('curewise audit', () => {
	test('the import runs the audit; `audit --json` prints the findings with the fields of the issue; bad options exit 2', () => {
		// Massachusetts: 3 calls in 7 days (MA pack), one of them at 07:30 local (time of day)
		t.file('accounts.csv', csv([accountsHeader, accountRow('A1')]));
		t.file(
			'interactions.csv',
			csv([
				interactionsHeader,
				interactionRow('I1', 'A1', { occurred_at: '2026-03-02T07:30:00-05:00' }),
				interactionRow('I2', 'A1', { occurred_at: '2026-03-03T10:00:00-05:00' }),
				interactionRow('I3', 'A1', { occurred_at: '2026-03-04T10:00:00-05:00' })
			])
		);
		const imp = cli(['import', t.dir, '--db', t.dbPath]);
		expect(imp.code).toBe(0);
		expect(imp.stderr).toMatch(/compliance audit 1: 2 findings in 3 outbound contacts/);
		const r = cli(['audit', '--db', t.dbPath, '--json']);
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout) as Record<string, unknown>[];
		expect(out.map((f) => `${f.pack}/${f.rule}`)).toEqual(['regulation-f/inconvenient_hours', 'us-ma/ma_two_in_seven']);
		for (const f of out)
			expect(Object.keys(f).sort()).toEqual(['account_id', 'customer_id', 'detail', 'interaction_ids', 'kind', 'occurred_at', 'pack', 'pack_version', 'rule', 'window_end', 'window_start'].sort());
		expect(out[0]).toMatchObject({ kind: 'violation', customer_id: 'C-A1', account_id: 'A1', window_start: null, window_end: null, occurred_at: '2026-03-02T12:30:00.000Z', interaction_ids: ['I1'] });
		expect(out[1]).toMatchObject({ kind: 'violation', window_start: '2026-02-26', window_end: '2026-03-04', occurred_at: null, interaction_ids: ['I1', 'I2', 'I3'] });
		// text output names the packs and the counts
		const text = cli(['audit', '--db', t.dbPath, '--pack', 'us-ma']);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/Compliance audit 3 of all interactions with us-ma v2:\n1 findings in 3 outbound contacts/);
		const bad = cli(['audit', '--db', t.dbPath, '--pack', 'us-tx']);
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/unknown pack us-tx; the packs are regulation-f, us-ma, us-nyc, us-wa/);
		const badDate = cli(['audit', '--db', t.dbPath, '--from', '2026-02-30']);
		expect(badDate.code).toBe(2);
		expect(badDate.stderr).toMatch(/--from: 2026-02-30 is not a day of the calendar/);
	});
});
