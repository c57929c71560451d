import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/net';

// A server of its own on a small demo store of its own: when it starts, it opens the store and
// warms the Overview's chart cache without waiting for a first request (hooks.server.ts init),
// and says so on its standard output when done.

const ROOT = path.resolve(import.meta.dirname, '..', '..');


test('the server warms the chart cache when it starts, before any request', async () => {
	test.setTimeout(180_000);
	const tmp = mkdtempSync(path.join(os.tmpdir(), 'curewise-start-'));
	const experiments = path.join(tmp, 'experiments');
	mkdirSync(experiments);
	for (const f of readdirSync(path.join(ROOT, 'experiments')).filter((f) => f.endsWith('.yaml'))) copyFileSync(path.join(ROOT, 'experiments', f), path.join(experiments, f));
	const db = path.join(tmp, 'start.duckdb');
	const env = { ...process.env, CUREWISE_EXPERIMENTS_DIR: experiments };
	const demo = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'curewise.js'), 'demo', '--db', db, '--accounts', '300', '--seed', '3', '--out', path.join(tmp, 'demo')], { env, encoding: 'utf8' });
	expect(demo.status, demo.stderr).toBe(0);

	const port = await freePort();
	const server = spawn(process.execPath, ['build'], {
		cwd: ROOT,
		env: { ...env, CUREWISE_DB: db, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${port}`, NODE_ENV: 'production' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
	try {
		// no request is sent: the line can only come from the start
		await expect.poll(() => out, { timeout: 120_000, intervals: [250] }).toMatch(/chart cache warmed in \d+ ms/);
		expect(out).toContain(`Listening on http://127.0.0.1:${port}`);
		expect(out).not.toMatch(/failed|could not be opened/);
	} finally {
		server.kill();
		await new Promise((r) => server.once('exit', r));
		rmSync(tmp, { recursive: true, force: true });
	}
});
