/**
 * The running server's control socket (protocol.ts): lets `curewise` commands run while the
 * server holds the store (DuckDB lets one process open a file for writing and refuses every
 * other open, read-only ones too). Only the commands in allow-list.ts are taken; each is run by
 * the same code as on the command line (src/cli/run.ts) against the server's open store, its
 * output sent back as it is printed, and each run (or refusal) is recorded in the trail.
 *
 * The socket is made with mode 0600 (the umask is narrowed while it is bound, so it is never
 * open to others), removed when the server shuts down or exits, and a stale one left by a killed
 * server is found (nobody answers on it) and replaced at the next start.
 */
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import type { Store } from '../db/store.ts';
import { recordTrail } from '../trail/trail.ts';
import { commandName, insteadWhileServing, isAllowed } from './allow-list.ts';
import { controlSocketPath, MAX_REQUEST_BYTES, MAX_SOCKET_PATH_BYTES, requestSchema, type Reply, type Request } from './protocol.ts';
import { socketAnswers } from './client.ts';
import { runCommand, type CommandModule } from '../../../cli/run.ts';

/** the command modules the socket runs (the allow-list narrows them to sub-commands) */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
	users: () => import('../../../cli/commands/users.ts'),
	kpis: () => import('../../../cli/commands/kpis.ts'),
	trail: () => import('../../../cli/commands/trail.ts'),
	experiments: () => import('../../../cli/commands/experiments.ts')
};

export interface ControlSocket {
	path: string;
	close(): Promise<void>;
}

export interface ControlOptions {
	/** where lines for the server's operator go (default: standard error) */
	log?: (msg: string) => void;
}

/**
 * Starts the control socket of an open store; null when it cannot (then `curewise` commands
 * need the server stopped, and the log says why).
 */
export async function startControlSocket(store: Store, opts: ControlOptions = {}): Promise<ControlSocket | null> {
	const log = opts.log ?? ((m: string) => console.error(m));
	const path = controlSocketPath(store.path);
	const without = `'curewise' commands on this store need the server stopped`;
	if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
		log(`control socket not started: its path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes; ${without} (or keep the store under a shorter path)`);
		return null;
	}
	if (!(await clearStale(path, log, without))) return null;

	const server = net.createServer({ allowHalfOpen: true }, (socket) => void serve(store, socket, log));
	try {
		await listenPrivately(server, path);
	} catch (e) {
		log(`control socket not started at ${path}: ${e instanceof Error ? e.message : e}; ${without}`);
		return null;
	}
	// the server's own shutdown decides when the process ends, not this socket
	server.unref();
	const ino = lstatSync(path).ino;
	const removeFile = () => {
		try {
			if (lstatSync(path).ino === ino) unlinkSync(path);
		} catch {
			/* gone already */
		}
	};
	let closed: Promise<void> | null = null;
	const close = () =>
		(closed ??= new Promise<void>((resolve) => {
			process.off('exit', removeFile);
			events.off('sveltekit:shutdown', onShutdown);
			server.close(() => resolve());
			removeFile();
		}));
	const onShutdown = () => void close();
	process.on('exit', removeFile);
	// adapter-node's graceful shutdown (SIGTERM, SIGINT) emits this on the process
	const events = process as NodeJS.EventEmitter;
	events.on('sveltekit:shutdown', onShutdown);
	return { path, close };
}

/** a socket file left by a server that was killed: removed; true when the path is free */
async function clearStale(path: string, log: (m: string) => void, without: string): Promise<boolean> {
	let st;
	try {
		st = lstatSync(path);
	} catch {
		return true;
	}
	if (!st.isSocket()) {
		log(`control socket not started: ${path} exists and is not a socket (left as it is); ${without}`);
		return false;
	}
	if (await socketAnswers(path)) {
		log(`control socket not started: another process answers on ${path}; ${without}`);
		return false;
	}
	unlinkSync(path);
	return true;
}

