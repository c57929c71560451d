/**
 * The store: one DuckDB file opened through @duckdb/node-api, migrated at open, with a
 * Kysely instance for the app's own tables.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { DuckDbDialect } from 'kysely-duckdb';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { storeOpenError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { limitConnection } from './query-limit.ts';
import { isCommit, noteDataChanged } from './data-version.ts';
import type { AppDatabase } from './schema.ts';

export const DEFAULT_DB_PATH = './data/curewise.duckdb';

/** Kysely's idle connections kept for reuse */
const KYSELY_IDLE = 16;

/** --db beats CUREWISE_DB beats ./data/curewise.duckdb */
export function resolveDbPath(explicit?: string | null): string {
	return resolve(explicit || process.env.CUREWISE_DB || DEFAULT_DB_PATH);
}

// a store held by another process, damaged, or on a full disk: told apart in errors.ts
export { DiskFullError, StoreBusyError, StoreDamagedError } from './errors.ts';

export interface StoreOptions {
	path?: string | null;
	/** DuckDB memory_limit, e.g. '2GB'; CUREWISE_MEMORY_LIMIT overrides the default */
	memoryLimit?: string;
	threads?: number;
	/** key the trail at open (default); `false` for a command that only reads it (trail verify) */
	keyTrail?: boolean;
}

export type Params = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

/** bigint → number where it fits, so that rows are plain JSON-able objects */
function plain(v: unknown): unknown {
	if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
	return v;
}

const paramNames = new Map<string, Set<string>>();
/** the $names a statement uses (comments aside): a query may be given more parameters than it needs */
function usedParams(sql: string): Set<string> {
	let names = paramNames.get(sql);
	if (!names) {
		names = new Set([...sql.replace(/--.*$/gm, '').matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]!));
		paramNames.set(sql, names);
	}
	return names;
}

export async function rows<T = Row>(conn: DuckDBConnection, sql: string, params?: Params): Promise<T[]> {
	let bound = params;
	if (params && !Array.isArray(params)) {
		const used = usedParams(sql);
		bound = Object.fromEntries(Object.entries(params).filter(([k]) => used.has(k)));
	}
	const reader = bound ? await conn.runAndReadAll(sql, bound) : await conn.runAndReadAll(sql);
	const names = reader.columnNames();
	const out: T[] = [];
	for (const r of reader.getRowsJS()) {
		const o: Row = {};
		names.forEach((n, i) => (o[n] = plain(r[i])));
		out.push(o as T);
	}
	return out;
}

/**
 * A Kysely for the app's own tables whose statements run on `conn`, inside the transaction open on
 * it if there is one, so that Kysely's statements and SQL files' share a transaction. The
 * connection stays the caller's: Kysely never closes it.
 */
export function kyselyOn(conn: DuckDBConnection): Kysely<AppDatabase> {
	const borrowed = new Proxy(conn, {
		get(target, p) {
			if (p === 'closeSync') return () => {};
			const v = Reflect.get(target, p, target) as unknown;
			return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
		}
	});
	const database = { connect: async () => borrowed, closeSync: () => {} } as unknown as DuckDBInstance;
	return new Kysely<AppDatabase>({ dialect: new DuckDbDialect({ database, tableMappings: {} }) });
}

export class Store {
	readonly kysely: Kysely<AppDatabase>;
	private shared: DuckDBConnection | null = null;

	private constructor(
		readonly path: string,
		readonly instance: DuckDBInstance
	) {
		// Kysely's connections (the app's own tables: a session is read on every request) come from a
		// small pool of reused connections rather than a new one per query; they keep the request's
		// time limit too (query-limit.ts)
		const database = { connect: () => this.kyselyConnection(), closeSync: () => this.closeKyselyPool() } as unknown as DuckDBInstance;
		this.kysely = new Kysely<AppDatabase>({ dialect: new DuckDbDialect({ database, tableMappings: {} }) });
	}

	/** Kysely's idle connections, reused; at most KYSELY_IDLE kept, more are opened when many queries run at once */
	private kyselyIdle: DuckDBConnection[] = [];
	private kyselyOpened = 0;

	/** how many connections Kysely's pool opened so far (tests) */
	get kyselyConnectionsOpened(): number {
		return this.kyselyOpened;
	}

