#!/usr/bin/env node
// `npm test`: unit + integration tests (Vitest), then end-to-end tests (scripts/e2e.js,
// Playwright). Both always run. The last line printed is the total, `N passed, N failed`
// (`, N skipped` when some were skipped); the exit code is 1 if anything failed, or if a
// runner crashed / left no readable results (that counts as a failure, never as 0 failed).
//
// Results: test-results/vitest.json and test-results/playwright.json.
// Extra arguments are passed to Vitest (e.g. `npm test -- test/unit/foo.test.ts`).
// CUREWISE_SKIP_E2E=1 runs Vitest only (for quick local runs; CI never sets it).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'test-results');
const VITEST_JSON = path.join(RESULTS_DIR, 'vitest.json');
const PLAYWRIGHT_JSON = path.join(RESULTS_DIR, 'playwright.json');

let current = null;
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		interrupted = true;
		// Pass it on (after a Ctrl-C in a terminal the child gets it twice; the runners and
		// scripts/e2e.js treat a second interrupt as the same one).
		current?.kill(sig);
	});
}

/**
 * A package's CLI from node_modules/.bin, run directly: no npx wrapper in between, so
 * signals reach the real process.
 */
function localBin(name) {
	const p = path.join(ROOT, 'node_modules', '.bin', name);
	return existsSync(p) ? [p] : ['npx', '--no-install', name];
}

/** Runs a command, streaming its output; resolves with its exit code (1 if it could not start). */
function run(cmd, args, env = process.env) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env });
		current = child;
		child.on('error', (err) => {
			console.error(`[test] could not start ${cmd}: ${err.message}`);
			current = null;
			resolve(1);
		});
		child.on('exit', (code, signal) => {
			current = null;
			if (signal) console.error(`[test] ${cmd} ${args[0] ?? ''} was killed by ${signal}`);
			resolve(code ?? 1);
		});
	});
}

/**
 * chdb (ClickHouse embedded, about 570 MB) is not in package.json: the ClickHouse engine's tests
 * need it in .cache/chdb, so it is installed there when missing (`npm run install:chdb`). If that
 * fails the ClickHouse tests are skipped, with the reason printed; they never fail for its lack.
 */
async function ensureChdb() {
	const places = [path.join(ROOT, '.cache', 'chdb', 'node_modules', 'chdb'), path.join(ROOT, 'node_modules', 'chdb')];
	if (places.some((p) => existsSync(path.join(p, 'package.json')))) return;
	console.log('[test] chdb (ClickHouse, about 570 MB) is not installed; installing it into .cache/chdb for the ClickHouse engine tests (npm run install:chdb)...');
	const code = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'install:chdb']);
	if (code !== 0) console.log(`[test] installing chdb failed (exit code ${code}): the ClickHouse engine tests will be skipped.`);
}

function readJson(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch (err) {
		return { __error: existsSync(file) ? `unreadable (${err.message})` : 'missing' };
	}
}

/** Counts from Vitest's JSON reporter (Jest-compatible format). */
function vitestCounts(report, exitCode) {
	const c = { name: 'vitest', passed: 0, failed: 0, skipped: 0, notes: [] };
	if (report.__error) {
		c.failed = 1;
		c.notes.push(`no results (${path.relative(ROOT, VITEST_JSON)} ${report.__error}); counted as 1 failed`);
		return c;
	}
	c.passed = report.numPassedTests ?? 0;
	c.failed = report.numFailedTests ?? 0;
	c.skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
	// A test file that fails to load (syntax error, import error, failing beforeAll...)
	// has no failed tests of its own: count each such file as one failure.
	for (const file of report.testResults ?? []) {
		const hasFailedTest = (file.assertionResults ?? []).some((t) => t.status === 'failed');
		if (file.status === 'failed' && !hasFailedTest) {
			c.failed += 1;
			c.notes.push(`${path.relative(ROOT, file.name ?? '?')}: ${String(file.message ?? 'failed to run').split('\n')[0]}`);
		}
	}
	if (exitCode !== 0 && c.failed === 0) {
		c.failed = 1;
		c.notes.push(`vitest exited with code ${exitCode} but reported no failed test; counted as 1 failed`);
	}
	return c;
}

