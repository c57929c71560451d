/**
 * curewise — the command line. Each command lives in commands/<name>.ts and calls the same
 * server functions as the pages.
 *
 * While the server runs, it holds the store (DuckDB lets no other process open the file):
 * the commands on the allow-list (src/lib/server/control/allow-list.ts) are then sent to the
 * server's control socket (<store>.sock), which runs them on its open store and sends back what
 * they print; the others are refused with what to do instead.
 */
import { dbArg, forwardedArgs, commandName, insteadWhileServing, isAllowed, needsStore, readsInput } from '../lib/server/control/allow-list.ts';
import { ControlSocketError, sendCommand, socketAnswers } from '../lib/server/control/client.ts';
import { controlSocketPath } from '../lib/server/control/protocol.ts';
import { resolveDbPath } from '../lib/server/db/store.ts';
import { localIo, osUser } from './io.ts';
import { runCommand, type CommandModule } from './run.ts';

interface Command {
	summary: string;
	load: () => Promise<CommandModule>;
}

const commands: Record<string, Command> = {
	import: { summary: 'import export files (CSV or Parquet) into the store', load: () => import('./commands/import.ts') },
	demo: { summary: 'write a realistic demo export and import it', load: () => import('./commands/demo.ts') },
	kpis: { summary: 'print the KPIs of the Overview (text or --json)', load: () => import('./commands/kpis.ts') },
	users: { summary: 'add, list, disable or enable users, reset a password; demo users', load: () => import('./commands/users.ts') },
	experiments: { summary: 'list, show, launch, stop or analyze message experiments', load: () => import('./commands/experiments.ts') },
	audit: { summary: 'run the compliance audit and print its findings (text or --json)', load: () => import('./commands/audit.ts') },
	trail: { summary: 'verify the trail (who did what, when); export a signed checkpoint of it', load: () => import('./commands/trail.ts') },
	engine: { summary: 'compare the KPIs on DuckDB and on the PostgreSQL engine; copy the tables there', load: () => import('./commands/engine.ts') }
};

/** former names, still accepted (not listed in the help) */
const ALIASES: Record<string, string> = { 'audit-trail': 'trail' };

const help = `usage: curewise <command> [options]

commands:
${Object.entries(commands)
	.map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
	.join('\n')}

Run 'curewise <command> --help' for a command's options. While the server runs on the store,
some commands are run by the server itself (see docs/cli.md).`;

export async function main(argv: string[]): Promise<number> {
	const [given, ...rest] = argv;
	const name = given && Object.hasOwn(ALIASES, given) ? ALIASES[given]! : given;
	if (name && given !== name) argv = [name, ...rest];
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		(name ? process.stdout : process.stderr).write(help + '\n');
		return name ? 0 : 2;
	}
	const command = commands[name];
	if (!command) {
		process.stderr.write(`unknown command "${name}"\n\n${help}\n`);
		return 2;
	}
	const mod = await command.load();
	const store = resolveDbPath(dbArg(rest));
	const socket = controlSocketPath(store);
	if (needsStore(argv)) {
		try {
			const answer = await throughServer(argv, socket);
			if (answer !== null) return answer;
		} catch (e) {
			if (!(e instanceof ControlSocketError)) throw e;
			process.stderr.write(`curewise ${commandName(argv)}: ${e.message}\n`);
			return 1;
		}
	}
	return runCommand(name, mod, rest, localIo, {
		busy: () =>
			`the store ${store} is open in another process, and no Curewise server answers on its control socket ${socket}: ` +
			`a command still running on it (wait for it to finish, then run this one again), or a server that has not finished starting ` +
			`(try again in a moment) or was started before the control socket existed (stop it and run this command, or start it again)`
	});
}

/**
 * When a server answers on the store's control socket: an allowed command is run by it (its
 * exit status is returned), any other refused with what to do instead (1); null when no
 * server answers (then the command opens the store itself).
 */
async function throughServer(argv: string[], socket: string): Promise<number | null> {
	const out = (t: string) => void process.stdout.write(t);
	const err = (t: string) => void process.stderr.write(t);
	if (!isAllowed(argv)) {
		if (!(await socketAnswers(socket))) return null;
		err(`curewise ${commandName(argv)}: the Curewise server is running on this store: ${insteadWhileServing(argv)}\n`);
		return 1;
	}
	const input = readsInput(argv) ? localIo.input() : null;
	return sendCommand(socket, { v: 1, argv: forwardedArgs(argv), user: osUser(), input }, { out, err });
}
