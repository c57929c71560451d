/** Argument parsing shared by the commands: node's parseArgs, then zod. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

export class UsageError extends Error {}

export function parse<S extends z.ZodType>(
	argv: string[],
	options: NonNullable<ParseArgsConfig['options']>,
	schema: S,
	usage: string
): { values: z.infer<S>; positionals: string[] } {
	let parsed;
	try {
		parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
	} catch (e) {
		throw new UsageError(`${e instanceof Error ? e.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : e}\n\n${usage}`);
	}
	const r = schema.safeParse(parsed.values);
	if (!r.success) {
		const msg = r.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n');
		throw new UsageError(`${msg}\n\n${usage}`);
	}
	return { values: r.data, positionals: parsed.positionals };
}

/** a whole number given as text on the command line */
export const intArg = (min: number, max: number) =>
	z
		.string()
		.regex(/^\d+$/, { message: 'must be a whole number' })
		.transform(Number)
		.pipe(z.number().int().min(min, { message: `must be at least ${min}` }).max(max, { message: `must be at most ${max}` }));
