/**
 * No unaudited data, ever silently (issue 16 item 6; docs/audit-owed.md): an import killed right
 * after its COMMIT, before its audit, leaves a record that an audit is owed; owedAudit says which
 * interactions are not audited yet; the server's start (auditOwedAtStart, what store startup runs)
 * and `curewise audit` run it and clear the record; an audit of a period or of one pack does not.
 *
 * Real processes on a real DuckDB file: `bin/curewise.js import` is parked just after its COMMIT by
 * CUREWISE_TEST_HOLD_AFTER_COMMIT=1 and killed there with SIGKILL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { latestAudit, latestFullAudit, runAudit } from '../../src/lib/server/compliance/audit.ts';
import { auditOwedAtStart, auditWillFollow, owedAudit } from '../../src/lib/server/compliance/owed.ts';
import { importFile } from '../../src/lib/server/ingest/import.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

const BIN = resolve('bin/curewise.js');

function cli(args: string[]) {
	const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `curewise import FILE` killed (SIGKILL) right after its import commits, before its audit */
async function importKilledAfterCommit(file: string, db: string): Promise<string> {
	const child = spawn(process.execPath, [BIN, 'import', file, '--db', db], { env: { ...process.env, CUREWISE_TEST_HOLD_AFTER_COMMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
	let err = '';
	await new Promise<void>((res, rej) => {
		child.stderr.on('data', (d) => {
			err += d;
			if (err.includes('CUREWISE_TEST_COMMITTED')) res();
		});
		child.on('exit', (code) => rej(new Error(`the import ended (${code}) before it was killed: ${err}`)));
	});
	child.kill('SIGKILL');
	await new Promise((r) => child.once('exit', r));
	expect(err).not.toMatch(/compliance audit \d+/);
	return err;
}

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
	await t.store.close(); // the CLI opens the file itself
});
afterEach(() => t.close());

const march = () =>
	t.file(
		'interactions_2026-03.csv',
		csv([interactionsHeader, ...[2, 3, 4].map((d) => interactionRow(`I${d}`, 'A1', { occurred_at: `2026-03-0${d}T10:00:00-05:00` }))])
	);

test('an import killed after its commit leaves its audit owed; the server start runs it and clears it', async () => {
	t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')]));
	march();
	const first = cli(['import', t.dir, '--db', t.dbPath]);
	expect(first.code, first.stderr).toBe(0);
	expect(first.stderr).toMatch(/compliance audit 1: \d+ findings in 3 outbound contacts/);

	let store = await Store.open({ path: t.dbPath });
	// an import that ran to its end, audit included, owes nothing
	expect(await owedAudit(store)).toBeNull();
	await store.close();

	// April: 5 calls to A2, the import killed between its commit and its audit
	const april = t.file(
		'interactions_2026-04.csv',
		csv([interactionsHeader, ...[1, 5, 9, 14, 20].map((d) => interactionRow(`J${d}`, 'A2', { occurred_at: `2026-04-${String(d).padStart(2, '0')}T09:30:00-04:00` }))])
	);
	await importKilledAfterCommit(april, t.dbPath);

	store = await Store.open({ path: t.dbPath });
	try {
		// the import committed: the store holds 8 interactions, the latest audit checked 3
		expect(Number((await store.rows<{ n: number }>('SELECT count(*) AS n FROM interactions'))[0]!.n)).toBe(8);
		expect((await latestFullAudit(store))!.contacts).toBe(3);
		// and says what is not audited yet
		const owed = (await owedAudit(store))!;
		expect(owed).not.toBeNull();
		expect(owed.interactions).toBe(5);
		expect(owed.changed_rows).toBe(5);
		expect(owed.interactions_from).toBe('2026-04-01T13:30:00Z');
		expect(owed.interactions_to).toBe('2026-04-20T13:30:00Z');
		expect(owed.batches).toHaveLength(1);
		expect(owed.batches[0]).toMatchObject({ table_name: 'interactions', file_name: 'interactions_2026-04.csv', changed_rows: 5, interactions: 5 });
		expect(owed.state).toBe('idle');

		// an audit of a period, or of one pack, does not cover them
		await runAudit(store, { trigger: 'manual', from: '2026-04-01', to: '2026-04-30' });
		await runAudit(store, { trigger: 'manual', packIds: ['us-ma'] });
		expect((await owedAudit(store))?.interactions).toBe(5);

		// switched off, the start only says so
		const quiet: string[] = [];
		expect(await auditOwedAtStart(store, (m) => quiet.push(m), { enabled: false })).toBeNull();
		expect(quiet.join('\n')).toMatch(/an audit is owed: 5 interactions \(2026-04-01 to 2026-04-20\) from import \d+ \(interactions_2026-04\.csv\) not audited yet; CUREWISE_AUDIT_OWED_AT_START is off/);
		expect((await owedAudit(store))?.interactions).toBe(5);

		// what the server runs once the store is open
		const lines: string[] = [];
		const run = await auditOwedAtStart(store, (m) => lines.push(m));
		expect(run).not.toBeNull();
		expect(run!.trigger).toBe('owed');
		expect(run!.contacts).toBe(8);
		expect(lines[0]).toMatch(/an audit is owed: 5 interactions \(2026-04-01 to 2026-04-20\) from import \d+ \(interactions_2026-04\.csv\) not audited yet .*running it now/);
		expect(lines[1]).toMatch(new RegExp(`the owed audit ran: audit ${run!.audit_id}, \\d+ findings in 8 outbound contacts`));
		expect(await owedAudit(store)).toBeNull();
		expect((await latestAudit(store))!.audit_id).toBe(run!.audit_id);
		// recorded in the trail as the other audits are
		const [rec] = await store.rows<{ actor: string; action: string; target: string; details: string }>(`SELECT actor, action, target, details FROM trail ORDER BY seq DESC LIMIT 1`);
		expect(rec).toMatchObject({ actor: 'server', action: 'compliance.audit_run', target: `audit ${run!.audit_id}` });
		expect(JSON.parse(rec!.details)).toMatchObject({ trigger: 'owed', interactions: 5, contacts: 8 });
		// nothing owed: nothing to run
		expect(await auditOwedAtStart(store, () => {})).toBeNull();
	} finally {
		await store.close();
	}
});

test('`curewise audit` clears what killed imports owe, accounts included; with --from it says what is left', async () => {
	t.file('accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2')]));
	march();
	expect(cli(['import', t.dir, '--db', t.dbPath]).code).toBe(0);

	// a correction of one account and two new calls, each import killed after its commit
	mkdirSync(resolve(t.dir, 'fix'));
	await importKilledAfterCommit(t.file('fix/accounts.csv', csv([accountsHeader, accountRow('A2', { timezone: 'America/Los_Angeles', region: 'US-WA' })])), t.dbPath);
	await importKilledAfterCommit(
		t.file('fix/interactions_2026-05.csv', csv([interactionsHeader, interactionRow('K1', 'A2', { occurred_at: '2026-05-04T08:00:00-07:00' }), interactionRow('K2', 'A2', { occurred_at: '2026-05-06T08:00:00-07:00' })])),
		t.dbPath
	);
	let store = await Store.open({ path: t.dbPath });
	const owed = (await owedAudit(store))!;
	await store.close();
	expect(owed.batches.map((b) => [b.table_name, b.changed_rows, b.interactions])).toEqual([
		['accounts', 1, 0],
		['interactions', 2, 2]
	]);
	expect(owed.interactions_from).toBe('2026-05-04T15:00:00Z');

	const period = cli(['audit', '--db', t.dbPath, '--from', '2026-05-01']);
	expect(period.code, period.stderr).toBe(0);
	expect(period.stderr).toMatch(/not audited yet: 2 interactions \(2026-05-04 to 2026-05-06\) and 1 other row from 2 imports \(\d+, \d+\); an audit of a period or of some packs does not cover them/);

	const all = cli(['audit', '--db', t.dbPath]);
	expect(all.code, all.stderr).toBe(0);
	expect(all.stdout).toMatch(/of all interactions/);
	expect(all.stderr).toMatch(/this audit also checked what no audit had yet: 2 interactions \(2026-05-04 to 2026-05-06\) and 1 other row from 2 imports/);
	store = await Store.open({ path: t.dbPath });
	try {
		expect(await owedAudit(store)).toBeNull();
		expect((await latestFullAudit(store))!.contacts).toBe(5);
	} finally {
		await store.close();
	}
});

