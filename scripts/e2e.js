#!/usr/bin/env node
// End-to-end test runner (`npm run test:e2e`).
//
//   1. makes sure a Chromium is available (CHROMIUM_PATH, else /usr/bin/chromium,
//      else `apt-get install -y chromium`; Playwright cannot download browsers here),
//   2. builds the app (`npm run build`) unless build/index.js is newer than the sources,
//   3. creates a demo DuckDB store in a temp folder (`bin/curewise.js demo ...`), and copies
//      the experiment definitions (experiments/*.yaml) into that folder: the server reads and
//      writes them there (CUREWISE_EXPERIMENTS_DIR), never in the repository's experiments/,
//   4. starts the built server (`node build`) on a free port on 127.0.0.1,
//   5. runs Playwright (test/e2e/playwright.config.ts) against it,
//   6. stops the server and exits with Playwright's exit code.
//
// Results: the Playwright JSON report goes to $CUREWISE_E2E_REPORT, default
// test-results/playwright.json (scripts/test.js reads it). The server's output goes to
// test-results/e2e-server.log; screenshots of failed tests to test-results/e2e/.
// CUREWISE_E2E_KEEP=1 keeps the temp folder (demo store) for inspection;
// CUREWISE_E2E_NO_DEMO=1 skips the demo store (the server starts on an empty store).
// Extra arguments are passed on to `playwright test` (e.g. `npm run test:e2e -- -g smoke`).

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(ROOT, 'test-results');
const REPORT = path.resolve(ROOT, process.env.CUREWISE_E2E_REPORT || 'test-results/playwright.json');
const SERVER_LOG = path.join(RESULTS_DIR, 'e2e-server.log');
const PLAYWRIGHT_CONFIG = path.join('test', 'e2e', 'playwright.config.ts');
const SERVER_START_TIMEOUT_MS = 60_000;
const DEMO_TIMEOUT_MS = 10 * 60_000;

const log = (msg) => console.log(`[e2e] ${msg}`);
const warn = (msg) => console.warn(`[e2e] WARNING: ${msg}`);

class E2EError extends Error {}

/**
 * Every child process we started, so that a signal can stop them. Each has the signal it
 * stops gracefully on (`stopSignal`): SIGINT for Playwright (it then ends its run and
 * writes its report), SIGTERM for the rest.
 */
const children = new Set();

/**
 * A package's CLI from node_modules/.bin, run directly: no npm/npx wrapper in between, so
 * signals reach the real process (npx does not pass a SIGTERM on to Playwright).
 */
function localBin(name) {
	const p = path.join(ROOT, 'node_modules', '.bin', name);
	return existsSync(p) ? [p] : ['npx', '--no-install', name];
}

/** Runs a command with inherited stdio; resolves with its exit code (never rejects on non-zero). */
function run(cmd, args, opts = {}) {
	const { timeoutMs, stopSignal = 'SIGTERM', ...spawnOpts } = opts;
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd: ROOT, stdio: 'inherit', ...spawnOpts });
		child.stopSignal = stopSignal;
		children.add(child);
		let timer;
		if (timeoutMs) {
			timer = setTimeout(() => {
				warn(`${cmd} ${args.join(' ')} took longer than ${timeoutMs / 1000}s; killing it`);
				child.kill('SIGKILL');
			}, timeoutMs);
		}
		child.on('error', (err) => {
			clearTimeout(timer);
			children.delete(child);
			reject(err);
		});
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			children.delete(child);
			resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1));
		});
	});
}

// ---------------------------------------------------------------- browser

async function ensureChromium() {
	const wanted = process.env.CHROMIUM_PATH;
	if (wanted) {
		if (!existsSync(wanted)) throw new E2EError(`CHROMIUM_PATH=${wanted} does not exist.`);
		return wanted;
	}
	const debianPath = '/usr/bin/chromium';
	if (existsSync(debianPath)) return debianPath;

	log('Chromium not found at /usr/bin/chromium; installing it with apt-get (Debian package "chromium")...');
	const t0 = Date.now();
	const code = await run('sh', ['-c', 'apt-get update && apt-get install -y chromium'], {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		stdio: ['ignore', 'inherit', 'inherit']
	}).catch((err) => {
		console.error(err);
		return 1;
	});
	if (code !== 0 || !existsSync(debianPath)) {
		throw new E2EError(
			'Could not install Chromium with `apt-get update && apt-get install -y chromium` ' +
				`(exit code ${code}). Install it by hand (as root), or set CHROMIUM_PATH to a Chromium binary. ` +
				'`npx playwright install` cannot download browsers on this network.'
		);
	}
	log(`Chromium installed in ${((Date.now() - t0) / 1000).toFixed(0)}s.`);
	return debianPath;
}

// ---------------------------------------------------------------- build

