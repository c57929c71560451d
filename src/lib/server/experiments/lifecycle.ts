/**
 * An experiment's life: draft → running (launch) → stopped → concluded (experiments.md,
 * "Launch"). Launch freezes the definition (launched.definition_hash), assigns every eligible
 * account to an arm by a deterministic hash of (experiment id, salt, account id) — all in SQL,
 * queries/experiments/eligible.sql and assign.sql — and stores the assignments in
 * experiment_assignments under an import batch of their own (source 'launch'). Each action is
 * written back to experiments/<id>.yaml and recorded in the trail with who did it.
 */
import { BIGINT, BOOLEAN, LIST, listValue, VARCHAR, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { sql } from 'kysely';
import type { Experiment } from '../../experiments/schema.ts';
import { recordTrail } from '../trail/trail.ts';
import { kyselyOn, type Store } from '../db/store.ts';
import { LAUNCH_SOURCE } from '../ingest/import.ts';
import { launchChecks, type CheckRules } from '../../experiments/checks.ts';
import { checkRules } from '../compliance/message-rules.ts';
import { querySql } from '../paths.ts';
import { sqlNeutralised } from '../csv.ts';
import { definitionHash, ExperimentError, getExperiment, updateExperimentFile, withExperimentLock, type Actor } from './registry.ts';

export type { Actor } from './registry.ts';
export { ExperimentError } from './registry.ts';

/** h runs over [0, 2^60): the first 15 hex digits of the md5 */
const HASH_RANGE = 2 ** 60;

type Bound = { values: Record<string, DuckDBValue>; types: Record<string, DuckDBType> };

const list = (v: readonly string[] | undefined | null): DuckDBValue => (v && v.length ? listValue([...v]) : null);

/** the share bound and the parameters of experiments/eligible.sql for a definition */
function populationParams(e: Experiment): Bound {
	const p = e.population;
	const region = p.accounts.region === 'all' ? null : p.accounts.region;
	return {
		values: {
			experiment_id: e.id,
			salt: e.salt ?? e.id,
			segment: list(p.accounts.segment),
			product: list(p.accounts.product),
			region: list(region),
			region_not_in: list(p.accounts.region_not_in),
			vulnerable: p.accounts.vulnerable ?? null,
			started_from: p.delinquency.episode_started_on_or_after ?? null,
			started_to: p.delinquency.episode_started_on_or_before ?? null,
			exclude_experiments: listValue([...p.exclude_experiments]),
			share_bound: shareBound(e)
		},
		types: {
			experiment_id: VARCHAR,
			salt: VARCHAR,
			segment: LIST(VARCHAR),
			product: LIST(VARCHAR),
			region: LIST(VARCHAR),
			region_not_in: LIST(VARCHAR),
			vulnerable: BOOLEAN,
			started_from: VARCHAR,
			started_to: VARCHAR,
			exclude_experiments: LIST(VARCHAR),
			share_bound: BIGINT
		}
	};
}

function shareBound(e: Experiment): bigint {
	const share = e.population.share_of_new_episodes;
	return share >= 1 ? BigInt(HASH_RANGE) : BigInt(Math.floor(share * HASH_RANGE));
}

/** the parameters of experiments/assign.sql: arm k owns h in [bounds[k-1], bounds[k]) */
function armParams(e: Experiment): Bound {
	const share = shareBound(e);
	let cumulative = 0;
	const bounds = e.arms.map((a, i) => {
		cumulative += a.weight;
		return i === e.arms.length - 1 ? share : BigInt(Math.floor(Math.min(1, cumulative) * Number(share)));
	});
	return {
		values: { arm_ids: listValue(e.arms.map((a) => a.id)), arm_bounds: listValue(bounds) },
		types: { arm_ids: LIST(VARCHAR), arm_bounds: LIST(BIGINT) }
	};
}

/** runs a statement with only the named parameters it uses (a query may be handed more) */
async function exec(conn: DuckDBConnection, sql: string, b?: Bound): Promise<{ rows: unknown[][]; changed: number }> {
	if (!b) {
		const r = await conn.runAndReadAll(sql);
		return { rows: r.getRowsJS(), changed: Number(r.rowsChanged) };
	}
	const used = new Set([...sql.replace(/--.*$/gm, '').matchAll(/\$([A-Za-z_]\w*)/g)].map((m) => m[1]!));
	const values: Record<string, DuckDBValue> = {};
	const types: Record<string, DuckDBType> = {};
	for (const [k, v] of Object.entries(b.values)) {
		if (!used.has(k)) continue;
		values[k] = v;
		if (b.types[k]) types[k] = b.types[k]!;
	}
	const r = await conn.runAndReadAll(sql, values, types);
	return { rows: r.getRowsJS(), changed: Number(r.rowsChanged) };
}

const merge = (...bs: Bound[]): Bound => ({ values: Object.assign({}, ...bs.map((b) => b.values)), types: Object.assign({}, ...bs.map((b) => b.types)) });

/** a query file as a subquery (its trailing semicolon and comments cannot close the parenthesis) */
const sub = (name: string) => `(\n${querySql(name).replace(/;\s*$/, '')}\n)`;

/** builds cw_eligible (account_id, h) on conn from experiments/eligible.sql */
async function buildEligible(conn: DuckDBConnection, e: Experiment): Promise<number> {
	await exec(conn, `CREATE OR REPLACE TEMP TABLE cw_eligible AS SELECT * FROM ${sub('experiments/eligible')} t`, populationParams(e));
	const { rows } = await exec(conn, 'SELECT count(*) FROM cw_eligible');
	return Number(rows[0]![0]);
}

/** the accounts the population of `e` selects today (account ids, sorted) */
export async function eligibleAccounts(store: Store, e: Experiment): Promise<string[]> {
	const conn = await store.connect();
	try {
		const { rows } = await exec(conn, `SELECT account_id FROM ${sub('experiments/eligible')} t ORDER BY account_id`, populationParams(e));
		return rows.map((r) => String(r[0]));
	} finally {
		conn.closeSync();
	}
}

export interface AssignmentPreview {
	eligible: number;
	/** accounts per arm if the experiment were launched now (exact: the assignment is deterministic) */
	arms: Record<string, number>;
}

/** what a launch now would assign: the eligible population and the accounts per arm, nothing written */
export async function previewAssignment(store: Store, e: Experiment): Promise<AssignmentPreview> {
	const conn = await store.connect();
	try {
		const eligible = await buildEligible(conn, e);
		const { rows } = await exec(conn, `SELECT variant, count(*) FROM ${sub('experiments/assign')} t GROUP BY variant`, armParams(e));
		const arms = Object.fromEntries(e.arms.map((a) => [a.id, 0]));
		for (const [v, n] of rows) arms[String(v)] = Number(n);
		return { eligible, arms };
	} finally {
		await conn.run('DROP TABLE IF EXISTS cw_eligible').catch(() => {});
		conn.closeSync();
	}
}

/** assigned accounts per experiment and arm, from the store */
export async function assignmentCounts(store: Store): Promise<Record<string, Record<string, number>>> {
	const rows = await store.rows<{ experiment_id: string; variant: string; n: number }>(
		`SELECT experiment_id, variant, count(*) AS n FROM experiment_assignments GROUP BY ALL ORDER BY ALL`
	);
	const out: Record<string, Record<string, number>> = {};
	for (const r of rows) (out[r.experiment_id] ??= {})[r.variant] = r.n;
	return out;
}

export interface LaunchOptions {
	/** the experiments folder (default CUREWISE_EXPERIMENTS_DIR or <project>/experiments) */
	dir?: string;
	/** the launch moment, ISO 8601 (default now): assigned_at of every assignment and launched.at */
	at?: string;
	/** why it is launched now: required, recorded in the trail */
	reason?: string;
	/** an admin's reason to launch although a check of an arm says "must fix" (recorded in the trail) */
	override?: string;
	/** the rules of the message and cadence checks (default: the store's, checkRules) */
	rules?: CheckRules;
}

export interface LaunchResult {
	id: string;
	launched_at: string;
	definition_hash: string;
	/** the import batch the assignments are stored under */
	batch_id: number;
	eligible: number;
	/** accounts assigned per arm, in the order of the definition */
	assigned: Record<string, number>;
	duration_ms: number;
}

function need(e: Experiment | null, id: string): Experiment {
	if (!e) throw new ExperimentError(`there is no experiment ${id} (no ${id}.yaml in the experiments folder)`);
	return e;
}

function isoMoment(at: string | undefined): string {
	if (at === undefined) return new Date().toISOString();
	const t = Date.parse(at);
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(at) || Number.isNaN(t))
		throw new ExperimentError(`the launch moment ${at} is not an ISO 8601 timestamp with an offset`);
	return new Date(t).toISOString();
}

