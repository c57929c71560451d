/**
 * curewise — the command line. Each command lives in commands/<name>.ts and calls the same
 * server functions as the pages.
 */
import { StoreBusyError } from '../lib/server/db/store.ts';
import { UsageError } from './args.ts';

interface Command {
	summary: string;
	load: () => Promise<{ run: (argv: string[]) => Promise<number>; usage: string }>;
}

const commands: Record<string, Command> = {
	import: { summary: 'import export files (CSV or Parquet) into the store', load: () => import('./commands/import.ts') },
	demo: { summary: 'write a realistic demo export and import it', load: () => import('./commands/demo.ts') },
	kpis: { summary: 'print the KPIs of the Overview (text or --json)', load: () => import('./commands/kpis.ts') },
	users: { summary: 'add, list, disable or enable users; demo users', load: () => import('./commands/users.ts') },
	experiments: { summary: 'list, show, launch, stop or analyze message experiments', load: () => import('./commands/experiments.ts') },
	audit: { summary: 'run the compliance audit and print its findings (text or --json)', load: () => import('./commands/audit.ts') },
	'audit-trail': { summary: 'verify the audit trail; export a signed checkpoint of it', load: () => import('./commands/audit-trail.ts') }
};

const help = `usage: curewise <command> [options]

commands:
${Object.entries(commands)
	.map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
	.join('\n')}

Run 'curewise <command> --help' for a command's options.`;

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
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
	if (rest.includes('--help') || rest.includes('-h')) {
		process.stdout.write(mod.usage + '\n');
		return 0;
	}
	try {
		return await mod.run(rest);
	} catch (e) {
		if (e instanceof UsageError) {
			process.stderr.write(`curewise ${name}: ${e.message}\n`);
			return 2;
		}
		if (e instanceof StoreBusyError) {
			process.stderr.write(`curewise ${name}: ${e.message}\n`);
			return 1;
		}
		process.stderr.write(`curewise ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
}
