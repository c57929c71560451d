/** The server's configuration, from the environment, checked with zod. */
import { z } from 'zod';

const schema = z.object({
	CUREWISE_STALE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
	CUREWISE_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(100_000).default(2048),
	CUREWISE_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
	CUREWISE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
	/** the server signs a checkpoint of the trail this often (0: never; audit/checkpoints.ts) */
	CUREWISE_TRAIL_CHECKPOINT_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(60),
	/** the most one query may run while the server answers a request (imports, rebuilds and the CLI have no limit) */
	CUREWISE_QUERY_TIMEOUT_S: z.coerce.number().min(1).max(3600).default(60),
	/** the most rows one CSV export holds; a larger one is refused with a 400 that says how to narrow it */
	CUREWISE_MAX_EXPORT_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(1_000_000),
	/** the server runs, when it starts, the audit an import owes (compliance/owed.ts); false: a person runs it */
	CUREWISE_AUDIT_OWED_AT_START: z.stringbool().default(true),
	/** where the analytic tables' metric SQL runs (src/lib/server/engines, docs/engines.md) */
	CUREWISE_ENGINE: z.enum(['duckdb', 'postgres', 'clickhouse'], { error: 'must be duckdb, postgres or clickhouse' }).default('duckdb'),
	/** the engine's address: postgres://user:password@host:port/database, or pglite:FOLDER (embedded); chdb:FOLDER or chdb:memory for clickhouse */
	CUREWISE_ENGINE_URL: z
		.string()
		.regex(/^(postgres|postgresql):\/\/\S+$|^pglite:\S+$|^chdb:\S+$/, { error: 'must be a postgres://user:password@host:port/database address, pglite: and a folder, or chdb: and a folder (chdb:memory)' })
		.optional()
}).refine((c) => c.CUREWISE_ENGINE !== 'postgres' || c.CUREWISE_ENGINE_URL, {
	error: 'CUREWISE_ENGINE=postgres needs the server\'s address: postgres://user:password@host:port/database (or pglite: and a folder)',
	path: ['CUREWISE_ENGINE_URL']
}).refine((c) => !c.CUREWISE_ENGINE_URL || (c.CUREWISE_ENGINE === 'clickhouse') === c.CUREWISE_ENGINE_URL.startsWith('chdb:') || c.CUREWISE_ENGINE === 'duckdb', {
	error: 'chdb: addresses go with CUREWISE_ENGINE=clickhouse, and clickhouse takes only chdb:FOLDER or chdb:memory',
	path: ['CUREWISE_ENGINE_URL']
});

export type Config = z.infer<typeof schema>;

let cached: Config | null = null;

export function config(): Config {
	return (cached ??= parseConfig(process.env));
}

/** the configuration from these variables; a bad value throws a message naming each variable at fault */
export function parseConfig(env: Record<string, string | undefined>): Config {
	const r = schema.safeParse(env);
	if (!r.success) {
		throw new Error('bad configuration: ' + r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
	}
	return r.data;
}
