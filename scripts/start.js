#!/usr/bin/env node
// npm start: answers on PORT at once with a page that shows how the start is going; builds the
// app if needed and makes the demo store when there is none, both at once; gives the demo users
// new passwords; then hands the listening socket to the server (scripts/serve.js), which answers
// from then on. A line is printed at least every 5 seconds until the server answers.
//
// Stopping: SIGINT, SIGTERM or SIGHUP stops whatever runs (the build, the demo, the server) and
// then this process; so does the end of the process that started this one (npm, when it is
// sent SIGTERM, ends without passing it on through its shell). A demo store cut short is removed.
//
// CUREWISE_SKIP_BUILD=1 serves build/ as it is (tests; a deployment that built already).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import readline from 'node:readline';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const t0 = Date.now();
const elapsed = () => `${Math.round((Date.now() - t0) / 1000)} s`;

const port = process.env.PORT || '3000';
const host = process.env.HOST || '0.0.0.0';
const db = resolve(process.env.CUREWISE_DB || './data/curewise.duckdb');
const accounts = process.env.CUREWISE_DEMO_ACCOUNTS || '200000';
const built = join(root, 'build', 'index.js');

// ---------------------------------------------------------------------------- what is printed

let lastLine = Date.now();
/** the newest lines, for the page shown while starting (never the demo users' passwords) */
const recent = [];
function say(line, { onPage = true } = {}) {
	process.stdout.write(line + '\n');
	lastLine = Date.now();
	if (!onPage) return;
	recent.push(line);
	if (recent.length > 14) recent.shift();
}

/** the steps under way, named by the heartbeat and the page */
const steps = new Map();
const heartbeat = setInterval(() => {
	if (!steps.size || Date.now() - lastLine < 4500) return;
	say(`… ${[...steps.values()].join('; ')} (${elapsed()} since npm start)`);
}, 250);

// build output that says nothing about the app: SvelteKit's advice to preview, the adapter's
// banner and its bundler's notes on empty chunks (warnings and errors pass through)
const NOISE = [/^$/, /^Run npm run preview to preview your production build locally\.$/, /^> Using @sveltejs\/adapter-node$/, /^✔ done$/, /^Generated an empty chunk: "[^"]+"\.$/];
// eslint-disable-next-line no-control-regex
const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '').trim();

// ------------------------------------------------------------- children, and stopping them

const children = new Set();
let stopping = false;

/** runs a child, its lines printed (prefixed) as they come; resolves with its exit status */
function run(label, args, { filter = [], env = process.env, onPage = true, rewrite = (l) => l } = {}) {
	const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
	children.add(child);
	for (const stream of [child.stdout, child.stderr])
		readline.createInterface({ input: stream }).on('line', (line) => {
			if (filter.some((re) => re.test(plain(line)))) return;
			say(label ? `${label} ${rewrite(line)}` : rewrite(line), { onPage });
		});
	return new Promise((resolve) =>
		child.on('exit', (code, signal) => {
			children.delete(child);
			resolve(code ?? (signal ? 128 : 1));
		})
	);
}

async function stop(reason, code) {
	if (stopping) return;
	stopping = true;
	say(`stopping (${reason}) …`);
	placeholder?.close();
	placeholder?.closeAllConnections();
	const waits = [...children].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode ? r() : c.once('exit', r))));
	for (const c of children) c.kill('SIGTERM');
	// a child that does not stop within 10 s is killed
	const force = setTimeout(() => {
		for (const c of children) c.kill('SIGKILL');
	}, 10_000);
	await Promise.all(waits);
	clearTimeout(force);
	removePartialStore();
	process.exit(code);
}

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
for (const [sig, n] of Object.entries(SIGNALS)) process.on(sig, () => void stop(sig, 128 + n));

// Under npm: npm passes a SIGTERM to its shell, which ends without passing it on, and this
// process then has a new parent; a parent shell left without its own (npm killed) counts too.
const parentOf = (pid) => {
	try {
		return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]);
	} catch {
		return null;
	}
};
const parent = process.ppid;
const grandparent = parentOf(parent);
if (process.env.npm_lifecycle_event) setInterval(() => {
	if (process.ppid !== parent || (grandparent !== null && parentOf(parent) !== grandparent)) void stop('the npm start that ran this has ended', 143);
}, 500).unref();

// ------------------------------------------------------- the page shown while starting

