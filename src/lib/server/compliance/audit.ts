/**
 * The compliance audit (compliance.md): checks the interactions against the rules of the policy
 * packs in force and stores its findings (compliance_findings) and what it used
 * (compliance_audits: period, pack versions, duration). Runs after every import, from the
 * Compliance page and from `curewise audit`.
 *
 * How: one connection. A first transaction brings the contact index up to date (contact-index.ts:
 * a slim copy of the interactions kept in the store, with their local time at the account's
 * address and at the contact point's zone; appended with what the imports added since the last
 * audit), finds the calls the rules may exclude (to wrong numbers, inside consent windows) and
 * gives the contact preferences the numbers the rules join on (audit_preferences.sql);
 * a second one runs one SQL query per rule (queries/compliance/audit_<type>.sql, the rule's values
 * as bound parameters) over the index and stores the findings (a consistent snapshot; the findings
 * land whole or not at all).
 */
import { listValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { sql, type Kysely } from 'kysely';
import { totalmem } from 'node:os';
import { z } from 'zod';
import type { PolicyPack, PolicyRule } from '../../compliance/packs.ts';
import type { AppDatabase } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import { kyselyOn, rows } from '../db/store.ts';
import { querySql, queryStatements } from '../paths.ts';
import { dropIndexTemps, refreshContactIndex } from './contact-index.ts';
import type { AuditFinding, AuditPackRef, AuditRun, IndexRefresh } from '../../compliance/audit.ts';

// the shapes of a run and its findings live in src/lib/compliance/audit.ts (shared with the browser)
export type { AuditFinding, AuditPackRef, AuditRun };
import { currentPacks } from './pack-store.ts';

/** owed: run by the server at start for imports no audit had checked (owed.ts) */
export const AUDIT_TRIGGERS = ['import', 'manual', 'cli', 'owed'] as const;
export type AuditTrigger = (typeof AUDIT_TRIGGERS)[number];

const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: (i) => `${JSON.stringify(i.input)} is not a date written YYYY-MM-DD` })
	.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().startsWith(d), { error: (i) => `${String(i.input)} is not a day of the calendar` });

export const auditOptionsSchema = z
	.object({
		from: isoDate.optional(),
		to: isoDate.optional(),
		packIds: z.array(z.string().min(1)).optional(),
		trigger: z.enum(AUDIT_TRIGGERS),
		runBy: z.string().nullish()
	})
	.refine((o) => !o.from || !o.to || o.from <= o.to, { error: 'the period ends before it starts (from is after to)', path: ['to'] });
export type AuditOptions = z.input<typeof auditOptionsSchema>;

export class AuditInputError extends Error {}

/** how many audits keep their findings (older audits keep their summary row) */
export const KEEP_FINDINGS_OF = 10;

const DAY_US = 86_400_000_000;
const dayNumber = (d: string) => Math.floor(Date.parse(d + 'T00:00:00Z') / 86_400_000);

/** a bound list of text; an empty list holds one value no column has (an empty list cannot be typed when bound) */
const strList = (xs: readonly string[]) => listValue(xs.length ? [...xs] : ['\u0000']);

/** microseconds since local midnight of "HH:MM" or "HH:MM:SS" */
const clockUs = (t: string) => {
	const [h, m, s] = t.split(':').map(Number);
	return ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1_000_000;
};

/** the values of the contact index's enum types (party, channel, outcome) in the order of their codes */
export interface EnumCodes {
	party: readonly string[];
	channel: readonly string[];
	outcome: readonly string[];
}

/** a set of enum values as a bit set over the codes (bit n = the value with code n) */
const bits = (values: readonly string[], codes: readonly string[]) => values.reduce((m, v) => (codes.includes(v) ? m | (1 << codes.indexOf(v)) : m), 0);