test('the pages are told whether the audit owed is running, about to run, or failed', async () => {
	const store = await Store.open({ path: t.dbPath });
	try {
		// imported in this process without the follow-up: owed, and nothing here runs it
		await importFile(store, { path: t.file('accounts.csv', csv([accountsHeader, accountRow('A1')])), source: 'cli' });
		await importFile(store, { path: march(), source: 'cli' });
		expect(await owedAudit(store)).toMatchObject({ interactions: 3, changed_rows: 4, state: 'idle', error: null });
		// an import's follow-up has started (the summaries first): about to run
		const followed = auditWillFollow();
		expect((await owedAudit(store))!.state).toBe('waiting');
		const run = runAudit(store, { trigger: 'import' });
		expect((await owedAudit(store))!.state).toBe('running');
		await run;
		followed(null);
		expect(await owedAudit(store)).toBeNull();
		// a follow-up that failed says why, until an audit runs
		await importFile(store, { path: t.file('interactions_2026-04.csv', csv([interactionsHeader, interactionRow('J1', 'A1', { occurred_at: '2026-04-02T10:00:00-04:00' })])), source: 'cli' });
		auditWillFollow()('the disk holding the store is full');
		expect(await owedAudit(store)).toMatchObject({ interactions: 1, state: 'failed', error: 'the disk holding the store is full' });
		// an import that changes nothing owes nothing more
		await runAudit(store, { trigger: 'manual' });
		await importFile(store, { path: t.file('interactions_again.csv', csv([interactionsHeader, interactionRow('J1', 'A1', { occurred_at: '2026-04-02T10:00:00-04:00' })])), table: 'interactions', source: 'cli' });
		expect(await owedAudit(store)).toBeNull();
		// and the failure is forgotten once an audit of everything has run since
		await importFile(store, { path: t.file('interactions_2026-05.csv', csv([interactionsHeader, interactionRow('J2', 'A1', { occurred_at: '2026-05-02T10:00:00-04:00' })])), source: 'cli' });
		expect(await owedAudit(store)).toMatchObject({ interactions: 1, state: 'idle', error: null });
	} finally {
		await store.close();
	}
});
