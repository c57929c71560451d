/**
 * What a command talks to: its output, its standard input, the store and the person running it.
 * From a terminal (localIo) that is this process's own streams and a store opened for the
 * command; through the running server's control socket (src/lib/server/control/) it is the
 * socket and the server's open store, so that the same command prints the same words either way.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Store, type StoreOptions } from '../lib/server/db/store.ts';

export interface Io {
	/** standard output */
	out(text: string): void;
	/** standard error */
	err(text: string): void;
	/** the text on standard input (a password), or null when standard input is a terminal */
	input(): string | null;
	/** runs `fn` with the store: opened for it and closed after, or the running server's own */
	withStore<T>(opts: StoreOptions, fn: (store: Store) => Promise<T>): Promise<T>;
	/** the operating-system user who runs the command (the trail's actor is cli:<user>) */
	user: string;
	/** 'local': this process opened the store; 'server': run by the server that holds it */
	via: 'local' | 'server';
}

let stdin: string | null | undefined;

export const localIo: Io = {
	out: (text) => void process.stdout.write(text),
	err: (text) => void process.stderr.write(text),
	input() {
		if (stdin === undefined) stdin = process.stdin.isTTY ? null : readFileSync(0, 'utf8');
		return stdin;
	},
	async withStore(opts, fn) {
		const store = await Store.open(opts);
		try {
			return await fn(store);
		} finally {
			await store.close();
		}
	},
	get user() {
		return osUser();
	},
	via: 'local'
};

export function osUser(): string {
	try {
		return userInfo().username;
	} catch {
		return process.env.USER || process.env.USERNAME || 'unknown';
	}
}

/** the trail's actor for a command run by `io.user` */
export const cliActor = (io: Io) => `cli:${io.user}`;
