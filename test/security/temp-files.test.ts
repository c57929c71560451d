/**
 * Temporary files with customer data do not outlive their process (issue 17, item 5): a killed
 * upload used to leave the customer's file in the temporary folder through restarts. Folders
 * are named after the process that made them (curewise-<kind>-<pid>-XXXXXX); the server, when
 * it first opens the store, and `curewise import` remove those of processes no longer running;
 * and every failure removes its own folder. TMPDIR is this test's own folder throughout.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { sourcePath, spawnModule } from '../support/child.ts';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Store } from '../../src/lib/server/db/store.ts';
import { getJob } from '../../src/lib/server/ingest/jobs.ts';
import { receiveUpload, UploadError } from '../../src/lib/server/ingest/upload.ts';
import { makeTempDir, processAlive, sweepTempDirs } from '../../src/lib/server/tempfiles.ts';

const root = mkdtempSync(join(tmpdir(), 'curewise-temp-files-test-'));
const temp = join(root, 'tmp');
const env = { ...process.env };
const children: ChildProcess[] = [];

beforeAll(() => {
	mkdirSync(temp);
	process.env.TMPDIR = temp;
});
afterEach(() => {
	for (const f of readdirSync(temp)) if (f.startsWith('curewise-')) rmSync(join(temp, f), { recursive: true, force: true });
});
afterAll(() => {
	for (const c of children) c.kill('SIGKILL');
	process.env = env;
	rmSync(root, { recursive: true, force: true });
});

/** the id of a process that has ended */
function deadPid(): number {
	const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
	const pid = Number(r.stdout);
	expect(processAlive(pid)).toBe(false);
	return pid;
}

/** a folder as a process would leave it, with a customer file in it */
function leftFolder(name: string): string {
	const dir = join(temp, name);
	mkdirSync(dir);
	writeFileSync(join(dir, 'accounts.csv'), 'account_id,customer_id\nA1,C1\n');
	return dir;
}

const curewiseDirs = () => readdirSync(temp).filter((n) => n.startsWith('curewise-')).sort();

describe('the sweep', () => {
	test("removes the folders of processes that have ended; keeps those of running ones", () => {
		const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
		children.push(live);
		const dead = deadPid();
		const gone = [leftFolder(`curewise-upload-${dead}-Ab12Cd`), leftFolder(`curewise-quarantine-${dead}-zzzzzz`), leftFolder(`curewise-assignments-${dead}-000000`)];
		const kept = [leftFolder(`curewise-upload-${live.pid}-Ef34Gh`), makeTempDir('upload'), makeTempDir('quarantine')];
		// not ours: another program's folder, a file and a link under our names
		leftFolder('curewise-test-abcdef');
		writeFileSync(join(temp, `curewise-upload-${dead}-file00`), 'x');
		const target = leftFolder('elsewhere');
		symlinkSync(target, join(temp, `curewise-upload-${dead}-link00`));

		expect(sweepTempDirs(temp).sort()).toEqual(gone.sort());
		for (const d of gone) expect(existsSync(d), d).toBe(false);
		for (const d of kept) expect(existsSync(d), d).toBe(true);
		expect(existsSync(join(target, 'accounts.csv'))).toBe(true);
		expect(curewiseDirs()).toContain('curewise-test-abcdef');
	});

	test("a folder with this process's id made before it started is an earlier process's (a restarted container)", () => {
		const mine = leftFolder(`curewise-upload-${process.pid}-Old000`);
		const before = (Date.now() - process.uptime() * 1000 - 60_000) / 1000;
		utimesSync(mine, before, before);
		const now = makeTempDir('upload');
		expect(sweepTempDirs(temp)).toEqual([mine]);
		expect(existsSync(now)).toBe(true);
	});

	test("an earlier release's folders (no process id) are removed once a day old", () => {
		const old = leftFolder('curewise-upload-a1B2c3');
		const recent = leftFolder('curewise-upload-d4E5f6');
		const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
		utimesSync(old, twoDaysAgo, twoDaysAgo);
		expect(sweepTempDirs(temp)).toEqual([old]);
		expect(existsSync(recent)).toBe(true);
	});
});

