/**
 * Running one command: its help, its run, and its errors said as one line on standard error.
 * The command line (main.ts) and the running server's control socket
 * (src/lib/server/control/server.ts) both run commands through here.
 */
import { StoreBusyError } from '../lib/server/db/errors.ts';
import { CurewiseError } from '../lib/server/errors.ts';
import { UsageError } from './args.ts';
import type { Io } from './io.ts';

export interface CommandModule {
	run: (argv: string[], io?: Io) => Promise<number>;
	usage: string;
}

export interface RunOptions {
	/** what to say when the store is open in another process (the command line knows which store and why) */
	busy?: (e: StoreBusyError) => string;
}

/** the exit status: 0 done, 1 refused or failed (the message says why), 2 wrong usage */
export async function runCommand(name: string, mod: CommandModule, argv: string[], io: Io, opts: RunOptions = {}): Promise<number> {
	if (argv.includes('--help') || argv.includes('-h')) {
		io.out(mod.usage + '\n');
		return 0;
	}
	try {
		return await mod.run(argv, io);
	} catch (e) {
		if (e instanceof UsageError) {
			io.err(`curewise ${name}: ${e.message}\n`);
			return 2;
		}
		if (e instanceof CurewiseError) {
			// a server module's refusal (src/lib/server/errors.ts): the words a page shows for it
			io.err(`curewise ${name}: ${e.message}\n`);
			return 1;
		}
		if (e instanceof StoreBusyError) {
			io.err(`curewise ${name}: ${opts.busy ? opts.busy(e) : e.message}\n`);
			return 1;
		}
		io.err(`curewise ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
