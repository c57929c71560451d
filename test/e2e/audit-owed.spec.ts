import { expect, test, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../support/net';

// No unaudited data, ever silently (issue 16 item 6; docs/audit-owed.md). Servers of their own on
// a small demo store of its own, into which `curewise import` is killed right after its import
// commits (CUREWISE_TEST_HOLD_AFTER_COMMIT), before its audit:
// - a server told not to run the owed audit itself (CUREWISE_AUDIT_OWED_AT_START=false) shows the
//   warning on the compliance overview, the findings and the report, and in the Overview's
//   findings strip, not on the packs; its button runs the
//   audit and the warning goes;
// - a server left to its default runs the owed audit when it starts, says so in its log, and the
//   pages show no warning.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'curewise.js');
const PASSWORD = 'owed-password-not-secret';

let tmp = '';
let db = '';
let env: NodeJS.ProcessEnv = {};

/** an interactions file of the demo's first `n` calls again, under new ids (new rows) */
function lateInteractions(name: string, prefix: string, n: number): string {
	const text = readFileSync(path.join(tmp, 'demo', 'interactions.csv'), 'utf8').split('\n');
	const rows = text.slice(1).filter((l) => /^I\d+,/.test(l)).slice(0, n).map((l) => prefix + l);
	const file = path.join(tmp, name);
	writeFileSync(file, [text[0], ...rows].join('\n') + '\n');
	return file;
}

/** `curewise import FILE` killed (SIGKILL) right after its import commits, before its audit */
async function importKilledAfterCommit(file: string) {
	const child = spawn(process.execPath, [BIN, 'import', file, '--db', db], { env: { ...env, CUREWISE_TEST_HOLD_AFTER_COMMIT: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
	let err = '';
	await new Promise<void>((res, rej) => {
		child.stderr!.on('data', (d) => {
			err += d;
			if (err.includes('CUREWISE_TEST_COMMITTED')) res();
		});
		child.on('exit', (code) => rej(new Error(`the import ended (${code}) before it was killed: ${err}`)));
	});
	child.kill('SIGKILL');
	await new Promise((r) => child.once('exit', r));
}

async function startServer(extra: Record<string, string> = {}): Promise<{ url: string; server: ChildProcess; log: () => string }> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const server = spawn(process.execPath, ['build'], {
		cwd: ROOT,
		env: { ...env, CUREWISE_DB: db, PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, NODE_ENV: 'production', ...extra },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	server.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
	server.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
	await expect.poll(() => out, { timeout: 60_000, intervals: [250] }).toContain(`Listening on ${url}`);
	return { url, server, log: () => out };
}

async function stop(server: ChildProcess) {
	if (server.exitCode !== null) return;
	server.kill();
	await new Promise((r) => server.once('exit', r));
}

async function signIn(page: Page, url: string) {
	await page.goto(`${url}/login`);
	await page.getByLabel('Username').fill('owed-compliance');
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('current-user')).toContainText('owed-compliance');
}

test.beforeAll(async () => {
	test.setTimeout(120_000);
	tmp = mkdtempSync(path.join(os.tmpdir(), 'curewise-owed-'));
	const experiments = path.join(tmp, 'experiments');
	mkdirSync(experiments);
	for (const f of readdirSync(path.join(ROOT, 'experiments')).filter((f) => f.endsWith('.yaml'))) copyFileSync(path.join(ROOT, 'experiments', f), path.join(experiments, f));
	db = path.join(tmp, 'owed.duckdb');
	env = { ...process.env, CUREWISE_EXPERIMENTS_DIR: experiments };
	const demo = spawnSync(process.execPath, [BIN, 'demo', '--db', db, '--accounts', '300', '--seed', '3', '--out', path.join(tmp, 'demo')], { env, encoding: 'utf8' });
	expect(demo.status, demo.stderr).toBe(0);
	const user = spawnSync(process.execPath, [BIN, 'users', 'add', '--username', 'owed-compliance', '--role', 'compliance', '--db', db], { env, input: PASSWORD, encoding: 'utf8' });
	expect(user.status, user.stderr).toBe(0);
});

test.afterAll(() => {
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('an import killed before its audit: the compliance pages and the report say what is not audited, and the button audits it', async ({ page }) => {
	test.setTimeout(180_000);
	await importKilledAfterCommit(lateInteractions('interactions_late.csv', 'LATE-', 40));
	const { url, server, log } = await startServer({ CUREWISE_AUDIT_OWED_AT_START: 'false' });
	try {
		await expect.poll(log, { timeout: 30_000 }).toMatch(/an audit is owed: 40 interactions \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) from import \d+ \(interactions_late\.csv\) not audited yet; CUREWISE_AUDIT_OWED_AT_START is off/);
		await signIn(page, url);

		await page.goto(`${url}/compliance`);
		const owed = page.getByTestId('audit-owed');
		await expect(owed).toBeVisible();
		await expect(owed.getByRole('heading')).toHaveText(/^40 interactions from \d+ \w+ \d{4} to \d+ \w+ \d{4} are not audited yet$/);
		await expect(owed).toContainText('The findings on these pages come from an audit that ran before this import, so they leave out 40 interactions');
		await expect(page.getByTestId('audit-owed-batches')).toContainText(/40 interactions \(from \d+ \w+ \d{4} to \d+ \w+ \d{4}\) from interactions_late\.csv \(import \d+, \d+ \w+ \d{4}/);
		await expect(page.getByTestId('audit-owed-state')).toContainText('No audit is running');
		// the previous audit is still shown, but never as current without the warning
		await expect(page.getByTestId('audit-card')).toContainText('Contacts checked');

		await page.goto(`${url}/compliance/findings`);
		await expect(page.getByTestId('audit-owed')).toContainText('40 interactions');
		// the Overview's findings strip says it too: its counts leave them out
		await page.goto(`${url}/overview`);
		await expect(page.getByTestId('findings-strip').getByTestId('audit-owed')).toContainText(/40 interactions from \d+ \w+ \d{4} to \d+ \w+ \d{4} are not audited yet/);
		await expect(page.getByTestId('findings-strip').getByTestId('audit-owed-state')).toContainText('No audit is running');
		await page.goto(`${url}/compliance/packs`);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.getByTestId('audit-owed')).toHaveCount(0);

		await page.goto(`${url}/compliance/report`);
		await expect(page.getByTestId('audit-owed')).toContainText('40 interactions');
		await expect(page.getByTestId('report-headline')).toBeVisible();
		// printed, the warning stays and its button goes
		await page.emulateMedia({ media: 'print' });
		await expect(page.getByTestId('audit-owed')).toBeVisible();
		await expect(page.getByTestId('audit-owed-run')).toBeHidden();
		await expect(page.getByText('What is printed here leaves them out')).toBeVisible();
		await page.emulateMedia({ media: 'screen' });

		await page.getByTestId('audit-owed-run').click();
		await expect(page).toHaveURL(/\/compliance\?ran=\d+$/);
		await expect(page.getByTestId('audit-ran')).toBeVisible();
		await expect(page.getByTestId('audit-owed')).toHaveCount(0);
		await page.goto(`${url}/compliance/report`);
		await expect(page.getByTestId('report-headline')).toBeVisible();
		await expect(page.getByTestId('audit-owed')).toHaveCount(0);
		await page.goto(`${url}/overview`);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await expect(page.locator('[data-testid^="kpi-"]').first()).toBeVisible();
		await expect(page.getByTestId('audit-owed')).toHaveCount(0);
	} finally {
		await stop(server);
	}
});

test('a server started on a store with an audit owed runs it at start, and the pages show no warning', async ({ page }) => {
	test.setTimeout(180_000);
	await importKilledAfterCommit(lateInteractions('interactions_later.csv', 'LATER-', 25));
	const { url, server, log } = await startServer();
	try {
		// no request is sent: the lines can only come from the start
		await expect.poll(log, { timeout: 60_000 }).toMatch(/an audit is owed: 25 interactions .* from import \d+ \(interactions_later\.csv\) not audited yet .*running it now/);
		await expect.poll(log, { timeout: 60_000 }).toMatch(/the owed audit ran: audit \d+, [\d,]+ findings in [\d,]+ outbound contacts/);
		await signIn(page, url);
		await page.goto(`${url}/compliance`);
		await expect(page.getByTestId('audit-card')).toContainText('by the server when it started, for imports no audit had checked');
		await expect(page.getByTestId('audit-owed')).toHaveCount(0);
	} finally {
		await stop(server);
	}
});
