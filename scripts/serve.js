#!/usr/bin/env node
// The server as npm start (scripts/start.js) runs it: it takes over the listening socket that
// start.js passes as file descriptor 3 (adapter-node's socket activation: LISTEN_FDS=1 and
// LISTEN_PID, which only this process can know, set here), and it stops when start.js is gone,
// even when start.js was killed in a way it could not pass on.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
if (process.env.LISTEN_FDS === '1') process.env.LISTEN_PID = String(process.pid);
else delete process.env.LISTEN_FDS;

const parent = process.ppid;
const stop = () => process.kill(process.pid, 'SIGTERM');
setInterval(() => {
	if (process.ppid !== parent) stop();
}, 500).unref();

// adapter-node's shutdown closes the HTTP server and waits for open requests (at most
// SHUTDOWN_TIMEOUT, 30 s); work still running after that (a chart query, the cache warming)
// does not keep the process, and so the port, from ending
process.once('sveltekit:shutdown', () => setTimeout(() => process.exit(0), 3000).unref());

await import(pathToFileURL(join(root, 'build', 'index.js')).href);
