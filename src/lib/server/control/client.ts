/** The command line's side of the control socket (protocol.ts). */
import net from 'node:net';
import type { Reply, Request } from './protocol.ts';

/** errors that mean nobody answers on the socket (no server, or a stale socket file) */
const NOBODY = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'ECONNRESET']);

export class ControlSocketError extends Error {}

function connect(path: string): Promise<net.Socket | null> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(path);
		socket.once('connect', () => {
			socket.off('error', onError);
			resolve(socket);
		});
		const onError = (e: NodeJS.ErrnoException) => {
			if (NOBODY.has(e.code ?? '')) resolve(null);
			else if (e.code === 'EACCES' || e.code === 'EPERM')
				reject(new ControlSocketError(`the running server's control socket ${path} is not open to you (run the command as the user who runs the server)`));
			else reject(new ControlSocketError(`cannot reach the running server's control socket ${path}: ${e.message}`));
		};
		socket.once('error', onError);
	});
}

/** whether a server answers on the socket */
export async function socketAnswers(path: string): Promise<boolean> {
	try {
		const s = await connect(path);
		s?.destroy();
		return s !== null;
	} catch {
		return true;
	}
}

export interface SendOptions {
	out: (text: string) => void;
	err: (text: string) => void;
}

/**
 * Sends one command to the server that holds the store and passes on what it prints; resolves
 * with its exit status, or null when nobody answers on the socket (then the command runs here).
 */
export async function sendCommand(path: string, req: Request, o: SendOptions): Promise<number | null> {
	const socket = await connect(path);
	if (!socket) return null;
	return new Promise((resolve) => {
		let buf = '';
		let status: number | null = null;
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			buf += chunk;
			let nl;
			while ((nl = buf.indexOf('\n')) >= 0) {
				const line = buf.slice(0, nl);
				buf = buf.slice(nl + 1);
				let r: Reply;
				try {
					r = JSON.parse(line) as Reply;
				} catch {
					continue;
				}
				if ('out' in r) o.out(r.out);
				else if ('err' in r) o.err(r.err);
				else if ('exit' in r) status = r.exit;
			}
		});
		socket.on('error', () => {});
		socket.on('close', () => {
			if (status === null) {
				o.err(`curewise: the server closed the connection before the command finished (did it stop?); run the command again\n`);
				resolve(1);
			} else resolve(status);
		});
		socket.write(JSON.stringify(req) + '\n');
	});
}
