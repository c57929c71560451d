#!/usr/bin/env node
// npm start: build the app if needed, create the demo store when there is none, serve it.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);

function newest(dir) {
	let t = 0;
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const p = join(dir, e.name);
		t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return t;
}

function run(cmd, args, env = process.env) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', env });
	if (r.status !== 0) {
		console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status || 1);
	}
}

const built = join(root, 'build', 'index.js');
const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs, statSync(join(root, 'svelte.config.js')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
	console.log('building the app …');
	run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
}

const db = resolve(process.env.CUREWISE_DB || './data/curewise.duckdb');
if (!existsSync(db)) {
	const accounts = process.env.CUREWISE_DEMO_ACCOUNTS || '200000';
	console.log(`no store at ${db}: creating the demo store (${Number(accounts).toLocaleString('en-US')} accounts, about a minute) …`);
	run(process.execPath, [join(root, 'bin', 'curewise.js'), 'demo', '--db', db, '--accounts', accounts]);
}

// a demo store gets one user per role, with new passwords printed at every start
// (the command refuses, and says so, on a store that holds real imports)
spawnSync(process.execPath, [join(root, 'bin', 'curewise.js'), 'users', 'demo', '--db', db], { stdio: 'inherit' });

const port = process.env.PORT || '3000';
const host = process.env.HOST || '0.0.0.0';
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
const server = spawn(process.execPath, [built], { stdio: 'inherit', env });
console.log(`Curewise is serving ${db} at http://localhost:${port}`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill(sig));
server.on('exit', (code) => process.exit(code ?? 0));