/** the bound values of the {{counted}} fragment for one rule of one pack */
function countedParams(pack: PolicyPack, rule: PolicyRule, codes: EnumCodes): Record<string, DuckDBValue> {
	const c = rule.counts;
	return {
		any_direction: c.direction === 'any',
		exclude_outcome_bits: bits(c.exclude_outcomes, codes.outcome),
		exclude_party_bits: bits(c.exclude_parties, codes.party),
		only_outcome_bits: bits(c.only_outcomes ?? [], codes.outcome),
		all_regions: pack.applies_to === 'all',
		effective_day: dayNumber(pack.effective_from),
		...(pack.localities?.length ? { localities: strList(pack.localities) } : {})
	};
}

/** an enum value written into a query: one of the enum's own values (codes), never text from elsewhere */
const enumLiteral = (value: string, type: string, values: readonly string[]) => {
	if (!values.includes(value) || !/^[a-z_]+$/.test(value)) throw new Error(`${value} is not a value of ${type}`);
	return `'${value}'::${type}`;
};

/**
 * The query and the parameters of one rule: a SELECT of (rid, use_owner, window_start, window_end,
 * ld, rids, detail). regionIds: the numbers (aud_region) of the regions of a pack that applies to
 * some regions only.
 *
 * Every value is a bound parameter, with one exception: the rule's channels, and a regional
 * pack's region numbers, are written into the query as lists of constants (values of the
 * contract's closed list of channels, checked against the enum, and integers from the store; never
 * text from a user or a file). DuckDB compares a column with constants inside the table scan,
 * against the min/max of each row group, and skips the groups of other channels and regions (the
 * contact index is written in that order); a bound parameter is only known after the plan is made.
 */
export function ruleQuery(pack: PolicyPack, rule: PolicyRule, codes: EnumCodes, regionIds?: readonly number[]): { sql: string; params: Record<string, DuckDBValue> } {
	// a line marked "-- only if X" belongs to the fragment when the rule's counts.X is true
	// ("regional": when the pack applies to some regions only; "local": to some localities only)
	// ("excludes_outcomes", "excludes_parties", "lists_outcomes": when the rule has such a set)
	const flags: Record<string, unknown> = {
		...rule.counts,
		regional: pack.applies_to !== 'all',
		local: (pack.localities?.length ?? 0) > 0,
		excludes_outcomes: rule.counts.exclude_outcomes.length > 0,
		excludes_parties: rule.counts.exclude_parties.length > 0,
		lists_outcomes: rule.counts.only_outcomes !== undefined
	};
	const regions = pack.applies_to !== 'all' && regionIds?.length ? regionIds.map((r) => Math.trunc(Number(r))) : [-1];
	// the lines of the fragment that apply to this rule; the exclusions (calls to wrong numbers,
	// inside consent windows) also apart: {{counted_base}} is the fragment without them and
	// {{exclusions}} they alone, for a query that tests them on the few rows a join keeps
	const lines = querySql('compliance/audit_counted')
		.replace(/^--.*\n/gm, '')
		.split('\n')
		.map((line) => ({ line: line.replace(/--\s*only if \w+\s*$/, ''), flag: /--\s*only if (\w+)\s*$/.exec(line)?.[1] }))
		.filter((l) => !l.flag || flags[l.flag] === true);
	const exclusion = (l: { flag?: string }) => l.flag === 'exclude_wrong_numbers' || l.flag === 'exclude_consent_windows';
	const fragment = (ls: { line: string }[]) => `(${ls.map((l) => l.line).join('\n')})`;
	const sql = querySql(`compliance/audit_${rule.type}`)
		.replaceAll('{{counted}}', fragment(lines))
		.replaceAll('{{counted_base}}', fragment(lines.filter((l) => !exclusion(l))))
		.replaceAll('{{exclusions}}', fragment([{ line: 'true' }, ...lines.filter(exclusion)]))
		// every channel: no test at all (DuckDB turns a long IN list into a join on every row)
		.replaceAll('{{channel_test}}', codes.channel.every((ch) => rule.counts.channels.includes(ch as never)) ? 'true' : 'c.channel IN ({{channels}})')
		.replaceAll('{{channels}}', rule.counts.channels.map((ch) => enumLiteral(ch, 'contact_channel', codes.channel)).join(', '))
		.replaceAll('{{regions}}', regions.join(', '));
	const params: Record<string, DuckDBValue> = { ...countedParams(pack, rule, codes), channel_names: listValue([...codes.channel]) };
	const calls = rule.counts.channels.every((ch) => ch === 'call' || ch === 'ringless_voicemail');
	switch (rule.type) {
		case 'frequency':
			Object.assign(params, { limit: rule.limit, window_days: rule.window_days, per: rule.per, noun: calls ? 'placed calls' : 'contacts' });
			break;
		case 'after_conversation':
			params.window_days = rule.window_days;
			break;
		case 'time_of_day':
			Object.assign(params, {
				from_us: clockUs(rule.allowed_from),
				until_us: clockUs(rule.allowed_until),
				allowed_from: rule.allowed_from,
				allowed_until: rule.allowed_until,
				except_consented: rule.except_consented_times
			});
			break;
		case 'inconvenient_time':
		case 'attorney_represented':
			params.reply_within_us = Math.round((rule.reply_within_hours ?? 0) * 3600 * 1_000_000);
			break;
		case 'after_opt_out':
			// no reply_within_hours: no reply is allowed
			params.reply_within_us = rule.reply_within_hours === undefined ? -1 : Math.round(rule.reply_within_hours * 3600 * 1_000_000);
			break;
		case 'report_before_communication':
			Object.assign(params, { wait_days: rule.wait_days, wait_us: rule.wait_days * DAY_US });
			break;
		case 'repeat_unanswered':
			params.minutes = rule.minutes ?? 5;
			break;
		case 'calls_per_number_per_day':
			params.limit = rule.limit ?? 7;
			break;
	}
	return { sql, params };
}