	private async kyselyConnection(): Promise<DuckDBConnection> {
		let c = this.kyselyIdle.pop();
		if (!c) {
			c = limitConnection(await this.instance.connect());
			this.kyselyOpened++;
		}
		const conn = c;
		let released = false;
		// Kysely closes a connection when it is done with it: this one goes back to the pool instead
		return new Proxy(conn, {
			get: (target, p) => {
				if (p === 'closeSync')
					return () => {
						if (released) return;
						released = true;
						if (this.kyselyIdle.length < KYSELY_IDLE && !this.closed) this.kyselyIdle.push(conn);
						else conn.closeSync();
					};
				const v = Reflect.get(target, p, target) as unknown;
				return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
			}
		});
	}

	private closed = false;

	private closeKyselyPool(): void {
		for (const c of this.kyselyIdle.splice(0)) c.closeSync();
	}

	static async open(opts: StoreOptions = {}): Promise<Store> {
		const path = resolveDbPath(opts.path);
		mkdirSync(dirname(path), { recursive: true });
		const memoryLimit = process.env.CUREWISE_MEMORY_LIMIT || opts.memoryLimit || '2GB';
		let instance: DuckDBInstance;
		try {
			instance = await DuckDBInstance.create(path, {
				memory_limit: memoryLimit,
				temp_directory: path + '.tmp',
				...(opts.threads ? { threads: String(opts.threads) } : {})
			});
		} catch (e) {
			throw storeOpenError(path, e) ?? new Error(`cannot open the store ${path}: ${e instanceof Error ? e.message : String(e)}`);
		}
		const store = new Store(path, instance);
		await store.migrate();
		// the trail is keyed from the first open on (the key is created beside the store when none is set)
		if (opts.keyTrail !== false) {
			try {
				await (await import('../trail/trail.ts')).keyTrail(store);
			} catch (e) {
				await store.close();
				throw e;
			}
		}
		return store;
	}

	/** a connection of its own; its statements keep the time limit of the request they run for (query-limit.ts) */
	async connect(): Promise<DuckDBConnection> {
		const c = await this.instance.connect();
		await c.run(`SET TimeZone = 'UTC'`);
		limitConnection(c);
		// a transaction committed here changed the data: the result cache's version goes up (db/data-version.ts)
		const run = c.run.bind(c);
		c.run = (async (...args: Parameters<typeof run>) => {
			const r = await run(...args);
			if (isCommit(args[0])) noteDataChanged(this.path);
			return r;
		}) as typeof c.run;
		return c;
	}

	/** a shared connection for short reads */
	async conn(): Promise<DuckDBConnection> {
		this.shared ??= await this.connect();
		return this.shared;
	}

	/** idle read connections: concurrent reads (the Overview's queries) run side by side */
	private idle: DuckDBConnection[] = [];

	async rows<T = Row>(sql: string, params?: Params): Promise<T[]> {
		const c = this.idle.pop() ?? (await this.connect());
		try {
			return await rows<T>(c, sql, params);
		} finally {
			if (this.idle.length < 4) this.idle.push(c);
			else c.closeSync();
		}
	}

	/** applies every migration not yet applied; returns the versions it applied */
	async migrate(): Promise<number[]> {
		try {
			return await this.applyMigrations();
		} catch (e) {
			// a damaged block or a full disk may show only now, when the first tables are read or written
			throw storeOpenError(this.path, e) ?? e;
		}
	}

	private async applyMigrations(): Promise<number[]> {
		const c = await this.connect();
		try {
			const db = kyselyOn(c);
			await db.schema
				.createTable('schema_migrations')
				.ifNotExists()
				.addColumn('version', 'integer', (col) => col.primaryKey())
				.addColumn('name', 'varchar', (col) => col.notNull())
				.addColumn('applied_at', 'timestamptz', (col) => col.notNull())
				.execute();
			const done = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => Number(r.version)));
			const applied: number[] = [];
			for (const m of MIGRATIONS) {
				if (done.has(m.version)) continue;
				await c.run('BEGIN TRANSACTION');
				try {
					await c.run(m.sql);
					await db.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: sql<Date>`now()` }).execute();
					await c.run('COMMIT');
				} catch (e) {
					await c.run('ROLLBACK');
					throw new Error(`migration ${m.version} (${m.name}) failed: ${e instanceof Error ? e.message : e}`);
				}
				applied.push(m.version);
			}
			return applied;
		} finally {
			c.closeSync();
		}
	}

	async close(): Promise<void> {
		this.closed = true;
		this.shared?.closeSync();
		this.shared = null;
		for (const c of this.idle.splice(0)) c.closeSync();
		await this.kysely.destroy().catch(() => {});
		this.instance.closeSync();
	}
}