/**
 * Newest mtime (ms) of `p` and everything under it; 0 if it does not exist. Folders count
 * too: deleting or renaming a file only changes its folder's mtime.
 */
function newestMtime(p) {
	let st;
	try {
		st = statSync(p);
	} catch {
		return 0;
	}
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
	return newest;
}

async function ensureBuild() {
	const built = path.join(ROOT, 'build', 'index.js');
	const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
	const inputs = ['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'];
	const sourcesAt = Math.max(...inputs.map((p) => newestMtime(path.join(ROOT, p))));
	if (builtAt > sourcesAt) {
		log('build/index.js is newer than the sources; not rebuilding.');
		return;
	}
	log(builtAt ? 'Sources changed since the last build; running `npm run build`...' : 'Running `npm run build`...');
	const t0 = Date.now();
	const code = await run('npm', ['run', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
	if (code !== 0) throw new E2EError(`\`npm run build\` failed (exit code ${code}).`);
	if (!existsSync(built)) throw new E2EError('`npm run build` succeeded but build/index.js is missing.');
	log(`Built in ${((Date.now() - t0) / 1000).toFixed(0)}s.`);
}

// ---------------------------------------------------------------- experiments

/**
 * The experiment definitions the tests use: a copy of experiments/*.yaml in the temp folder,
 * so that launching, stopping and concluding in the browser never touches the repository.
 */
function copyExperiments(tmp) {
	const from = path.join(ROOT, 'experiments');
	const to = path.join(tmp, 'experiments');
	mkdirSync(to, { recursive: true });
	const files = existsSync(from) ? readdirSync(from).filter((f) => f.endsWith('.yaml')) : [];
	for (const f of files) copyFileSync(path.join(from, f), path.join(to, f));
	log(`Copied ${files.length} experiment definition${files.length === 1 ? '' : 's'} to ${to} (CUREWISE_EXPERIMENTS_DIR).`);
	return to;
}

// ---------------------------------------------------------------- demo store

async function createDemoStore(tmp, dbPath, experimentsDir) {
	const cli = path.join(ROOT, 'bin', 'curewise.js');
	if (process.env.CUREWISE_E2E_NO_DEMO) {
		warn('CUREWISE_E2E_NO_DEMO is set; skipping demo store creation (the server will start on an empty store).');
		return;
	}
	if (!existsSync(cli)) {
		warn('bin/curewise.js does not exist yet; skipping demo store creation (the server will start on an empty store).');
		return;
	}
	const args = [cli, 'demo', '--db', dbPath, '--accounts', '2000', '--seed', '7', '--out', path.join(tmp, 'demo')];
	log(`Creating the demo store: node ${path.relative(ROOT, cli)} ${args.slice(1).join(' ')}`);
	const t0 = Date.now();
	const code = await run(process.execPath, args, {
		timeoutMs: DEMO_TIMEOUT_MS,
		stdio: ['ignore', 'inherit', 'inherit'],
		env: { ...process.env, CUREWISE_EXPERIMENTS_DIR: experimentsDir }
	});
	if (code !== 0) throw new E2EError(`\`curewise demo\` failed (exit code ${code}); no demo store to test against.`);
	log(`Demo store created in ${((Date.now() - t0) / 1000).toFixed(0)}s.`);
	// one user per role, password from standard input (test/e2e/auth.ts signs in as them)
	for (const role of ['leadership', 'strategist', 'compliance', 'admin']) {
		const r = spawnSync(process.execPath, [cli, 'users', 'add', '--username', `e2e-${role}`, '--role', role, '--db', dbPath], {
			input: E2E_PASSWORD,
			encoding: 'utf8'
		});
		if (r.status !== 0) throw new E2EError(`could not add the e2e user for ${role}: ${r.stderr}`);
	}
	log('Added the e2e users (one per role).');
}

/** the e2e users' password (test data, not a secret) */
const E2E_PASSWORD = 'e2e-password-not-secret';

// ---------------------------------------------------------------- server

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

function startServer(port, dbPath, experimentsDir) {
	const baseUrl = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['build'], {
		cwd: ROOT,
		env: {
			...process.env,
			CUREWISE_DB: dbPath,
			CUREWISE_EXPERIMENTS_DIR: experimentsDir,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseUrl,
			BODY_SIZE_LIMIT: 'Infinity',
			NODE_ENV: 'production',
			// as npm start does: DuckDB's queries use libuv's thread pool, read once at start
			UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE || '64'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	children.add(child);
	const server = { child, baseUrl, stdout: '', stderr: '', exited: null };
	child.stdout.setEncoding('utf8').on('data', (d) => (server.stdout += d));
	child.stderr.setEncoding('utf8').on('data', (d) => (server.stderr += d));
	child.on('error', (err) => (server.stderr += `\n[spawn error] ${err.message}\n`));
	child.on('exit', (code, signal) => {
		children.delete(child);
		server.exited = { code, signal };
	});
	return server;
}

const tail = (text, lines = 60) => text.trimEnd().split('\n').slice(-lines).join('\n');

async function waitForServer(server) {
	const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
	let lastError = '';
	while (Date.now() < deadline) {
		if (server.exited) {
			throw new E2EError(
				`The server (node build) exited before answering (code ${server.exited.code}, signal ${server.exited.signal}).\n` +
					`--- server stderr ---\n${tail(server.stderr) || '(empty)'}\n--- server stdout ---\n${tail(server.stdout) || '(empty)'}`
			);
		}
		try {
			const res = await fetch(`${server.baseUrl}/`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
			await res.arrayBuffer().catch(() => {});
			log(`Server answered GET / with ${res.status}.`);
			return;
		} catch (err) {
			lastError = err?.cause?.code || err?.message || String(err);
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new E2EError(
		`The server (node build) did not answer GET ${server.baseUrl}/ within ${SERVER_START_TIMEOUT_MS / 1000}s (last error: ${lastError}).\n` +
			`--- server stderr ---\n${tail(server.stderr) || '(empty)'}\n--- server stdout ---\n${tail(server.stdout) || '(empty)'}`
	);
}

async function stopServer(server) {
	if (!server || server.exited) return;
	const exited = new Promise((resolve) => server.child.once('exit', resolve));
	server.child.kill('SIGTERM');
	const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
	await exited;
	clearTimeout(timer);
}

function saveServerLog(server) {
	if (!server) return;
	try {
		writeFileSync(SERVER_LOG, `--- stdout ---\n${server.stdout}\n--- stderr ---\n${server.stderr}\n`);
	} catch {
		/* best effort */
	}
}

// ---------------------------------------------------------------- main

let interrupted = false;
function onSignal(signal) {
	if (interrupted) return;
	interrupted = true;
	console.error(`\n[e2e] ${signal}: stopping the server and the test run...`);
	for (const child of children) child.kill(child.stopSignal ?? 'SIGTERM');
	setTimeout(() => {
		for (const child of children) child.kill('SIGKILL');
		process.exit(130);
	}, 5_000).unref();
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

async function main() {
	const t0 = Date.now();
	mkdirSync(RESULTS_DIR, { recursive: true });
	mkdirSync(path.dirname(REPORT), { recursive: true });
	rmSync(REPORT, { force: true }); // never let a stale report count as this run's result

	const chromium = await ensureChromium();
	log(`Using Chromium at ${chromium}`);
	await ensureBuild();

	const tmp = mkdtempSync(path.join(os.tmpdir(), 'curewise-e2e-'));
	const dbPath = path.join(tmp, 'e2e.duckdb');
	let server;
	let code = 1;
	try {
		const experimentsDir = copyExperiments(tmp);
		await createDemoStore(tmp, dbPath, experimentsDir);
		if (interrupted) return 130;

		const port = await freePort();
		log(`Starting the server: node build on ${`http://127.0.0.1:${port}`} with CUREWISE_DB=${dbPath}`);
		server = startServer(port, dbPath, experimentsDir);
		await waitForServer(server);
		if (interrupted) return 130;

		log(`Bootstrap took ${((Date.now() - t0) / 1000).toFixed(0)}s. Running Playwright...`);
		const [playwright, ...pre] = localBin('playwright');
		code = await run(
			playwright,
			[...pre, 'test', '--config', PLAYWRIGHT_CONFIG, '--reporter=list,json', ...process.argv.slice(2)],
			{
				stopSignal: 'SIGINT',
				stdio: ['ignore', 'inherit', 'inherit'],
				env: {
					...process.env,
					BASE_URL: server.baseUrl,
					CUREWISE_E2E_DB: dbPath,
					CUREWISE_EXPERIMENTS_DIR: experimentsDir,
					CHROMIUM_PATH: chromium,
					PLAYWRIGHT_JSON_OUTPUT_FILE: REPORT
				}
			}
		);
		if (code !== 0 && server.stderr.trim()) {
			console.error(`[e2e] --- server stderr (last lines; full log in ${path.relative(ROOT, SERVER_LOG)}) ---`);
			console.error(tail(server.stderr, 40));
		}
		if (!existsSync(REPORT)) warn(`Playwright wrote no JSON report at ${REPORT}.`);
		return code;
	} finally {
		await stopServer(server);
		saveServerLog(server);
		if (process.env.CUREWISE_E2E_KEEP) {
			log(`Kept the temp folder ${tmp} (CUREWISE_E2E_KEEP is set).`);
		} else {
			rmSync(tmp, { recursive: true, force: true });
		}
	}
}

main().then(
	(code) => process.exit(interrupted ? 130 : code),
	(err) => {
		console.error(err instanceof E2EError ? `\n[e2e] ERROR: ${err.message}` : err);
		process.exit(interrupted ? 130 : 1);
	}
);