describe('an upload killed half way', () => {
	test('leaves its folder, which the server removes when it next opens the store, and so does curewise import', async () => {
		// a server receiving an upload whose body never ends, killed while the file is half written
		const child = spawnModule(
			`const { receiveUpload } = await import(${sourcePath('src/lib/server/ingest/upload.ts')});
			 const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('account_id,customer_id\\nA1,C1\\n'.repeat(1000))); } });
			 setInterval(() => {}, 1000);
			 await receiveUpload(null, body, { fileName: 'accounts_secret.csv', maxBytes: 1e9 });`,
			{ env: { ...process.env, TMPDIR: temp }, stdio: 'ignore' }
		);
		children.push(child);
		const file = () => {
			const d = curewiseDirs().find((n) => n.startsWith(`curewise-upload-${child.pid}-`));
			return d ? join(temp, d, 'accounts_secret.csv') : null;
		};
		for (let i = 0; i < 300 && !(file() && statSync(file()!).size === 29_000); i++) await new Promise((r) => setTimeout(r, 100));
		expect(statSync(file()!).size).toBe(29_000);
		child.kill('SIGKILL');
		await new Promise((r) => child.once('exit', r));
		const left = file()!;
		expect(existsSync(left)).toBe(true);

		// the server's first open of the store sweeps
		process.env.CUREWISE_DB = join(root, 'server.duckdb');
		const { getStore } = await import('../../src/lib/server/store.ts');
		const store = await getStore();
		expect(existsSync(left)).toBe(false);
		await store.close();

		// as does curewise import (the server stopped, an import from the command line)
		const again = leftFolder(`curewise-upload-${deadPid()}-Xy12Zw`);
		const csvFile = join(root, 'accounts.csv');
		writeFileSync(csvFile, 'account_id,customer_id,segment,product,region,timezone,opened_on\nA1,C1,retail,card,US-MA,America/New_York,2024-01-01\n');
		const { main } = await import('../../src/cli/main.ts');
		expect(await main(['import', csvFile, '--db', join(root, 'cli.duckdb')])).toBe(0);
		expect(existsSync(again)).toBe(false);
	});
});

describe('every failure removes its own folder', () => {
	const store = () => Store.open({ path: join(root, 'fail.duckdb'), memoryLimit: '1GB' });

	test('an upload whose connection breaks half way', async () => {
		const body = new ReadableStream<Uint8Array>({
			start(c) {
				c.enqueue(new TextEncoder().encode('account_id,customer_id\nA1,C1\n'));
				setTimeout(() => c.error(new Error('aborted')), 50);
			}
		});
		const e = await receiveUpload(null as never, body, { fileName: 'accounts.csv', maxBytes: 1e9 }).catch((x: unknown) => x);
		expect(e).toBeInstanceOf(UploadError);
		expect((e as UploadError).status).toBe(400);
		expect(curewiseDirs()).toEqual([]);
	});

	test('an upload over the limit, sent without a length', async () => {
		const piece = new Uint8Array(64 * 1024).fill(97);
		let n = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(c) {
				if (n++ < 40) c.enqueue(piece);
				else c.close();
			}
		});
		const e = await receiveUpload(null as never, body, { fileName: 'accounts.csv', maxBytes: 1024 * 1024 }).catch((x: unknown) => x);
		expect((e as UploadError).status).toBe(413);
		expect(curewiseDirs()).toEqual([]);
	});

	test('an import that throws (the store was closed under it)', async () => {
		const s = await store();
		await s.close();
		const body = new ReadableStream<Uint8Array>({
			start(c) {
				c.enqueue(new TextEncoder().encode('account_id,customer_id\nA1,C1\n'));
				c.close();
			}
		});
		const job = await receiveUpload(s, body, { fileName: 'accounts.csv', maxBytes: 1e9 });
		for (let i = 0; i < 300 && getJob(job.id)?.state !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
		expect(getJob(job.id)?.result?.error).toMatch(/^the import failed: /);
		expect(curewiseDirs()).toEqual([]);
	});
});