/**
 * compliance_audits' rows through Kysely (db/schema.ts). Its instants and dates are read as text,
 * written in SQL: kysely-duckdb returns a DATE as a Date at local midnight (a day off east of UTC),
 * and Kysely's connections do not set the time zone to UTC; the counts are BIGINT (bigint).
 */
const utcInstant = (c: 'started_at' | 'finished_at') => sql<string | null>`strftime(${sql.ref(c)} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`.as(c);
const isoDay = (c: 'period_from' | 'period_to') => sql<string | null>`strftime(${sql.ref(c)}, '%Y-%m-%d')`.as(c);

const selectAudits = (k: Kysely<AppDatabase>) =>
	k
		.selectFrom('compliance_audits')
		.select(['audit_id', utcInstant('started_at'), utcInstant('finished_at'), isoDay('period_from'), isoDay('period_to'), 'packs', 'trigger', 'run_by', 'contacts', 'findings', 'duration_ms', 'status']);

type AuditRow = Awaited<ReturnType<ReturnType<typeof selectAudits>['executeTakeFirstOrThrow']>>;

function toRun(r: AuditRow): AuditRun {
	return {
		...r,
		audit_id: Number(r.audit_id),
		started_at: r.started_at!,
		packs: JSON.parse(r.packs) as AuditPackRef[],
		contacts: Number(r.contacts ?? 0),
		findings: Number(r.findings ?? 0),
		duration_ms: Number(r.duration_ms ?? 0)
	};
}

export async function getAudit(store: Store, auditId: number): Promise<AuditRun | null> {
	const r = await selectAudits(store.kysely).where('audit_id', '=', auditId).executeTakeFirst();
	return r ? toRun(r) : null;
}

/** the latest audit that finished */
export async function latestAudit(store: Store): Promise<AuditRun | null> {
	const r = await selectAudits(store.kysely).where('status', '=', 'done').orderBy('audit_id', 'desc').limit(1).executeTakeFirst();
	return r ? toRun(r) : null;
}

