/** Users, passwords, sessions and the trail's hash chain, on a real store. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listTrail, recordTrail, verifyTrail } from '../../src/lib/server/trail/trail.ts';
import { hashPassword, verifyPassword } from '../../src/lib/server/auth/password.ts';
import { decide, ACCESS } from '../../src/lib/server/auth/roles.ts';
import { createSession, readSession, endSession } from '../../src/lib/server/auth/sessions.ts';
import { addUser, setDisabled, signIn, UserError } from '../../src/lib/server/auth/users.ts';
import { resetThrottle } from '../../src/lib/server/auth/throttle.ts';
import { maskId, maskFor } from '../../src/lib/server/auth/mask.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeEach(async () => {
	t = await tempStore();
	resetThrottle();
});
afterEach(() => t.close());

const PW = 'correct horse battery';

describe('passwords', () => {
	test('scrypt hashes verify only the right password, with a salt each time', async () => {
		const a = await hashPassword(PW);
		const b = await hashPassword(PW);
		expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
		expect(a).not.toBe(b);
		expect(await verifyPassword(PW, a)).toBe(true);
		expect(await verifyPassword(PW + '!', a)).toBe(false);
		expect(await verifyPassword(PW, 'plain-text')).toBe(false);
	});
});

describe('users and sign-in', () => {
	test('bad input to add a user says what is wrong', async () => {
		await expect(addUser(t.store, { username: "x'); DROP TABLE users;--", role: 'admin', password: PW })).rejects.toThrow(/lower-case letters, digits/);
		await expect(addUser(t.store, { username: 'ann', role: 'boss', password: PW })).rejects.toThrow(/the role must be one of leadership, strategist, compliance, admin/);
		await expect(addUser(t.store, { username: 'ann', role: 'admin', password: 'short' })).rejects.toThrow(/at least 12 characters/);
		await addUser(t.store, { username: 'ann', role: 'admin', password: PW });
		await expect(addUser(t.store, { username: 'ann', role: 'admin', password: PW })).rejects.toThrow(UserError);
	});

	test('an unknown user and a wrong password get the same answer; a disabled user cannot sign in', async () => {
		await addUser(t.store, { username: 'bob', role: 'strategist', password: PW });
		const unknown = await signIn(t.store, 'nobody', PW);
		const wrong = await signIn(t.store, 'bob', 'not the password');
		expect(unknown).toEqual(wrong);
		await setDisabled(t.store, 'bob', true);
		expect(await signIn(t.store, 'bob', PW)).toMatchObject({ ok: false, reason: 'disabled' });
	});
});

describe('sessions', () => {
	test('a session ends after the idle time, after the absolute time, on sign-out and when the user is disabled', async () => {
		const u = await addUser(t.store, { username: 'cat', role: 'compliance', password: PW });
		const t0 = Date.now();
		const token = await createSession(t.store, u.user_id);
		expect(await readSession(t.store, token, new Date(t0 + 60_000))).toMatchObject({ username: 'cat', role: 'compliance' });
		// active every 20 minutes: still signed in after 2 hours
		for (let m = 20; m <= 120; m += 20) expect(await readSession(t.store, token, new Date(t0 + m * 60_000))).not.toBeNull();
		// 31 idle minutes later: gone
		expect(await readSession(t.store, token, new Date(t0 + 151 * 60_000))).toBeNull();

		const token2 = await createSession(t.store, u.user_id);
		for (let m = 25; m < 12 * 60; m += 25) await readSession(t.store, token2, new Date(t0 + m * 60_000));
		expect(await readSession(t.store, token2, new Date(t0 + 12 * 3_600_000 + 60_000))).toBeNull();

		const token3 = await createSession(t.store, u.user_id);
		await endSession(t.store, token3);
		expect(await readSession(t.store, token3)).toBeNull();

		const token4 = await createSession(t.store, u.user_id);
		await setDisabled(t.store, 'cat', true);
		expect(await readSession(t.store, token4)).toBeNull();
		expect(await readSession(t.store, 'made-up-token')).toBeNull();
	});
});

describe('roles', () => {
	test('the access table decides; unknown routes are refused to everyone', () => {
		expect(decide('/(app)/data', 'admin')).toBe('allowed');
		expect(decide('/(app)/data', 'leadership')).toBe('forbidden');
		expect(decide('/(app)/compliance', 'compliance')).toBe('allowed');
		expect(decide('/(app)/trail', 'strategist')).toBe('forbidden');
		expect(decide('/(app)/overview', null)).toBe('sign-in');
		expect(decide('/(auth)/login', null)).toBe('public');
		expect(decide('/(app)/not-in-the-table', 'admin')).toBe('forbidden');
		expect(Object.keys(ACCESS).length).toBeGreaterThan(5);
	});

	test('identifiers are masked for roles without account-level access', () => {
		expect(maskId('ACC-0012345')).toBe('ACC•••••345');
		expect(maskId('ACC-0012345')).not.toContain('0012');
		expect(maskFor('leadership')('C-123456')).toBe('C-1•••456');
		expect(maskFor('compliance')('C-123456')).toBe('C-123456');
	});
});

describe('the trail', () => {
	test('records chain by hash; verify catches an edited and a deleted record', async () => {
		// record 1 is the seal written when the store was first opened (trail_keyed)
		for (let i = 0; i < 5; i++) await recordTrail(t.store, { actor: 'ann', role: 'admin', action: 'sign_in', ip: '127.0.0.1', details: { i } });
		expect(await verifyTrail(t.store)).toMatchObject({ ok: true, records: 6, broken: null, plain_records: 0 });
		expect((await listTrail(t.store, { action: 'sign_in' })).map((r) => r.seq)).toEqual([6, 5, 4, 3, 2]);

		await t.store.rows(`UPDATE trail SET actor = 'mallory' WHERE seq = 3`);
		expect(await verifyTrail(t.store)).toMatchObject({ ok: false, broken: { seq: 3, reason: 'its content does not match its keyed hash (edited, or written without the trail key)' } });

		// recomputing the edited record's own hash (with the key, here) is not enough: the next record's link breaks
		const { recordHash } = await import('../../src/lib/server/trail/trail.ts');
		const { loadTrailKey } = await import('../../src/lib/server/trail/key.ts');
		const [r3] = await t.store.rows<Record<string, unknown>>(`SELECT * FROM trail WHERE seq = 3`);
		const forged = recordHash({
			seq: 3,
			recorded_at: (r3!.recorded_at as Date).toISOString(),
			actor: 'mallory',
			role: r3!.role as string,
			action: r3!.action as string,
			target: null,
			details: r3!.details as string,
			ip: r3!.ip as string,
			prev_hash: r3!.prev_hash as string
		}, loadTrailKey(t.dbPath));
		await t.store.rows(`UPDATE trail SET hash = $h WHERE seq = 3`, { h: forged });
		expect(await verifyTrail(t.store)).toMatchObject({ ok: false, broken: { seq: 4, reason: 'its link to the record before does not match' } });

		await t.store.rows(`DELETE FROM trail WHERE seq IN (3, 4, 5, 6)`);
		// a cut tail looks whole to the chain alone (signed checkpoints find it: test/security/trail-keyed.test.ts)
		expect(await verifyTrail(t.store)).toMatchObject({ ok: true, records: 2, broken: null });
		await recordTrail(t.store, { actor: 'ann', action: 'sign_out' });
		await t.store.rows(`DELETE FROM trail WHERE seq = 2`);
		expect(await verifyTrail(t.store)).toMatchObject({ ok: false, broken: { seq: 3, reason: 'record 2 is missing' } });
	});

	test('npx curewise trail verify exits 1 on an edited trail', async () => {
		await recordTrail(t.store, { actor: 'ann', action: 'export', target: 'trail' });
		await recordTrail(t.store, { actor: 'ann', action: 'sign_out' });
		await t.store.rows(`UPDATE trail SET target = 'nothing' WHERE seq = 2`);
		await t.store.close();
		const r = spawnSync(process.execPath, [resolve('bin/curewise.js'), 'trail', 'verify', '--db', t.dbPath], { encoding: 'utf8' });
		expect(r.status).toBe(1);
		expect(r.stdout).toMatch(/trail BROKEN at record 2: its content does not match its keyed hash/);
	});

	test('every import is recorded', async () => {
		const { importFile } = await import('../../src/lib/server/ingest/index.ts');
		await importFile(t.store, { path: t.file('accounts.csv', 'account_id\nA1\n'), source: 'cli', actor: { username: 'cli:test', role: null } });
		const [rec] = await listTrail(t.store, { action: 'import' });
		expect(rec).toMatchObject({ actor: 'cli:test', action: 'import', target: 'accounts.csv' });
		expect(JSON.parse(rec!.details!)).toMatchObject({ status: 'rejected', table: 'accounts' });
	});
});

describe('the users command', () => {
	test('adds a user with the password from standard input, lists, disables', async () => {
		await t.store.close();
		const cli = (args: string[], input?: string) => spawnSync(process.execPath, [resolve('bin/curewise.js'), 'users', ...args, '--db', t.dbPath], { encoding: 'utf8', input });
		expect(cli(['add', '--username', 'dee', '--role', 'strategist'], 'a long enough password\n').status).toBe(0);
		expect(cli(['add', '--username', 'dee', '--role', 'nope'], 'x').stderr).toMatch(/--role: the role must be one of/);
		expect(JSON.parse(cli(['list', '--json']).stdout)).toMatchObject([{ username: 'dee', role: 'strategist', disabled: false }]);
		expect(cli(['disable', '--username', 'dee']).stdout).toBe('dee is disabled\n');
		const demo = cli(['demo']);
		expect(demo.status).toBe(0);
		expect(demo.stdout).toMatch(/leadership +password [\w-]{23}/);
		t.store = (await (await import('../../src/lib/server/db/store.ts')).Store.open({ path: t.dbPath }));
		const pw = /admin +password ([\w-]+)/.exec(demo.stdout)![1]!;
		expect(await signIn(t.store, 'admin', pw)).toMatchObject({ ok: true });
	});
});