/** Counts from Playwright's JSON reporter. */
function playwrightCounts(report, exitCode) {
	const c = { name: 'e2e', passed: 0, failed: 0, skipped: 0, notes: [] };
	if (report.__error) {
		c.failed = 1;
		c.notes.push(
			`no results (${path.relative(ROOT, PLAYWRIGHT_JSON)} ${report.__error}): ` +
				`scripts/e2e.js exited with code ${exitCode} before Playwright reported; counted as 1 failed`
		);
		return c;
	}
	const s = report.stats ?? {};
	c.passed = (s.expected ?? 0) + (s.flaky ?? 0);
	c.failed = s.unexpected ?? 0;
	c.skipped = s.skipped ?? 0;
	// Errors outside tests (a spec file that does not compile, a failing global setup...).
	for (const err of report.errors ?? []) {
		c.failed += 1;
		c.notes.push(String(err.message ?? err.value ?? 'error outside tests').split('\n')[0]);
	}
	if (exitCode !== 0 && c.failed === 0) {
		c.failed = 1;
		c.notes.push(`scripts/e2e.js exited with code ${exitCode} but reported no failed test; counted as 1 failed`);
	}
	return c;
}

async function main() {
	mkdirSync(RESULTS_DIR, { recursive: true });
	rmSync(VITEST_JSON, { force: true });
	rmSync(PLAYWRIGHT_JSON, { force: true });
	const t0 = Date.now();

	// tsconfig.json extends .svelte-kit/tsconfig.json, which only exists after `svelte-kit sync`
	// (or a build); without it Vitest cannot transform any .ts file on a fresh clone.
	const [svelteKit, ...skPre] = localBin('svelte-kit');
	const syncCode = await run(svelteKit, [...skPre, 'sync']);
	if (syncCode !== 0) console.error(`[test] \`svelte-kit sync\` failed (exit code ${syncCode}); running the tests anyway.`);

	await ensureChdb();

	console.log('\n=== Unit and integration tests (vitest) ===\n');
	const [vitest, ...vPre] = localBin('vitest');
	const vitestCode = await run(vitest, [
		...vPre,
		'run',
		'--passWithNoTests',
		'--reporter=default',
		'--reporter=json',
		`--outputFile.json=${VITEST_JSON}`,
		...process.argv.slice(2)
	]);
	const results = [vitestCounts(readJson(VITEST_JSON), vitestCode)];

	if (process.env.CUREWISE_SKIP_E2E && !process.env.CI) {
		console.log('\n=== End-to-end tests skipped (CUREWISE_SKIP_E2E is set) ===');
	} else if (interrupted) {
		console.log('\n=== Interrupted: end-to-end tests not run ===');
		results.push({ name: 'e2e', passed: 0, failed: 1, skipped: 0, notes: ['interrupted before running'] });
	} else {
		console.log('\n=== End-to-end tests (playwright) ===\n');
		const e2eCode = await run(process.execPath, [path.join(ROOT, 'scripts', 'e2e.js')], {
			...process.env,
			CUREWISE_E2E_REPORT: PLAYWRIGHT_JSON
		});
		results.push(playwrightCounts(readJson(PLAYWRIGHT_JSON), e2eCode));
	}

	const total = { passed: 0, failed: 0, skipped: 0 };
	console.log(`\n=== Summary (${((Date.now() - t0) / 1000).toFixed(0)}s) ===`);
	for (const r of results) {
		total.passed += r.passed;
		total.failed += r.failed;
		total.skipped += r.skipped;
		console.log(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
		for (const note of r.notes) console.log(`  - ${note}`);
	}
	console.log(`results: ${path.relative(ROOT, VITEST_JSON)}, ${path.relative(ROOT, PLAYWRIGHT_JSON)}`);
	const line = `${total.passed} passed, ${total.failed} failed` + (total.skipped ? `, ${total.skipped} skipped` : '');
	console.log(line);
	return total.failed > 0 || interrupted ? 1 : 0;
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(err) => {
		console.error(err);
		console.log('0 passed, 1 failed');
		process.exitCode = 1;
	}
);