/** the latest finished audit of all interactions (no period) */
export async function latestFullAudit(store: Store): Promise<AuditRun | null> {
	const r = await selectAudits(store.kysely)
		.where('status', '=', 'done')
		.where('period_from', 'is', null)
		.where('period_to', 'is', null)
		.orderBy('audit_id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return r ? toRun(r) : null;
}

export async function listAudits(store: Store, limit = 20): Promise<AuditRun[]> {
	const r = await selectAudits(store.kysely).orderBy('audit_id', 'desc').limit(limit).execute();
	return r.map(toRun);
}

/** the highest audit number there is (0 before the first audit) */
export async function lastAuditId(k: Kysely<AppDatabase>): Promise<number> {
	const r = await k
		.selectFrom('compliance_audits')
		.select((eb) => eb.fn.max('audit_id').as('id'))
		.executeTakeFirst();
	return r?.id == null ? 0 : Number(r.id);
}

/** every finding of an audit, by date */
export function auditFindings(store: Store, auditId: number): Promise<AuditFinding[]> {
	return store.rows<AuditFinding>(
		`SELECT audit_id, finding_id, pack_id, pack_version, rule_id, rule_type, kind, customer_id, account_id,
			window_start::VARCHAR AS window_start, window_end::VARCHAR AS window_end,
			strftime(occurred_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS occurred_at, local_date::VARCHAR AS local_date, channel,
			interaction_ids, detail
		FROM compliance_findings WHERE audit_id = $a ORDER BY finding_id`,
		{ a: auditId }
	);
}

/** one audit at a time per process (the import's and a user's would race for the next id) */
let queue: Promise<unknown> = Promise.resolve();
/** audits queued or running in this process */
let inFlight = 0;

/** whether an audit is queued or running in this process (the compliance pages say so) */
export const auditInProgress = () => inFlight > 0;

/**
 * Runs the audit over all interactions, or those of a period (local dates, both included; the
 * windows that end in the period count the contacts of the days before it), with the packs in
 * force (or the ones named), and stores it. Throws AuditInputError for bad options or unknown
 * packs, before anything is written.
 */
export function runAudit(store: Store, options: AuditOptions): Promise<AuditRun> {
	const parsed = auditOptionsSchema.safeParse(options);
	if (!parsed.success) {
		return Promise.reject(new AuditInputError(parsed.error.issues.map((i) => `${i.path.join('.') || 'audit'}: ${i.message}`).join('; ')));
	}
	inFlight++;
	const run = queue.then(() => audit(store, parsed.data)).finally(() => inFlight--);
	queue = run.catch(() => undefined);
	return run;
}

async function audit(store: Store, o: z.infer<typeof auditOptionsSchema>): Promise<AuditRun> {
	let packs = await currentPacks(store);
	if (o.packIds?.length) {
		const known = new Set(packs.map((p) => p.pack.id));
		const unknown = o.packIds.filter((id) => !known.has(id));
		if (unknown.length) throw new AuditInputError(`unknown pack ${unknown.join(', ')}; the packs are ${[...known].join(', ')}`);
		packs = packs.filter((p) => o.packIds!.includes(p.pack.id));
	}
	const refs: AuditPackRef[] = packs.map((p) => ({ pack_id: p.pack.id, version: p.version, hash: p.hash, title: p.title }));
	const fromDay = o.from ? dayNumber(o.from) : null;
	const toDay = o.to ? dayNumber(o.to) : null;
	const conn = await store.connect();
	const restoreMemory = await raiseMemoryLimit(conn);
	const t0 = Date.now();
	const startedAt = new Date(t0).toISOString();
	let auditId = 0;
	const steps: Record<string, number> = {};
	const timedValue = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
		const t = Date.now();
		const cpu = process.cpuUsage();
		const v = await f();
		steps[name] = (steps[name] ?? 0) + Date.now() - t;
		// with the process's processor time (DuckDB's threads included): on a shared machine the
		// wall time of a step says as much about the others' load as about the step
		if (process.env.CUREWISE_AUDIT_LOG) {
			const c = process.cpuUsage(cpu);
			console.error(`audit step ${name}: ${Date.now() - t} ms (processor ${Math.round((c.user + c.system) / 1000)} ms)`);
		}
		return v;
	};
	const timed = (name: string, f: () => Promise<unknown>) => timedValue(name, f);
	let index: IndexRefresh | undefined;
	// an audit of all interactions with every pack in force clears the audits the imports it read
	// owed (audit_owed, owed.ts): the rows there when it read the data, deleted with its findings
	const clearsOwed = fromDay === null && toDay === null && !o.packIds?.length;
	let owed: number[] = [];
	// the app's tables through Kysely on the audit's connection, in its transactions (db/store.ts)
	const k = kyselyOn(conn);
	// what the flags were made from: the latest import batch and the number of interactions
	const marker = async () => {
		const b = await k
			.selectFrom('import_batches')
			.select((eb) => eb.fn.max('batch_id').as('b'))
			.executeTakeFirst();
		const [n] = await rows<{ n: number }>(conn, `SELECT count(*) AS n FROM interactions`);
		return `${Number(b?.b ?? 0)}/${Number(n?.n ?? 0)}`;
	};
	try {
		// the contact index brought up to date and the flags in a transaction of their own (scans of a
		// table written in the same open transaction are several times slower); the findings are
		// written in a second one, which starts only if no import landed in between (the row ids
		// would not match)
		let made = '';
		for (let attempt = 1; ; attempt++) {
			await conn.run('BEGIN TRANSACTION');
			made = await marker();
			if (clearsOwed) owed = (await k.selectFrom('audit_owed').select('batch_id').execute()).map((r) => Math.trunc(Number(r.batch_id)));
			index = await timedValue('contact_index', () => refreshContactIndex(conn));
			if (fromDay === null && toDay === null) await conn.run('CREATE OR REPLACE TEMP VIEW aud_c AS SELECT * FROM contact_index');
			else {
				// windows of up to 31 days before the period, and a day either side for the zones
				const scan = { scan_from_us: fromDay === null ? null : (fromDay - 33) * DAY_US, scan_to_us: toDay === null ? null : (toDay + 2) * DAY_US };
				for (const s of queryStatements('compliance/audit_contacts')) await timed('audit_contacts', () => run(conn, s, scan));
			}
			// the interactions that say what they were for (interactions.purpose: a few): the exceptions and the rules that read it
			await timed('audit_purpose', () => run(conn, `CREATE OR REPLACE TEMP TABLE aud_purpose AS SELECT rowid AS rid, purpose FROM interactions WHERE purpose IS NOT NULL`, {}));
			for (const file of ['audit_preferences', 'audit_wrong_numbers', 'audit_consent']) {
				for (const s of queryStatements('compliance/' + file)) await timed(file, () => run(conn, s, {}));
			}
			await conn.run('COMMIT');
			await conn.run('BEGIN TRANSACTION');
			if ((await marker()) === made) break;
			await conn.run('ROLLBACK');
			if (attempt === 3) throw new Error('the data kept changing while the audit read it (imports in progress); run it again when they are done');
		}
		try {
			auditId = (await lastAuditId(k)) + 1;
			await conn.run(`CREATE OR REPLACE TEMP TABLE aud_f (pack_id VARCHAR, pack_version INTEGER, rule_id VARCHAR, rule_type VARCHAR, kind VARCHAR,
				rid BIGINT, use_owner BOOLEAN, window_start DATE, window_end DATE, ld BIGINT, rids BIGINT[], detail VARCHAR)`);
			const [enums] = await rows<{ party: string[]; channel: string[]; outcome: string[] }>(
				conn,
				`SELECT enum_range(NULL::contact_party) AS party, enum_range(NULL::contact_channel) AS channel, enum_range(NULL::contact_outcome) AS outcome`
			);
			// the rule queries are written with the big side of each join (the contacts, or the
			// interactions where a rule reads a few of them again) first: the probe side, as written. DuckDB's estimate of a list of preference events unnested per
			// channel is far too high, and it would build its hash table on 28 M contacts instead
			// (three times slower); restored after the rules.
			await conn.run(`SET disabled_optimizers = 'build_side_probe_side'`);
			// the rules whose data the export does not carry are not checked, and the audit says so
			const missing = await missingData(conn);
			for (const [i, p] of packs.entries()) {
				const notChecked = p.pack.rules.flatMap((r) => {
					const reason = r.type in missing ? missing[r.type as keyof typeof missing] : undefined;
					return reason ? [{ rule_id: r.id, title: r.title, reason }] : [];
				});
				if (notChecked.length) refs[i]!.not_checked = notChecked;
				// the pack's regions as the numbers of aud_region
				const ids = p.pack.applies_to === 'all' ? [] : (await rows<{ rg: number }>(conn, `SELECT rg::INTEGER AS rg FROM aud_region WHERE list_contains($regions, region)`, { regions: strList(p.pack.applies_to) })).map((r) => r.rg);
				for (const rule of p.pack.rules) {
					if (refs[i]!.not_checked?.some((n) => n.rule_id === rule.id)) continue;
					const q = ruleQuery(p.pack, rule, enums!, ids);
					await timed(`${p.pack.id}/${rule.id}`, () => run(
						conn,
						`INSERT INTO aud_f SELECT $pack_id, $pack_version, $rule_id, $rule_type, $kind, q.rid, q.use_owner, q.window_start, q.window_end, q.ld, q.rids, q.detail FROM (${q.sql}) q`,
						{ ...q.params, pack_id: p.pack.id, pack_version: p.version, rule_id: rule.id, rule_type: rule.type, kind: rule.kind }
					));
				}
			}
			await conn.run(`RESET disabled_optimizers`);
			await timed('audit_store', () => run(conn, querySql('compliance/audit_store'), { audit_id: auditId, from_day: fromDay, to_day: toDay }));
			const [counts] = await timedValue('audit_counts', () => rows<{ contacts: number; findings: number }>(
				conn,
				`SELECT (SELECT count(*) FROM aud_c WHERE direction = 'outbound' AND ($from_day IS NULL OR la // 86400000000 >= $from_day) AND ($to_day IS NULL OR la // 86400000000 <= $to_day)) AS contacts,
				        (SELECT count(*) FROM compliance_findings WHERE audit_id = $audit_id) AS findings`,
				{ audit_id: auditId, from_day: fromDay, to_day: toDay }
			));
			const duration = Date.now() - t0;
			// the instant and the days as text cast in SQL (a Date would be bound in the connection's zone)
			await k
				.insertInto('compliance_audits')
				.values({
					audit_id: auditId,
					started_at: sql<Date>`CAST(${startedAt} AS TIMESTAMPTZ)`,
					finished_at: sql<Date>`now()`,
					period_from: o.from ? sql<Date>`CAST(${o.from} AS DATE)` : null,
					period_to: o.to ? sql<Date>`CAST(${o.to} AS DATE)` : null,
					packs: JSON.stringify(refs),
					trigger: o.trigger,
					run_by: o.runBy ?? null,
					contacts: Number(counts!.contacts),
					findings: Number(counts!.findings),
					duration_ms: duration,
					status: 'done'
				})
				.execute();
			if (owed.length) await k.deleteFrom('audit_owed').where('batch_id', 'in', owed).execute();
			await timed('audit_prune', () => run(conn, `DELETE FROM compliance_findings WHERE audit_id <= $oldest`, { oldest: auditId - KEEP_FINDINGS_OF }));
			await timed('commit', () => conn.run('COMMIT'));
		} catch (e) {
			await conn.run('ROLLBACK').catch(() => undefined);
			throw e;
		}
	} finally {
		const tf = Date.now();
		await conn.run(`RESET disabled_optimizers`).catch(() => undefined);
		await conn.run('DROP VIEW IF EXISTS aud_c').catch(() => undefined);
		for (const t of ['aud_c', 'aud_wrong', 'aud_consent_events', 'aud_consent_calls', 'aud_consent', 'aud_consented', 'aud_purpose', 'aud_pref', 'aud_f']) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
		await dropIndexTemps(conn);
		await restoreMemory();
		conn.closeSync();
		steps.cleanup = Date.now() - tf;
	}
	return { ...(await getAudit(store, auditId))!, steps, ...(index ? { index } : {}) };
}