/**
 * Launches a draft: assigns every eligible account to an arm (deterministic hash, all in SQL)
 * and stores the assignments with their import batch in one transaction; after the commit,
 * writes status running and launched {by, at, definition_hash} to <id>.yaml (if that write
 * fails, the batch's assignments are removed again and the error says so); records
 * experiment.launch. Refused unless the experiment is a draft without any stored assignment.
 */
export function launchExperiment(store: Store, id: string, actor: Actor, opts: LaunchOptions = {}): Promise<LaunchResult> {
	return withExperimentLock(id, async () => {
		const e = need(getExperiment(id, opts.dir), id);
		if (e.status !== 'draft') throw new ExperimentError(`experiment ${id} is ${e.status}: only a draft can be launched (stopping and relaunching is a new version, under a new id)`);
		const reason = opts.reason?.trim() ?? '';
		if (!reason) throw new ExperimentError(`experiment ${id} was not launched: say why it is launched now (a reason is required; it is recorded in the trail)`);
		// the checks of every arm's messages: a "must fix" blocks the launch, unless an admin overrides it with a reason
		const { mustFix } = launchChecks(e.arms, opts.rules ?? (await checkRules(store)));
		const override = opts.override?.trim() ?? '';
		if (mustFix.length && !override)
			throw new ExperimentError(`experiment ${id} was not launched: ${mustFix.length === 1 ? 'a check says' : `${mustFix.length} checks say`} "must fix": ${mustFix.join('; ')}. Fix the messages, or an admin may launch it anyway, giving the reason to override the checks`);
		if (mustFix.length && actor.role !== 'admin')
			throw new ExperimentError(`experiment ${id} was not launched: only an admin may launch it although ${mustFix.length === 1 ? 'a check says' : 'checks say'} "must fix" (${mustFix.join('; ')})`);
		const at = isoMoment(opts.at);
		const hash = definitionHash(e);
		const t0 = Date.now();
		const conn = await store.connect();
		let batchId: number;
		let eligible: number;
		let prevLatest: number | null;
		const assigned: Record<string, number> = Object.fromEntries(e.arms.map((a) => [a.id, 0]));
		try {
			// the app's tables through Kysely on the same connection, in the same transaction
			const db = kyselyOn(conn);
			await conn.run('BEGIN TRANSACTION');
			try {
				const existing = await exec(conn, 'SELECT count(*) FROM experiment_assignments WHERE experiment_id = $id', { values: { id }, types: { id: VARCHAR } });
				const n = Number(existing.rows[0]![0]);
				if (n > 0) throw new ExperimentError(`experiment ${id} already has ${n.toLocaleString('en-US')} stored assignments: it cannot be launched again (a new version needs a new id)`);
				eligible = await buildEligible(conn, e);
				if (eligible === 0) throw new ExperimentError(`no account is eligible for ${id}: its population selects nobody in the store, so there is nothing to launch`);
				const latest = await db
					.selectFrom('import_batches')
					.select((eb) => eb.fn.max('batch_id').as('id'))
					.where('status', '=', 'imported')
					.where((eb) => eb(eb('rows_inserted', '+', eb.ref('rows_updated')), '>', 0))
					.executeTakeFirst();
				prevLatest = toNum(latest?.id);
				batchId = Number((await db.selectNoFrom(sql<bigint>`nextval('import_batch_seq')`.as('id')).executeTakeFirstOrThrow()).id);
				const batch = BigInt(batchId);
				const ins = await exec(
					conn,
					`INSERT INTO experiment_assignments (experiment_id, account_id, variant, assigned_at, extra, import_batch_id)
					 SELECT $experiment_id, account_id, variant, $at::TIMESTAMPTZ, NULL, $batch FROM ${sub('experiments/assign')} t`,
					merge(armParams(e), { values: { experiment_id: id, at, batch }, types: { experiment_id: VARCHAR, at: VARCHAR, batch: BIGINT } })
				);
				if (ins.changed !== eligible) throw new Error(`assigned ${ins.changed} of ${eligible} eligible accounts`);
				for (const [v, c] of (await exec(conn, `SELECT variant, count(*) FROM experiment_assignments WHERE import_batch_id = $batch GROUP BY variant`, { values: { batch }, types: { batch: BIGINT } })).rows)
					assigned[String(v)] = Number(c);
				await db
					.insertInto('import_batches')
					.values({
						batch_id: batchId,
						file_name: `${id} launch`,
						table_name: 'experiment_assignments',
						format: null,
						source: LAUNCH_SOURCE,
						file_bytes: null,
						started_at: sql<Date>`CAST(${new Date(t0).toISOString()} AS TIMESTAMPTZ)`,
						finished_at: sql<Date>`now()`,
						duration_ms: Date.now() - t0,
						rows_read: eligible,
						rows_inserted: eligible,
						rows_updated: 0,
						rows_unchanged: 0,
						rows_quarantined: 0,
						status: 'imported'
					})
					.execute();
				await keepSummariesFresh(conn, id, batch, prevLatest);
				await conn.run('DROP TABLE cw_eligible');
				await conn.run('COMMIT');
			} catch (err) {
				await conn.run('ROLLBACK').catch(() => {});
				throw err;
			}
		} finally {
			conn.closeSync();
		}

		let written: Experiment;
		try {
			written = updateExperimentFile(id, { status: 'running', launched: { by: actor.username, at, definition_hash: hash } }, opts.dir);
		} catch (err) {
			const why = err instanceof Error ? err.message : String(err);
			await undoLaunch(store, id, batchId, prevLatest, `the definition file could not be written: ${why}`);
			throw new ExperimentError(
				`experiment ${id} was not launched: its ${eligible.toLocaleString('en-US')} assignments were stored, but ${id}.yaml could not be written (${why}); ` +
					`the assignments were removed again and the experiment is still a draft`
			);
		}
		const result: LaunchResult = { id, launched_at: at, definition_hash: hash, batch_id: batchId, eligible, assigned, duration_ms: Date.now() - t0 };
		await recordTrail(store, {
			actor: actor.username,
			role: actor.role,
			action: 'experiment.launch',
			target: id,
			details: {
				launched_at: at,
				definition_hash: written.launched?.definition_hash ?? hash,
				batch_id: batchId,
				eligible,
				assigned,
				reason,
				...(mustFix.length ? { must_fix_overridden: mustFix, override_reason: override } : {})
			}
		});
		return result;
	});
}

const toNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The KPI summary tables do not read experiment_assignments, except the Overview's filter
 * values: when they were fresh before the launch, they stay fresh (the state moves to the
 * launch's batch) and the new experiment and its arms join the filter values, instead of the
 * Overview falling back to the raw tables until the next import.
 */
async function keepSummariesFresh(conn: DuckDBConnection, id: string, batch: bigint, prevLatest: number | null): Promise<void> {
	const p = { values: { id, batch }, types: { id: VARCHAR, batch: BIGINT } };
	await kyselyOn(conn)
		.updateTable('kpi_summary_state')
		.set({ batch_id: Number(batch) })
		.where('batch_id', 'is not distinct from', prevLatest)
		.execute();
	// the same rows queries/summary/filter_values.sql builds for experiments and arms
	await exec(
		conn,
		`INSERT INTO kpi_filter_values
		 SELECT 'experiment', experiment_id, count(*) FROM experiment_assignments WHERE experiment_id = $id GROUP BY ALL
		 UNION ALL SELECT 'arm', experiment_id || '/' || variant, count(*) FROM experiment_assignments WHERE experiment_id = $id GROUP BY ALL`,
		p
	);
}

/** removes a launch's assignments again (the definition file could not be written) */
async function undoLaunch(store: Store, id: string, batchId: number, prevLatest: number | null, why: string): Promise<void> {
	const conn = await store.connect();
	const batch = BigInt(batchId);
	const p = { values: { id, batch }, types: { id: VARCHAR, batch: BIGINT } };
	const db = kyselyOn(conn);
	try {
		await conn.run('BEGIN TRANSACTION');
		try {
			await exec(conn, 'DELETE FROM experiment_assignments WHERE experiment_id = $id AND import_batch_id = $batch', p);
			await db
				.updateTable('import_batches')
				.set({ status: 'rejected', error: `launch undone: ${why}` })
				.where('batch_id', '=', batchId)
				.execute();
			await exec(conn, `DELETE FROM kpi_filter_values WHERE (dimension = 'experiment' AND value = $id) OR (dimension = 'arm' AND value LIKE $id || '/%')`, p);
			await db.updateTable('kpi_summary_state').set({ batch_id: prevLatest }).where('batch_id', '=', batchId).execute();
			await conn.run('COMMIT');
		} catch (err) {
			await conn.run('ROLLBACK').catch(() => {});
			throw err;
		}
	} finally {
		conn.closeSync();
	}
}

export interface AssignmentsFile {
	path: string;
	format: 'csv' | 'parquet';
	rows: number;
}

/**
 * Writes an experiment's assignments (experiment_id, account_id, variant, assigned_at), sorted
 * by account, to `path` with DuckDB's COPY: the file for the outreach platform. In CSV,
 * assigned_at is ISO 8601 in UTC with a Z (the contract's timestamp form); in Parquet a
 * TIMESTAMPTZ column.
 */
export async function assignmentsFile(store: Store, id: string, format: 'csv' | 'parquet', path: string): Promise<AssignmentsFile> {
	if (format !== 'csv' && format !== 'parquet') throw new ExperimentError(`the assignments file is csv or parquet, not ${String(format)}`);
	const assignedAt = format === 'csv' ? `strftime(assigned_at, '%Y-%m-%dT%H:%M:%SZ') AS assigned_at` : 'assigned_at';
	const options = format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet, COMPRESSION zstd';
	// in CSV, formula-like ids neutralised, as in every export (src/lib/server/csv.ts)
	const text = (c: string) => (format === 'csv' ? `${sqlNeutralised(c)} AS ${c}` : c);
	const ids = [text('experiment_id'), text('account_id'), text('variant'), assignedAt].join(', ');
	const conn = await store.connect();
	try {
		const r = await conn.run(
			`COPY (SELECT ${ids} FROM experiment_assignments WHERE experiment_id = $id ORDER BY account_id)
			 TO '${path.replace(/'/g, "''")}' (${options})`,
			{ id }
		);
		return { path, format, rows: Number(r.rowsChanged) };
	} finally {
		conn.closeSync();
	}
}

export interface StopInput {
	actor: Actor;
	reason: string;
	dir?: string;
}

/** running → stopped: writes status stopped and stopped {by, at, reason}; records experiment.stop */
export function stopExperiment(store: Store, id: string, input: StopInput): Promise<Experiment> {
	return withExperimentLock(id, async () => {
		const reason = input.reason?.trim();
		if (!reason) throw new ExperimentError('stopping an experiment needs a reason');
		const e = need(getExperiment(id, input.dir), id);
		if (e.status !== 'running') throw new ExperimentError(`experiment ${id} is ${e.status}: only a running experiment can be stopped`);
		const at = new Date().toISOString();
		const written = updateExperimentFile(id, { status: 'stopped', stopped: { by: input.actor.username, at, reason } }, input.dir);
		await recordTrail(store, { actor: input.actor.username, role: input.actor.role, action: 'experiment.stop', target: id, details: { at, reason, from: 'running' } });
		return written;
	});
}

export interface ConcludeInput {
	actor: Actor;
	decision: 'ship' | 'do_not_ship' | 'iterate';
	/** the arm to ship; with ship, defaults to the only arm that is not control */
	winner?: string;
	reason: string;
	dir?: string;
}

/** running or stopped → concluded: writes status concluded and decision {decision, winner, by, at, reason}; records experiment.conclude */
export function concludeExperiment(store: Store, id: string, input: ConcludeInput): Promise<Experiment> {
	return withExperimentLock(id, async () => {
		const reason = input.reason?.trim();
		if (!reason) throw new ExperimentError('a decision needs its reason');
		if (!['ship', 'do_not_ship', 'iterate'].includes(input.decision)) throw new ExperimentError(`the decision is ship, do_not_ship or iterate, not ${input.decision}`);
		const e = need(getExperiment(id, input.dir), id);
		if (e.status !== 'running' && e.status !== 'stopped') throw new ExperimentError(`experiment ${id} is ${e.status}: only a running or stopped experiment can be concluded`);
		const armIds = e.arms.map((a) => a.id);
		let winner = input.winner;
		if (winner !== undefined && !armIds.includes(winner)) throw new ExperimentError(`the winner ${winner} is not an arm of ${id}; its arms are ${armIds.join(', ')}`);
		if (input.decision === 'ship') {
			const candidates = armIds.filter((a) => a !== 'control');
			winner ??= candidates.length === 1 ? candidates[0] : undefined;
			if (!winner) throw new ExperimentError(`shipping needs the winning arm: one of ${candidates.join(', ')}`);
			if (winner === 'control') throw new ExperimentError('shipping control changes nothing: decide do_not_ship instead');
		}
		const at = new Date().toISOString();
		const decision = { decision: input.decision, ...(winner ? { winner } : {}), by: input.actor.username, at, reason };
		const written = updateExperimentFile(id, { status: 'concluded', decision }, input.dir);
		await recordTrail(store, {
			actor: input.actor.username,
			role: input.actor.role,
			action: 'experiment.conclude',
			target: id,
			details: { at, decision: input.decision, winner: winner ?? null, reason, from: e.status }
		});
		return written;
	});
}
