/**
 * Which `curewise` commands the running server takes through its control socket, and what to
 * do instead for the others. Shared by the command line (which asks) and the server (which
 * checks again: the socket refuses whatever is not on this list, whoever sends it).
 *
 * On the list: what a person needs while the server runs, and nothing that competes with it
 * for the store (imports, a demo, launches, compliance audits): resetting, adding, disabling
 * and enabling users, listing them, the KPIs, verifying the trail, listing and analysing
 * experiments. Never SQL: a request names a command and its arguments, which the command parses
 * exactly as on the command line.
 */
import { isAbsolute, resolve } from 'node:path';

interface Entry {
	/** the sub-commands allowed (none: the command takes no sub-command) */
	subs?: readonly string[];
	/** options that name a file, made absolute by the command line (the server's folder is not the caller's) */
	paths?: readonly string[];
}

export const ALLOWED: Readonly<Record<string, Entry>> = {
	users: { subs: ['reset-password', 'list', 'add', 'disable', 'enable'] },
	kpis: {},
	trail: { subs: ['verify'], paths: ['--checkpoints'] },
	experiments: { subs: ['list', 'analyze'] }
};

/** the allowed commands in words, for docs/cli.md and messages */
export const ALLOWED_TEXT = Object.entries(ALLOWED)
	.map(([c, e]) => (e.subs ? e.subs.map((s) => `${c} ${s}`).join(', ') : c))
	.join(', ');

/** "users reset-password", "kpis": the command and, when it takes one, its sub-command */
export function commandName(argv: readonly string[]): string {
	const [c = '', s] = argv;
	return s && !s.startsWith('-') && ['users', 'trail', 'experiments'].includes(c) ? `${c} ${s}` : c;
}

export function isAllowed(argv: readonly string[]): boolean {
	const [c = '', s = ''] = argv;
	const e = Object.hasOwn(ALLOWED, c) ? ALLOWED[c] : undefined;
	if (!e) return false;
	return !e.subs || e.subs.includes(s);
}

/** whether the command opens the store at all (`experiments show` and `--help` do not) */
export function needsStore(argv: readonly string[]): boolean {
	const [c = '', s = ''] = argv;
	if (argv.includes('--help') || argv.includes('-h')) return false;
	if (c === 'experiments' && s === 'show') return false;
	return true;
}

/** users add and users reset-password (without --generate) read the password from standard input */
export function readsInput(argv: readonly string[]): boolean {
	const [c, s] = argv;
	return c === 'users' && (s === 'add' || (s === 'reset-password' && !argv.includes('--generate')));
}

/**
 * The arguments as sent to the server: --db left out (the socket belongs to that store) and
 * the options that name files made absolute against the caller's folder.
 */
export function forwardedArgs(argv: readonly string[], cwd = process.cwd()): string[] {
	const paths = ALLOWED[argv[0] ?? '']?.paths ?? [];
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		const eq = a.indexOf('=');
		const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
		const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
		if (name === '--db') {
			if (inline === undefined) i++;
			continue;
		}
		if (paths.includes(name)) {
			const v = inline ?? argv[++i];
			if (v === undefined) out.push(a);
			else out.push(name, isAbsolute(v) ? v : resolve(cwd, v));
			continue;
		}
		out.push(a);
	}
	return out;
}

/** the store a command line names: --db FILE or --db=FILE (else $CUREWISE_DB or the default) */
export function dbArg(argv: readonly string[]): string | undefined {
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		if (a === '--db') return argv[i + 1];
		if (a.startsWith('--db=')) return a.slice(5);
	}
	return undefined;
}

const STOP_FIRST = 'or stop the server and run the command again';

/** what to do instead of a command the running server does not take */
export function insteadWhileServing(argv: readonly string[]): string {
	const [c = '', s = ''] = argv;
	switch (c) {
		case 'import':
			return `import the files on the Data page of the running server, ${STOP_FIRST}`;
		case 'demo':
			return `a demo store is made where there is no store yet: give --db a new file, or stop the server first`;
		case 'audit':
			return `run the compliance audit on the Compliance page of the running server, ${STOP_FIRST}`;
		case 'users':
			if (s === 'demo')
				return `the demo users get new passwords at the next 'npm start'; to give one a new password now: curewise users reset-password --username NAME --generate`;
			break;
		case 'experiments':
			if (s === 'launch' || s === 'stop') return `${s} it on the experiment's page of the running server (as an admin), ${STOP_FIRST}`;
			break;
		case 'trail':
			if (s === 'checkpoint')
				return `the running server writes a signed checkpoint every CUREWISE_TRAIL_CHECKPOINT_MINUTES (default 60); for one now, stop the server and run the command again`;
			break;
	}
	return `the running server takes only ${ALLOWED_TEXT}; ${STOP_FIRST.replace(/^or /, '')}`;
}