/**
 * The rule types that need data an export may not carry (docs/compliance-regf-more.md), with the
 * reason in words when the store has none of it: such a rule is not run, and the audit records it
 * as not checked (never a silent zero). Reads aud_purpose (made by the audit's first transaction).
 */
async function missingData(conn: DuckDBConnection): Promise<Partial<Record<PolicyRule['type'], string>>> {
	const [n] = await rows<{ attorneys: number; reports: number }>(
		conn,
		`SELECT (SELECT count(*) FROM contact_preferences WHERE kind = 'represented_by_attorney') AS attorneys,
		        (SELECT count(*) FROM aud_purpose WHERE purpose = 'credit_report') AS reports`
	);
	const out: Partial<Record<PolicyRule['type'], string>> = {};
	if (!Number(n?.attorneys)) out.attorney_represented = 'not checked: the contact preferences imported hold no represented_by_attorney event (when the collector learned of an attorney)';
	if (!Number(n?.reports)) out.report_before_communication = 'not checked: no interaction imported is marked as a report to a credit bureau (purpose credit_report)';
	return out;
}

/**
 * The audit's rules sort and hash up to 30 M rows of the contact index, and a rebuild of the
 * index writes them all; under the store's default memory limit (2 GB) that spills to disk (the
 * in-memory copy the index replaced took four times as long there). For its run the limit is raised to CUREWISE_AUDIT_MEMORY_LIMIT, default the smaller of 8 GB and
 * half the machine's memory (never lowered), and put back after. The summary rebuild (kpi/summary-tables.ts) does the same.
 */
