/**
 * Commands while the server runs (issue 18 item 2): the store is held by another process (as
 * the running server holds it: DuckDB then refuses every other open, read-only ones too), and
 * `curewise` sends the allowed commands to that process's control socket. Real processes: a
 * holder that opens the store and serves the socket (test/support/control-holder.ts, the same
 * code the server starts), and the command line as a user runs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signIn } from '../../src/lib/server/auth/users.ts';
import { Store } from '../../src/lib/server/db/store.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'curewise.js');
const HOLDER = join(ROOT, 'test', 'support', 'control-holder.ts');

let dir: string;
let db: string;
let sock: string;

function cli(args: string[], input?: string) {
	const r = spawnSync(process.execPath, [BIN, ...args, '--db', db], { cwd: ROOT, encoding: 'utf8', input: input ?? '', env: { ...process.env, CUREWISE_DB: '' } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** starts a process that holds the store (and serves its control socket unless --no-socket) */
async function hold(...flags: string[]): Promise<ChildProcess> {
	const p = spawn(process.execPath, ['--import', 'tsx', HOLDER, db, ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
	let out = '';
	p.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	p.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
	const until = Date.now() + 60_000;
	while (!/^ready /m.test(out)) {
		if (p.exitCode !== null || Date.now() > until) {
			p.kill('SIGKILL');
			throw new Error(`the holder did not start: ${out}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return p;
}

async function release(p: ChildProcess | undefined): Promise<void> {
	if (!p || p.exitCode !== null) return;
	const gone = new Promise((r) => p.once('exit', r));
	p.kill('SIGTERM');
	await gone;
}

/** the request a command line sends, written by hand: the server must check it too */
function rawRequest(body: unknown): Promise<string> {
	return new Promise((resolve, reject) => {
		const s = net.connect(sock);
		let text = '';
		s.setEncoding('utf8').on('data', (d: string) => (text += d));
		s.on('error', reject);
		s.on('close', () => resolve(text));
		s.write(JSON.stringify(body) + '\n');
	});
}

const NEW_PASSWORD = 'Harbour-lantern-97q';

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'curewise-control-'));
	db = join(dir, 'store.duckdb');
	sock = `${db}.sock`;
	const demo = spawnSync(process.execPath, [BIN, 'demo', '--accounts', '2000', '--db', db], { cwd: ROOT, encoding: 'utf8' });
	expect(demo.status, demo.stderr).toBe(0);
	expect(spawnSync(process.execPath, [BIN, 'users', 'demo', '--db', db], { cwd: ROOT }).status).toBe(0);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('while another process holds the store and answers on its control socket', () => {
	let holder: ChildProcess;
	let kpisThrough = '';
	beforeAll(async () => {
		holder = await hold();
	}, 90_000);
	afterAll(async () => release(holder));

	test('the socket sits beside the store, open to its owner only (0600)', () => {
		const st = lstatSync(sock);
		expect(st.isSocket()).toBe(true);
		expect(st.mode & 0o777).toBe(0o600);
	});

	test('users reset-password: the new password from standard input, then from --generate', () => {
		const r = cli(['users', 'reset-password', '--username', 'admin'], NEW_PASSWORD + '\n');
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toBe('admin has a new password\n');
		const g = cli(['users', 'reset-password', '--username', 'strategist', '--generate']);
		expect(g.code).toBe(0);
		expect(g.stdout).toMatch(/^strategist has a new password: \w{5}-\w{5}-\w{5}-\w{5}\n$/);
		// the server's answer to a password the policy refuses, and to a user who is not there
		const weak = cli(['users', 'reset-password', '--username', 'admin'], 'short');
		expect(weak.code).toBe(1);
		expect(weak.stderr).toMatch(/^curewise users reset-password: the password needs at least 12 characters/);
		const nobody = cli(['users', 'reset-password', '--username', 'nobody', '--generate']);
		expect(nobody.code).toBe(1);
		expect(nobody.stderr).toContain(`there is no user named nobody ('curewise users list' shows who there is)`);
	});

	test('read-only commands answer: kpis --json, users list, trail verify, experiments list', () => {
		const k = cli(['kpis', '--json']);
		expect(k.stderr).toBe('');
		expect(k.code).toBe(0);
		kpisThrough = k.stdout;
		expect(JSON.parse(kpisThrough).kpis).toBeTruthy();
		const u = cli(['users', 'list']);
		expect(u.code).toBe(0);
		expect(u.stdout).toMatch(/^admin\s+admin\s+active$/m);
		const v = cli(['trail', 'verify']);
		expect(v.code).toBe(0);
		expect(v.stdout).toMatch(/^trail intact: \d+ records verified/);
		const e = cli(['experiments', 'list', '--json']);
		expect(e.code).toBe(0);
		expect(JSON.parse(e.stdout).experiments.length).toBeGreaterThan(0);
	});

	test('a command not on the allow-list is refused, saying what to do instead', () => {
		const launch = cli(['experiments', 'launch', 'supportive-reminder', '--reason', 'now']);
		expect(launch.code).toBe(1);
		expect(launch.stderr).toBe(
			`curewise experiments launch: the Curewise server is running on this store: launch it on the experiment's page of the running server (as an admin), or stop the server and run the command again\n`
		);
		const demo = cli(['users', 'demo']);
		expect(demo.code).toBe(1);
		expect(demo.stderr).toContain(`to give one a new password now: curewise users reset-password --username NAME --generate`);
		const imp = cli(['import', join(dir, 'demo-export')]);
		expect(imp.code).toBe(1);
		expect(imp.stderr).toContain('import the files on the Data page of the running server, or stop the server and run the command again');
	});

	test('the server checks the allow-list itself: a request for another command, or not a request, is refused', async () => {
		const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));
		const imp = lines(await rawRequest({ v: 1, argv: ['import', '/etc/hosts'], user: 'mallory', input: null }));
		expect(imp.at(-1)).toEqual({ exit: 1 });
		expect(imp[0].err).toContain('import the files on the Data page of the running server');
		const sql = lines(await rawRequest({ v: 1, argv: ['kpis'], user: 'x', input: null, sql: 'DROP TABLE users' }));
		expect(sql.at(-1)).toEqual({ exit: 0 }); // unknown fields are dropped: a request names a command, never SQL
		const bad = lines(await rawRequest({ v: 1, argv: [], user: 'x', input: null }));
		expect(bad.at(-1)).toEqual({ exit: 2 });
		expect(bad[0].err).toMatch(/not a request this server understands/);
	});

	test('once the holder stops: its socket is gone, kpis --json answers the same with the store free, and the new password signs in', async () => {
		await release(holder);
		expect(existsSync(sock)).toBe(false);
		const k = cli(['kpis', '--json']);
		expect(k.code).toBe(0);
		expect(k.stdout).toBe(kpisThrough);
		const store = await Store.open({ path: db });
		try {
			expect(await signIn(store, 'admin', NEW_PASSWORD)).toMatchObject({ ok: true });
			// each run through the socket is in the trail, as the command line's own records are
			const trail = await store.rows<{ actor: string; action: string; target: string; details: string }>(
				`SELECT actor, action, target, details FROM trail WHERE action IN ('cli_command', 'cli_command_refused', 'user_password_reset') ORDER BY seq`
			);
			const actor = expect.stringMatching(/^cli:/);
			expect(trail).toContainEqual({ actor, action: 'cli_command', target: 'users reset-password', details: JSON.stringify({ args: ['reset-password', '--username', 'admin'], via: 'control socket' }) });
			expect(trail).toContainEqual({ actor, action: 'user_password_reset', target: 'admin', details: JSON.stringify({ sessions_ended: 0 }) });
			expect(trail).toContainEqual(expect.objectContaining({ action: 'cli_command', target: 'kpis' }));
			expect(trail).toContainEqual(expect.objectContaining({ actor: 'cli:mallory', action: 'cli_command_refused', target: 'import' }));
			expect(JSON.stringify(trail)).not.toContain(NEW_PASSWORD);
		} finally {
			await store.close();
		}
	});
});