/** binds with a narrowed umask, so that the socket is created 0600 and never open to others in between */
function listenPrivately(server: net.Server, path: string): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		const umask = process.umask(0o177);
		try {
			server.listen(path, () => {
				server.off('error', reject);
				resolve();
			});
		} finally {
			process.umask(umask);
		}
	}).then(() => chmodSync(path, 0o600));
}

async function serve(store: Store, socket: net.Socket, log: (m: string) => void): Promise<void> {
	const send = (r: Reply) => {
		if (!socket.destroyed && socket.writable) socket.write(JSON.stringify(r) + '\n');
	};
	const finish = (status: number) => {
		send({ exit: status });
		socket.end();
	};
	socket.on('error', () => {});
	let req: Request;
	try {
		req = await readRequest(socket);
	} catch (e) {
		send({ err: `curewise: ${e instanceof Error ? e.message : String(e)}\n` });
		return finish(2);
	}
	const name = commandName(req.argv);
	const actor = `cli:${req.user}`;
	if (!isAllowed(req.argv)) {
		await recordTrail(store, { actor, role: null, action: 'cli_command_refused', target: name, details: { via: 'control socket', args: req.argv.slice(1) } }).catch(() => {});
		log(`curewise ${name} refused on the control socket (${actor}): not on the allow-list`);
		send({ err: `curewise ${name}: the Curewise server is running on the store ${store.path} and does not run this command for you: ${insteadWhileServing(req.argv)}\n` });
		return finish(1);
	}
	try {
		// recorded before it runs: a command cut short by a crash is in the trail too
		await recordTrail(store, { actor, role: null, action: 'cli_command', target: name, details: { via: 'control socket', args: req.argv.slice(1) } });
	} catch (e) {
		send({ err: `curewise ${name}: the server could not record the command in its trail, so it did not run it: ${e instanceof Error ? e.message : e}\n` });
		return finish(1);
	}
	const [command, ...args] = req.argv as [string, ...string[]];
	let status = 1;
	try {
		const mod = await COMMANDS[command]!();
		status = await runCommand(command, mod, args, {
			out: (text) => send({ out: text }),
			err: (text) => send({ err: text }),
			input: () => req.input,
			withStore: (_opts, fn) => fn(store),
			user: req.user,
			via: 'server'
		});
	} catch (e) {
		send({ err: `curewise ${name}: ${e instanceof Error ? e.message : String(e)}\n` });
	}
	log(`curewise ${name} run through the control socket (${actor}): exit ${status}`);
	finish(status);
}

/** the request line: at most MAX_REQUEST_BYTES, within 10 seconds of connecting */
function readRequest(socket: net.Socket): Promise<Request> {
	return new Promise((resolve, reject) => {
		let buf = '';
		const done = (e: Error | null, r?: Request) => {
			socket.off('data', onData);
			socket.off('end', onEnd);
			socket.setTimeout(0);
			if (e) reject(e);
			else resolve(r!);
		};
		const onData = (chunk: string) => {
			buf += chunk;
			const nl = buf.indexOf('\n');
			if (nl < 0) {
				if (Buffer.byteLength(buf) > MAX_REQUEST_BYTES) done(new Error(`the request is longer than ${MAX_REQUEST_BYTES} bytes`));
				return;
			}
			let parsed: unknown;
			try {
				parsed = JSON.parse(buf.slice(0, nl));
			} catch {
				return done(new Error('the request is not JSON'));
			}
			const r = requestSchema.safeParse(parsed);
			if (!r.success) return done(new Error(`not a request this server understands: ${r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`));
			done(null, r.data);
		};
		const onEnd = () => done(new Error('the request ended before its end of line'));
		socket.setEncoding('utf8');
		socket.setTimeout(10_000, () => {
			done(new Error('no request within 10 seconds'));
			socket.destroy();
		});
		socket.on('data', onData);
		socket.on('end', onEnd);
	});
}