const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const page = () => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Curewise is starting</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#222;background:#fff}
@media (prefers-color-scheme:dark){body{color:#eee;background:#16181d}pre{background:#23262d!important}}
pre{background:#f3f4f6;padding:1rem;overflow-x:auto;font-size:13px;line-height:1.4;white-space:pre-wrap}</style></head>
<body><h1>Curewise is starting</h1>
<p>${steps.size ? esc([...steps.values()].join('; ')) : 'starting the server'}: ${elapsed()} so far. This page reloads itself and turns into the sign-in page when the server is ready.</p>
<pre>${esc(recent.join('\n'))}</pre></body></html>`;

/** answers every request with the page until the server takes the socket over */
let placeholder = http.createServer((req, res) => {
	res.writeHead(503, {
		'content-type': 'text/html; charset=utf-8',
		'retry-after': '2',
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff',
		'x-frame-options': 'DENY',
		'referrer-policy': 'no-referrer',
		'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
	});
	res.end(req.method === 'HEAD' ? undefined : page());
});
await new Promise((resolve) => {
	placeholder.once('error', (e) => {
		console.error(
			e.code === 'EADDRINUSE'
				? `port ${port} is in use (is Curewise running already?): stop what uses it, or start with another PORT, e.g. PORT=3001 npm start`
				: `cannot listen on ${host}:${port}: ${e.message}`
		);
		process.exit(1);
	});
	placeholder.listen({ port: Number(port), host }, resolve);
});
say(`Curewise is starting: http://localhost:${port} shows how it goes`);

// ----------------------------------------------------------- build and demo store, at once

function newest(dir) {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

const sources = () => Math.max(newest(join(root, 'src')), ...['package.json', 'svelte.config.js', 'vite.config.ts'].map((f) => statSync(join(root, f)).mtimeMs));
const needBuild = process.env.CUREWISE_SKIP_BUILD !== '1' && (!existsSync(built) || statSync(built).mtimeMs < sources());

// the demo store is made under another name and renamed when complete: a start cut short
// leaves no half-made store for the next one to serve
const partial = `${db}.creating`;
const storeFiles = (p) => [p, `${p}.wal`, `${p}.tmp`, ...(process.env.CUREWISE_TRAIL_KEY_FILE ? [] : [`${p}.trail-key`])];
let makingStore = false;
function removePartialStore() {
	if (makingStore) for (const f of storeFiles(partial)) rmSync(f, { recursive: true, force: true });
}

const work = [];
if (needBuild) {
	steps.set('build', 'building the app');
	say('building the app …');
	work.push(
		run('build:', [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { filter: NOISE }).then((code) => {
			steps.delete('build');
			if (code !== 0) throw new Error(`the build failed (exit ${code}); the lines above say why`);
			say(`app built (${elapsed()})`);
		})
	);
}
if (!existsSync(db)) {
	makingStore = true;
	removePartialStore();
	steps.set('demo', `creating the demo store (${Number(accounts).toLocaleString('en-US')} accounts)`);
	say(`no store at ${db}: creating the demo store (${Number(accounts).toLocaleString('en-US')} accounts) …`);
	work.push(
		run('demo:', [join(root, 'bin', 'curewise.js'), 'demo', '--db', partial, '--accounts', accounts], { rewrite: (l) => l.replaceAll(partial, db) }).then((code) => {
			steps.delete('demo');
			if (code !== 0) throw new Error(`the demo store could not be made (exit ${code}); the lines above say why`);
			for (const [from, to] of storeFiles(partial).map((f, i) => [f, storeFiles(db)[i]])) if (existsSync(from)) renameSync(from, to);
			makingStore = false;
			say(`demo store ready (${elapsed()})`);
		})
	);
}
try {
	await Promise.all(work);
} catch (e) {
	if (!stopping) {
		console.error(e.message);
		await stop('a step failed', 1);
	}
}
if (stopping) await new Promise(() => {});

// a demo store gets one user per role, with new passwords printed at every start (the command
// refuses, and says what to do instead, on a store that holds real imports)
steps.set('users', 'giving the demo users new passwords');
await run('', [join(root, 'bin', 'curewise.js'), 'users', 'demo', '--db', db], { onPage: false });
steps.delete('users');
if (stopping) await new Promise(() => {});

// ----------------------------------------------------------------------------- the server

const env = {
	...process.env,
	CUREWISE_DB: db,
	PORT: port,
	HOST: host,
	// the address people use; set ORIGIN when serving under another name (form posts are checked against it)
	ORIGIN: process.env.ORIGIN || `http://localhost:${port}`,
	// uploads are streamed to disk and limited by CUREWISE_MAX_UPLOAD_MB instead
	BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT || 'Infinity',
	// DuckDB runs every query and connect on libuv's thread pool (4 threads unless set before
	// the process starts): with more, a session read never waits behind long chart queries
	UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE || '64'
};
// the listening socket itself is handed over (adapter-node's socket activation, as fd 3), so
// that no request is refused between this page and the server; where there is no descriptor
// to pass (Windows) the port is closed and the server opens it again
const fd = placeholder._handle?.fd;
const handOver = typeof fd === 'number' && fd >= 0;
if (!handOver) await new Promise((r) => placeholder.close(r));
const server = spawn(process.execPath, [join(root, 'scripts', 'serve.js')], {
	stdio: ['inherit', 'inherit', 'inherit', ...(handOver ? [fd] : [])],
	env: { ...env, ...(handOver ? { LISTEN_FDS: '1' } : { LISTEN_FDS: '0' }) }
});
children.add(server);
if (handOver) {
	placeholder.close();
	placeholder.closeAllConnections();
}
placeholder = null;
steps.set('server', 'starting the server');
server.on('exit', (code, signal) => {
	children.delete(server);
	if (!stopping) process.exit(code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : 1));
});

// ready when the server answers a request of its own
const probeHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
const answers = () =>
	new Promise((resolve) => {
		const req = http.get({ host: probeHost, port: Number(port), path: '/login', timeout: 60_000 }, (res) => {
			res.resume();
			resolve(res.statusCode !== 503);
		});
		req.on('error', () => resolve(false));
		req.on('timeout', () => req.destroy());
	});
while (!stopping && !(await answers())) await new Promise((r) => setTimeout(r, 250));
steps.delete('server');
clearInterval(heartbeat);
if (!stopping) say(`Curewise is serving ${db} at http://localhost:${port} (ready ${elapsed()} after npm start)`);