describe('a stale socket, and a store held without one', () => {
	test('a socket file left by a killed server is replaced when the next one starts', async () => {
		// a process that listens on the socket and is killed leaves the file behind
		const code = `require('net').createServer().listen(${JSON.stringify(sock)}, () => console.log('up'))`;
		const p = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
		await new Promise((r) => p.stdout!.once('data', r));
		p.kill('SIGKILL');
		await new Promise((r) => p.once('exit', r));
		expect(lstatSync(sock).isSocket()).toBe(true);
		const holder = await hold();
		try {
			const u = cli(['users', 'list']);
			expect(u.code).toBe(0);
			expect(u.stdout).toMatch(/^admin\s+admin\s+active$/m);
		} finally {
			await release(holder);
		}
		expect(existsSync(sock)).toBe(false);
	}, 90_000);

	test('held by a process that does not answer (an import running): the refusal says to wait for it', async () => {
		const holder = await hold('--no-socket');
		try {
			const r = cli(['kpis']);
			expect(r.code).toBe(1);
			expect(r.stderr).toContain(`curewise kpis: the store ${db} is open in another process, and no Curewise server answers on its control socket ${sock}: a command still running on it (wait for it to finish, then run this one again)`);
		} finally {
			await release(holder);
		}
	}, 90_000);
});