export async function raiseMemoryLimit(conn: DuckDBConnection): Promise<() => Promise<void>> {
	const [cur] = await rows<{ v: string }>(conn, `SELECT current_setting('memory_limit') AS v`).catch(() => [] as { v: string }[]);
	if (!cur) return async () => {};
	const toBytes = (v: string) => {
		const m = /^([\d.]+)\s*([KMGT]i?B)$/i.exec(v.trim());
		if (!m) return NaN;
		const unit = m[2]!.toUpperCase().replace('I', '');
		return Number(m[1]) * 1024 ** { KB: 1, MB: 2, GB: 3, TB: 4 }[unit as 'KB']!;
	};
	const current = toBytes(cur.v);
	const wanted = process.env.CUREWISE_AUDIT_MEMORY_LIMIT ? toBytes(process.env.CUREWISE_AUDIT_MEMORY_LIMIT) : Math.min(8 * 1024 ** 3, totalmem() / 2);
	if (!Number.isFinite(current) || !Number.isFinite(wanted) || wanted <= current) return async () => {};
	await conn.run(`SET memory_limit = '${Math.floor(wanted / 1024 ** 2)}MB'`);
	if (process.env.CUREWISE_AUDIT_LOG) console.error(`audit memory limit ${cur.v} -> ${Math.floor(wanted / 1024 ** 2)} MB`);
	return async () => {
		await conn.run(`SET memory_limit = '${Math.floor(current / 1024 ** 2)}MB'`).catch(() => undefined);
	};
}

async function run(conn: DuckDBConnection, sql: string, params: Record<string, DuckDBValue | null>): Promise<void> {
	await rows(conn, sql, params as Record<string, DuckDBValue>);
}
