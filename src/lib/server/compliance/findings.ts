/**
 * The read side of the compliance audit (issue 6): the findings an audit stored
 * (compliance_findings, compliance_audits) under the filters of the findings pages, counted by
 * rule, pack and week, by channel, agent, template and experiment arm, per 10,000 contacts; the
 * pack versions the audit used against those in force now; the CSV export; the method text of
 * the printed report. The SQL is in queries/compliance/findings_*.sql; this module picks the
 * audit, binds the filters and divides.
 *
 * "Contacts" (the denominator of findings per 10,000 contacts): outbound interactions — every
 * channel, party and outcome — whose local date at the consumer's address falls in the audited
 * period and in the filters' scope (dates, channel, agent, template, experiment arm, the
 * customer or account searched for, and for a pack or rule the regions the pack applies to).
 * Counting them reads every interaction once (tens of seconds at 30 million), so the counts per
 * local date, region and contact attributes are computed once per audit and kept in memory
 * (auditContacts); every filter then sums them.
 */
import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import { CHANNELS, type PolicyPack, type PolicyRule } from '../../compliance/packs.ts';
import { rows as dbRows, type Store } from '../db/store.ts';
import { querySql, queryStatements } from '../paths.ts';
import { recordTrail } from '../trail/trail.ts';
import { ACCESS, type Role } from '../auth/roles.ts';
import { csvCell } from '../csv.ts';
import { auditNumberSchema, pageNumberSchema } from '../../schemas.ts';
import { maxExportRows, ResultTooLargeError } from '../limits.ts';
import { getAudit, KEEP_FINDINGS_OF, latestAudit, listAudits, runAudit, type AuditFinding, type AuditRun } from './audit.ts';
import { currentPacks, packVersion } from './pack-store.ts';
import { withoutQueryTimeLimit } from '../db/query-limit.ts';

// ---------------------------------------------------------------------------------------------
// filters

export const FINDING_KINDS = ['presumed_violation', 'violation', 'risk_flag'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const KIND_LABEL: Record<FindingKind, string> = {
	presumed_violation: 'Presumed violation',
	violation: 'Violation',
	risk_flag: 'Risk flag'
};

export const PAGE_SIZE = 50;

const isoDate = (what: string) =>
	z
		.string()
		.regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what} is a date written YYYY-MM-DD` })
		.refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().startsWith(d), { error: `${what} is not a real date` });
const ident = (what: string) => z.string().trim().regex(/^[\w.:-]{1,80}$/, { error: `${what} is an id of letters, digits, _ . : or - (at most 80)` });

/** the filters of the findings pages, from the URL (?audit=&from=&to=&pack=&rule=&kind=…) */
export const findingsFilterSchema = z
	.object({
		audit: auditNumberSchema.optional(),
		from: isoDate('from').optional(),
		to: isoDate('to').optional(),
		pack: z
			.string()
			.regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'pack is a pack id like regulation-f' })
			.optional(),
		rule: z
			.string()
			.regex(/^[a-z0-9_]{1,80}$/, { error: 'rule is a rule id like call_frequency_7_in_7' })
			.optional(),
		kind: z.enum(FINDING_KINDS, { error: `kind is one of ${FINDING_KINDS.join(', ')}` }).optional(),
		channel: z.enum(CHANNELS, { error: `channel is one of ${CHANNELS.join(', ')}` }).optional(),
		agent: ident('agent').optional(),
		template: ident('template').optional(),
		experiment: ident('experiment').optional(),
		arm: ident('arm').optional(),
		person: ident('person (a customer or account id)').optional(),
		sort: z.enum(['desc', 'asc'], { error: 'sort is desc (newest first) or asc (oldest first)' }).default('desc'),
		page: pageNumberSchema()
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, { error: 'from must not be after to', path: ['from'] })
	.refine((f) => !f.arm || f.experiment, { error: 'an arm needs its experiment (set experiment too)', path: ['arm'] });

export type FindingsFilter = z.infer<typeof findingsFilterSchema>;

/** the URL keys of the filters that narrow the findings (not audit, sort, page) */
export const FILTER_KEYS = ['from', 'to', 'pack', 'rule', 'kind', 'channel', 'agent', 'template', 'experiment', 'arm', 'person'] as const;

export type FilterParse = { ok: true; filter: FindingsFilter } | { ok: false; problems: string[]; filter: FindingsFilter };

/**
 * The filters from URL search params. Empty values are left out; a bad value is reported as
 * "field: what is wrong" and the page falls back to no filter at all (filter holds the defaults).
 */
export function parseFindingsFilter(params: URLSearchParams): FilterParse {
	const raw = Object.fromEntries([...params].filter(([, v]) => v.trim() !== ''));
	const r = findingsFilterSchema.safeParse(raw);
	if (r.success) return { ok: true, filter: r.data };
	const problems = r.error.issues.map((i) => {
		const field = i.path.length ? i.path.join('.') : 'filters';
		// "from is not a real date" rather than "from: from is not a real date"
		const what = i.message.startsWith(field + ' ') ? i.message : `${field}: ${i.message}`;
		return `${what} (got "${String(raw[String(i.path[0])] ?? '')}")`;
	});
	// the audit asked for, when it is itself valid; the other filters dropped
	const audit = findingsFilterSchema.safeParse(raw.audit ? { audit: raw.audit } : {});
	return { ok: false, problems, filter: audit.success ? audit.data : findingsFilterSchema.parse({}) };
}

const scopeArgs = (auditId: number, f: FindingsFilter) => ({
	audit_id: auditId,
	from: f.from ?? null,
	to: f.to ?? null,
	pack: f.pack ?? null,
	rule: f.rule ?? null,
	kind: f.kind ?? null,
	channel: f.channel ?? null,
	agent: f.agent ?? null,
	template: f.template ?? null,
	experiment: f.experiment ?? null,
	arm: f.arm ?? null,
	person: f.person ?? null
});

/** a findings_*.sql with the shared filter (findings_scope.sql) spliced in: query text, never values */
const scoped = (name: string) => querySql('compliance/' + name).replace('{{findings_scope}}', querySql('compliance/findings_scope').replace(/;\s*$/, ''));

// ---------------------------------------------------------------------------------------------
// audits

export type AuditInfo = AuditRun;

/** the latest audits, newest first (any status) */
export const recentAudits = (store: Store, limit = 20) => listAudits(store, limit);

export class FindingsError extends Error {
	constructor(
		readonly status: 400 | 404 | 410,
		message: string
	) {
		super(message);
	}
}

/**
 * The audit a page shows: `auditId` when given (404 when there is none, 400 when it has not
 * finished), else the latest audit whose status is 'done' (null when there is none yet).
 */
export async function pickAudit(store: Store, auditId?: number): Promise<AuditInfo | null> {
	if (auditId === undefined) return latestAudit(store);
	const audit = await getAudit(store, auditId);
	if (!audit) throw new FindingsError(404, `There is no audit ${auditId}. Leave out ?audit= to see the latest audit.`);
	if (audit.status !== 'done') throw new FindingsError(400, `Audit ${auditId} is ${audit.status}, not done: it has no complete findings. Leave out ?audit= to see the latest finished audit.`);
	const latest = (await store.rows<{ id: number }>(`SELECT max(audit_id) AS id FROM compliance_audits`))[0]?.id ?? auditId;
	if (audit.findings > 0 && auditId <= latest - KEEP_FINDINGS_OF)
		throw new FindingsError(410, `The findings of audit ${auditId} are no longer kept (the store keeps those of the last ${KEEP_FINDINGS_OF} audits; it found ${audit.findings.toLocaleString('en-US')}). Run the audit again, or leave out ?audit= to see the latest.`);
	return audit;
}

// ---------------------------------------------------------------------------------------------
// the packs an audit used, their rules, and the versions in force now

export interface RuleInfo {
	pack_id: string;
	rule_id: string;
	type: PolicyRule['type'];
	title: string;
	citation: string;
	kind: FindingKind;
	/** the method in plain words */
	method: string;
}

export interface PackInfo {
	pack_id: string;
	title: string;
	version: number;
	hash: string;
	/** the regions the pack applies to, or 'all' */
	applies_to: 'all' | string[];
	effective_from: string | null;
	rules: RuleInfo[];
}

/** the packs (as stored at the versions the audit used), with their rules */
export function auditPacks(store: Store, audit: AuditInfo): Promise<PackInfo[]> {
	// a stored pack version never changes: one read per audit
	const key = cubeKey(store, audit.audit_id);
	let p = packsOf.get(key);
	if (!p) {
		p = readAuditPacks(store, audit);
		p.catch(() => packsOf.delete(key));
		packsOf.set(key, p);
		if (packsOf.size > 50) packsOf.delete(packsOf.keys().next().value!);
	}
	return p;
}
const packsOf = new Map<string, Promise<PackInfo[]>>();

async function readAuditPacks(store: Store, audit: AuditInfo): Promise<PackInfo[]> {
	const stored = await Promise.all(audit.packs.map((ref) => packVersion(store, ref.pack_id, ref.version).catch(() => null)));
	return audit.packs.map((ref, i) => {
		const pack: PolicyPack | null = stored[i]?.pack ?? null;
		return {
			pack_id: ref.pack_id,
			title: ref.title || pack?.title || ref.pack_id,
			version: ref.version,
			hash: ref.hash,
			applies_to: pack ? pack.applies_to : 'all',
			effective_from: pack?.effective_from ?? null,
			rules: pack ? pack.rules.map((r) => ({ pack_id: pack.id, rule_id: r.id, type: r.type, title: r.title, citation: r.citation, kind: r.kind, method: ruleMethod(r) })) : []
		};
	});
}

export interface PackVersionRow {
	pack_id: string;
	title: string;
	/** the version the audit used (null: the pack is newer than the audit) */
	used: { version: number; hash: string } | null;
	/** the version in force now (null: the pack is no longer stored) */
	current: { version: number; hash: string; saved_at: string; saved_by: string | null } | null;
	/** same | changed (a newer version is in force) | added (not in the audit) | removed */
	status: 'same' | 'changed' | 'added' | 'removed';
}

/** the pack versions the audit used against the versions in force now */
export async function packVersionsVsCurrent(store: Store, audit: AuditInfo | null): Promise<PackVersionRow[]> {
	const now = await currentPacks(store).catch(() => []);
	const byId = new Map(now.map((p) => [p.pack.id, p]));
	const rows: PackVersionRow[] = [];
	for (const ref of audit?.packs ?? []) {
		const cur = byId.get(ref.pack_id);
		byId.delete(ref.pack_id);
		rows.push({
			pack_id: ref.pack_id,
			title: ref.title || cur?.title || ref.pack_id,
			used: { version: ref.version, hash: ref.hash },
			current: cur ? { version: cur.version, hash: cur.hash, saved_at: cur.saved_at, saved_by: cur.saved_by } : null,
			status: !cur ? 'removed' : cur.version === ref.version && cur.hash === ref.hash ? 'same' : 'changed'
		});
	}
	for (const cur of byId.values())
		rows.push({ pack_id: cur.pack.id, title: cur.title, used: null, current: { version: cur.version, hash: cur.hash, saved_at: cur.saved_at, saved_by: cur.saved_by }, status: 'added' });
	return rows;
}

const CHANNEL_WORDS: Record<string, string> = {
	call: 'calls',
	sms: 'text messages',
	email: 'emails',
	letter: 'letters',
	push: 'push notifications',
	in_app: 'in-app messages',
	ringless_voicemail: 'ringless voicemails'
};
const PARTY_WORDS: Record<string, string> = {
	consumer: 'the consumer',
	third_party: 'third parties',
	consumer_attorney: "the consumer's attorney",
	creditor: 'the creditor',
	credit_bureau: 'a credit bureau'
};
const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);
const orList = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs.at(-1)}`);

/** "outbound calls and ringless voicemails, leaving out … " — what a rule counts */
function countsWords(c: PolicyRule['counts']): string {
	const all = CHANNELS.every((ch) => c.channels.includes(ch));
	const what = all ? 'contacts on every channel' : list(c.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch));
	let out = `${c.direction === 'outbound' ? 'outbound ' : ''}${what}`;
	if (c.only_outcomes?.length) out += ` whose outcome was ${orList(c.only_outcomes.map((o) => o.replace(/_/g, ' ')))}`;
	const left: string[] = [];
	if (c.exclude_outcomes.length) left.push(`those whose outcome was ${orList(c.exclude_outcomes.map((o) => o.replace(/_/g, ' ')))}`);
	if (c.exclude_parties.length) left.push(`contacts with ${orList(c.exclude_parties.map((p) => PARTY_WORDS[p] ?? p))}`);
	if (c.exclude_wrong_numbers) left.push('calls to a number later found to be a wrong number');
	if (c.exclude_consent_windows) left.push('calls inside a consent-to-call window the person gave (the day of consent is day 1, at most 7 days, ending early at its end or at a conversation)');
	if (left.length) out += `, leaving out ${left.length === 1 ? left[0] : `${left.slice(0, -1).join('; ')}; and ${left.at(-1)}`}`;
	return out;
}

const KIND_WORDS: Record<FindingKind, string> = { presumed_violation: 'a presumed violation', violation: 'a violation', risk_flag: 'a risk flag' };

/** how the audit applies a rule, in plain words (the printed report's method section) */
export function ruleMethod(r: PolicyRule): string {
	const counts = countsWords(r.counts);
	const kind = KIND_WORDS[r.kind];
	switch (r.type) {
		case 'frequency': {
			const per = r.per === 'person_debt' ? 'per person and debt (over all of the person’s numbers and addresses together)' : r.per === 'debt' ? 'per debt' : 'per contact point';
			return `Counts ${counts}, ${per}, in every window of ${r.window_days} consecutive calendar dates at the consumer’s location (a rolling window checked at every date, both ends included). More than ${r.limit} in a window is ${kind}, dated on the contact that went over the limit.`;
		}
		case 'after_conversation':
			return `After a telephone conversation with the person about the debt (placed or received), any of ${counts} within ${r.window_days} consecutive calendar dates, the conversation’s date being day 1, is ${kind}.`;
		case 'time_of_day':
			return `Any of ${counts} sent or placed before ${r.allowed_from} or after ${r.allowed_until} local time is ${kind}. Local time is taken in every zone the data points to (the consumer’s address and the phone number’s zone), with the daylight-saving rules of that date; a message counts when it is sent.`;
		case 'inconvenient_time':
			return `Any of ${counts} inside a local time range the person said is inconvenient is ${kind}, except a single reply through the same channel to the person’s own inbound contact.`;
		case 'after_opt_out':
			return `Any of ${counts} on a channel after the person opted out of that channel (or of all channels), from the moment the opt-out took effect, for the debts it covers, is ${kind}.`;
		case 'after_cease':
			return `Any of ${counts} about a debt after the person asked the collector to cease communication about it, from the moment the request took effect, is ${kind}.`;
		case 'repeat_unanswered':
			return `Two unanswered ${list(r.counts.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch))} to the same phone number within ${r.minutes ?? '?'} minutes are ${kind} (below the frequency limit, but named by the commentary).`;
		case 'calls_per_number_per_day':
			return `${r.limit ?? '?'} or more ${list(r.counts.channels.map((ch) => CHANNEL_WORDS[ch] ?? ch))} to one phone number on one local date are ${kind}.`;
	}
}

// ---------------------------------------------------------------------------------------------
// contacts (the denominator), kept per audit

interface Combo {
	channel: string;
	agent_id: string | null;
	template_id: string | null;
	experiment_id: string | null;
	variant: string | null;
}

/** outbound contacts counted per local date, region and contact attributes, in columns */
export interface ContactsCube {
	/** local date as days since 1970-01-01 */
	day: Int32Array;
	/** index into regions (0: a region no pack of the audit names) */
	region: Uint16Array;
	/** index into combos */
	combo: Uint32Array;
	contacts: Float64Array;
	regions: (string | null)[];
	combos: Combo[];
}

interface CubeRow extends Combo {
	/** days since 1970-01-01 (findings_contacts.sql) or the ISO date (findings_contacts_person.sql) */
	day?: number;
	local_date?: string;
	region: string | null;
	contacts: number;
}

const DAY = 86_400_000;
const toDay = (iso: string) => Math.round(Date.parse(iso + 'T00:00:00Z') / DAY);
const fromDay = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
/** the Monday of the week of a day (1970-01-01 was a Thursday) */
const weekOf = (d: number) => d - ((d + 3) % 7);

function buildCube(rows: CubeRow[]): ContactsCube {
	const regionIdx = new Map<string | null, number>([[null, 0]]);
	const comboIdx = new Map<string, number>();
	const combos: Combo[] = [];
	const cube: ContactsCube = {
		day: new Int32Array(rows.length),
		region: new Uint16Array(rows.length),
		combo: new Uint32Array(rows.length),
		contacts: new Float64Array(rows.length),
		regions: [null],
		combos
	};
	rows.forEach((r, i) => {
		let ri = regionIdx.get(r.region);
		if (ri === undefined) {
			ri = cube.regions.length;
			regionIdx.set(r.region, ri);
			cube.regions.push(r.region);
		}
		const key = JSON.stringify([r.channel, r.agent_id, r.template_id, r.experiment_id, r.variant]);
		let ci = comboIdx.get(key);
		if (ci === undefined) {
			ci = combos.length;
			comboIdx.set(key, ci);
			combos.push({ channel: r.channel, agent_id: r.agent_id, template_id: r.template_id, experiment_id: r.experiment_id, variant: r.variant });
		}
		cube.day[i] = r.day ?? toDay(r.local_date!);
		cube.region[i] = ri;
		cube.combo[i] = ci;
		cube.contacts[i] = Number(r.contacts);
	});
	return cube;
}

/** every region a pack of the audit names (the others count only for packs that apply everywhere) */
const namedRegions = (packs: PackInfo[]) => [...new Set(packs.flatMap((p) => (p.applies_to === 'all' ? [] : p.applies_to)))].sort();
const regionsParam = (packs: PackInfo[]) => {
	const r = namedRegions(packs);
	return r.length ? listValue(r) : null;
};

// one cube per audit (an audit's findings never change; a new audit gets a new id)
const g = globalThis as unknown as { __curewiseAuditContacts?: Map<string, Promise<ContactsCube>> };
const cubes = (g.__curewiseAuditContacts ??= new Map());
const cubeKey = (store: Store, auditId: number) => `${store.path}#${auditId}`;

/**
 * The audit's contacts, computed once (queries/compliance/findings_contacts.sql) and kept in
 * memory for the two latest audits of a store. Call it right after an audit to have them
 * ready before the first page asks.
 */
export function auditContacts(store: Store, audit: AuditInfo, packs?: PackInfo[]): Promise<ContactsCube> {
	const key = cubeKey(store, audit.audit_id);
	let p = cubes.get(key);
	if (!p) {
		p = (async () => {
			const ps = packs ?? (await auditPacks(store, audit));
			// the audit's zone and offset tables (temp tables: one connection of our own)
			const conn = await store.connect();
			try {
				for (const file of ['audit_zones', 'audit_offsets'])
					for (const stmt of queryStatements('compliance/' + file)) await conn.run(stmt);
				const rows = await dbRows<CubeRow>(conn, querySql('compliance/findings_contacts'), { from: audit.period_from, to: audit.period_to, regions: regionsParam(ps) });
				return buildCube(rows);
			} finally {
				await conn.run('DROP TABLE IF EXISTS aud_zone; DROP TABLE IF EXISTS aud_off').catch(() => {});
				conn.closeSync();
			}
		})();
		p.catch(() => cubes.delete(key));
		cubes.set(key, p);
		// keep the two newest audits of each store
		const mine = [...cubes.keys()].filter((k) => k.startsWith(store.path + '#')).sort((a, b) => Number(b.split('#')[1]) - Number(a.split('#')[1]));
		for (const old of mine.slice(2)) cubes.delete(old);
	}
	return p;
}

/** whether the audit's contacts are counted already (the page then need not stream them) */
export const auditContactsReady = (store: Store, auditId: number) => cubes.has(cubeKey(store, auditId));

/** the contacts of a customer-or-account search, same columns as the audit's (small: not kept) */
async function personContacts(store: Store, audit: AuditInfo, packs: PackInfo[], person: string): Promise<ContactsCube> {
	const accounts = (await store.rows<{ account_id: string }>(querySql('compliance/findings_person_accounts'), { person, audit_id: audit.audit_id })).map((r) => r.account_id);
	if (!accounts.length) return buildCube([]);
	const rows = await store.rows<CubeRow>(querySql('compliance/findings_contacts_person'), {
		account_ids: listValue(accounts),
		from: audit.period_from,
		to: audit.period_to,
		regions: regionsParam(packs)
	});
	return buildCube(rows);
}

export const DIMENSIONS = ['channel', 'agent', 'template', 'arm'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface ContactTotals {
	/** contacts in the filters' scope */
	total: number;
	/** per week (Monday, ISO date) */
	byWeek: Map<string, number>;
	/** per pack: contacts in the pack's regions under the other filters */
	byPack: Map<string, number>;
	/** per dimension and value ('(none)' for no agent or template; arm: "experiment_id:variant") */
	byDimension: Record<Dimension, Map<string, number>>;
}

export const NONE = '(none)';
const dimValue = (d: Dimension, c: { channel: string | null; agent_id: string | null; template_id: string | null; experiment_id: string | null; variant: string | null }) =>
	d === 'channel' ? (c.channel ?? NONE) : d === 'agent' ? (c.agent_id ?? NONE) : d === 'template' ? (c.template_id ?? NONE) : c.experiment_id ? `${c.experiment_id}:${c.variant ?? NONE}` : NONE;

/** the regions (as cube indexes) a pack counts; null: every region */
function packScope(cube: ContactsCube, pack: PackInfo | undefined): Set<number> | null {
	if (!pack || pack.applies_to === 'all') return null;
	const want = new Set(pack.applies_to);
	return new Set(cube.regions.flatMap((r, i) => (r !== null && want.has(r) ? [i] : [])));
}

/** sums the cube under the filters (pure: exported for tests) */
export function sumContacts(cube: ContactsCube, f: FindingsFilter, packs: PackInfo[]): ContactTotals {
	const lo = f.from ? toDay(f.from) : -Infinity;
	const hi = f.to ? toDay(f.to) : Infinity;
	const comboOk = cube.combos.map(
		(c) =>
			(!f.channel || c.channel === f.channel) &&
			(!f.agent || c.agent_id === f.agent) &&
			(!f.template || c.template_id === f.template) &&
			(!f.experiment || c.experiment_id === f.experiment) &&
			(!f.arm || c.variant === f.arm)
	);
	// a pack filter, or a rule filter (the rule's pack), narrows to the pack's regions
	const scopePack = f.pack ? packs.find((p) => p.pack_id === f.pack) : f.rule ? packs.find((p) => p.rules.some((r) => r.rule_id === f.rule)) : undefined;
	const scope = f.pack && !scopePack ? new Set<number>() : packScope(cube, scopePack);
	const byRegion = new Float64Array(cube.regions.length);
	const byCombo = new Float64Array(cube.combos.length);
	const byWeekDay = new Map<number, number>();
	let total = 0;
	for (let i = 0; i < cube.day.length; i++) {
		const d = cube.day[i]!;
		if (d < lo || d > hi || !comboOk[cube.combo[i]!]) continue;
		const c = cube.contacts[i]!;
		const r = cube.region[i]!;
		byRegion[r] = byRegion[r]! + c;
		if (scope && !scope.has(r)) continue;
		total += c;
		byCombo[cube.combo[i]!] = byCombo[cube.combo[i]!]! + c;
		const w = weekOf(d);
		byWeekDay.set(w, (byWeekDay.get(w) ?? 0) + c);
	}
	const byPack = new Map<string, number>();
	const all = byRegion.reduce((s, v) => s + v, 0);
	for (const p of packs) {
		const s = packScope(cube, p);
		byPack.set(p.pack_id, s ? [...s].reduce((sum, i) => sum + byRegion[i]!, 0) : all);
	}
	const byDimension = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string, number>()])) as Record<Dimension, Map<string, number>>;
	cube.combos.forEach((c, i) => {
		if (!byCombo[i]) return;
		for (const d of DIMENSIONS) {
			const v = dimValue(d, c);
			byDimension[d].set(v, (byDimension[d].get(v) ?? 0) + byCombo[i]!);
		}
	});
	const byWeek = new Map([...byWeekDay].sort(([a], [b]) => a - b).map(([w, n]) => [fromDay(w), n]));
	return { total, byWeek, byPack, byDimension };
}

/** findings per 10,000 contacts; null without contacts */
export const per10k = (findings: number, contacts: number | null | undefined) => (contacts ? (findings / contacts) * 10_000 : null);

// ---------------------------------------------------------------------------------------------
// findings

/** a finding as the list and the CSV show it: audit.ts's finding with the contact's attributes, its ids space-separated */
export interface FindingRow extends Omit<AuditFinding, 'kind' | 'interaction_ids'> {
	kind: FindingKind;
	agent_id: string | null;
	template_id: string | null;
	experiment_id: string | null;
	variant: string | null;
	/** how many interactions make up the finding */
	contacts: number;
	/** their ids, space-separated */
	interaction_ids: string;
}

export interface FindingsPage {
	rows: FindingRow[];
	total: number;
	page: number;
	pages: number;
	page_size: number;
}

/** one page of findings, sorted by local date (f.sort) */
export async function findingsPage(store: Store, auditId: number, f: FindingsFilter, pageSize = PAGE_SIZE): Promise<FindingsPage> {
	const [rows, [count]] = await Promise.all([
		store.rows<FindingRow>(scoped('findings_list'), { ...scopeArgs(auditId, f), sort: f.sort, limit: pageSize, offset: (f.page - 1) * pageSize }),
		store.rows<{ total: number }>(scoped('findings_total'), scopeArgs(auditId, f))
	]);
	const total = count?.total ?? 0;
	return { rows, total, page: f.page, pages: Math.max(1, Math.ceil(total / pageSize)), page_size: pageSize };
}

export const CSV_COLUMNS = [
	'audit_id',
	'pack',
	'pack_version',
	'rule',
	'kind',
	'customer_id',
	'account_id',
	'window_start',
	'window_end',
	'occurred_at',
	'local_date',
	'channel',
	'agent_id',
	'template_id',
	'experiment_id',
	'variant',
	'interaction_ids',
	'detail'
] as const;

/**
 * every finding under the filters as CSV (ISO dates, CRLF line ends), and how many rows; more
 * than maxRows (CUREWISE_MAX_EXPORT_ROWS) are refused, counted before any is read
 * (ResultTooLargeError: a partial list of findings would pass for a complete one)
 */
export async function findingsCsv(store: Store, auditId: number, f: FindingsFilter, maxRows: number = maxExportRows()): Promise<{ csv: string; rows: number }> {
	const [count] = await store.rows<{ total: number }>(scoped('findings_total'), scopeArgs(auditId, f));
	if ((count?.total ?? 0) > maxRows)
		throw new ResultTooLargeError('CSV', count!.total, maxRows, 'Narrow it with the filters (a shorter period, one pack, rule or kind) and export each part.');
	const rows = await store.rows<FindingRow>(scoped('findings_list'), { ...scopeArgs(auditId, f), sort: 'asc', limit: maxRows, offset: 0 });
	const lines = [CSV_COLUMNS.join(',')];
	for (const r of rows) {
		const cells: (string | number | null)[] = [
			r.audit_id,
			r.pack_id,
			r.pack_version,
			r.rule_id,
			r.kind,
			r.customer_id,
			r.account_id,
			r.window_start,
			r.window_end,
			r.occurred_at,
			r.local_date,
			r.channel,
			r.agent_id,
			r.template_id,
			r.experiment_id,
			r.variant,
			r.interaction_ids,
			r.detail
		];
		lines.push(cells.map(csvCell).join(','));
	}
	return { csv: lines.join('\r\n') + '\r\n', rows: rows.length };
}

export interface CountRow {
	week: string;
	pack_id: string;
	rule_id: string;
	rule_type: string;
	kind: FindingKind;
	findings: number;
}

interface DimRow {
	dimension: Dimension;
	value: string | null;
	arm: string | null;
	findings: number;
}

export interface RateRow {
	key: string;
	label: string;
	findings: number;
	contacts: number | null;
	per_10k: number | null;
}

export interface RuleRateRow extends RateRow {
	pack_id: string;
	rule_id: string;
	title: string;
	citation: string;
	kind: string;
	by_kind: Record<FindingKind, number>;
}

export interface WeekSeries {
	/** Mondays, ISO */
	weeks: string[];
	/** one series per pack and rule: findings per week */
	series: { key: string; pack_id: string; rule_id: string; title: string; values: number[] }[];
	/** contacts per week in the filters' scope (null until counted) */
	contacts: number[] | null;
}

export interface FindingsCounts {
	findings: number;
	by_kind: Record<FindingKind, number>;
	rows: CountRow[];
}

/** the findings under the filters, per week, pack, rule and kind (findings_counts.sql) */
export async function findingsCounts(store: Store, auditId: number, f: FindingsFilter): Promise<FindingsCounts> {
	const rows = await store.rows<CountRow>(scoped('findings_counts'), scopeArgs(auditId, f));
	const by_kind: Record<FindingKind, number> = { presumed_violation: 0, violation: 0, risk_flag: 0 };
	let findings = 0;
	for (const r of rows) {
		by_kind[r.kind] = (by_kind[r.kind] ?? 0) + r.findings;
		findings += r.findings;
	}
	return { findings, by_kind, rows };
}

export interface ComplianceOverview {
	audit: AuditInfo;
	packs: PackInfo[];
	findings: number;
	by_kind: Record<FindingKind, number>;
	by_pack: RateRow[];
	by_rule: RuleRateRow[];
	by_dimension: Record<Dimension, RateRow[]>;
	over_time: WeekSeries;
	/** contacts in the filters' scope */
	contacts: number;
	per_10k: number | null;
}

const ruleKey = (pack: string, rule: string) => `${pack}/${rule}`;

/** the overview of an audit under the filters: findings with their contacts and rates */
export async function complianceOverview(store: Store, audit: AuditInfo, f: FindingsFilter, given?: { packs?: PackInfo[]; cube?: ContactsCube }): Promise<ComplianceOverview> {
	const packs = given?.packs ?? (await auditPacks(store, audit));
	const [counts, dims, cube] = await Promise.all([
		findingsCounts(store, audit.audit_id, f),
		store.rows<DimRow>(scoped('findings_by_dimension'), scopeArgs(audit.audit_id, f)),
		given?.cube ?? (f.person ? personContacts(store, audit, packs, f.person) : auditContacts(store, audit, packs))
	]);
	const c = sumContacts(cube, f, packs);

	const rules = new Map(packs.flatMap((p) => p.rules.map((r) => [ruleKey(p.pack_id, r.rule_id), r] as const)));
	const packTitle = new Map(packs.map((p) => [p.pack_id, p.title]));

	// per pack and per rule
	const perPack = new Map<string, number>();
	const perRule = new Map<string, { pack_id: string; rule_id: string; n: number; by_kind: Record<FindingKind, number> }>();
	const weeks = new Set<string>(c.byWeek.keys());
	const perRuleWeek = new Map<string, Map<string, number>>();
	for (const r of counts.rows) {
		perPack.set(r.pack_id, (perPack.get(r.pack_id) ?? 0) + r.findings);
		const k = ruleKey(r.pack_id, r.rule_id);
		const e = perRule.get(k) ?? { pack_id: r.pack_id, rule_id: r.rule_id, n: 0, by_kind: { presumed_violation: 0, violation: 0, risk_flag: 0 } };
		e.n += r.findings;
		e.by_kind[r.kind] += r.findings;
		perRule.set(k, e);
		weeks.add(r.week);
		const w = perRuleWeek.get(k) ?? new Map<string, number>();
		w.set(r.week, (w.get(r.week) ?? 0) + r.findings);
		perRuleWeek.set(k, w);
	}
	// packs and rules of the audit without findings are shown with 0 (unless filtered away)
	const packShown = (id: string) => !f.pack || f.pack === id;
	const by_pack: RateRow[] = [...new Set([...packs.map((p) => p.pack_id), ...perPack.keys()])].filter(packShown).map((id) => {
		const n = perPack.get(id) ?? 0;
		const contacts = c.byPack.get(id) ?? null;
		return { key: id, label: packTitle.get(id) ?? id, findings: n, contacts, per_10k: per10k(n, contacts) };
	});
	const ruleKeys = [...new Set([...packs.filter((p) => packShown(p.pack_id)).flatMap((p) => p.rules.filter((r) => !f.rule || r.rule_id === f.rule).map((r) => ruleKey(p.pack_id, r.rule_id))), ...perRule.keys()])];
	const by_rule: RuleRateRow[] = ruleKeys
		.map((k) => {
			const info = rules.get(k);
			const e = perRule.get(k);
			const [pack_id, rule_id] = k.split('/') as [string, string];
			const contacts = c.byPack.get(pack_id) ?? null;
			// a rule filter narrows the contacts to the rule's pack already; the other rows use their pack's scope
			const n = e?.n ?? 0;
			return {
				key: k,
				label: info?.title ?? rule_id,
				pack_id,
				rule_id,
				title: info?.title ?? rule_id,
				citation: info?.citation ?? '',
				kind: info?.kind ?? '',
				findings: n,
				by_kind: e?.by_kind ?? { presumed_violation: 0, violation: 0, risk_flag: 0 },
				contacts,
				per_10k: per10k(n, contacts)
			};
		})
		.sort((a, b) => b.findings - a.findings || a.key.localeCompare(b.key));

	// per channel, agent, template, arm: the values with contacts or findings
	const by_dimension = Object.fromEntries(
		DIMENSIONS.map((d) => {
			const found = new Map<string, number>();
			for (const r of dims.filter((x) => x.dimension === d)) {
				const v = d === 'arm' ? (r.value ? `${r.value}:${r.arm ?? NONE}` : NONE) : (r.value ?? NONE);
				found.set(v, (found.get(v) ?? 0) + r.findings);
			}
			const keys = [...new Set([...c.byDimension[d].keys(), ...found.keys()])];
			const rows = keys.map((v) => {
				const n = found.get(v) ?? 0;
				const contacts = c.byDimension[d].get(v) ?? 0;
				return { key: v, label: v, findings: n, contacts, per_10k: per10k(n, contacts) };
			});
			rows.sort((a, b) => b.findings - a.findings || (b.contacts ?? 0) - (a.contacts ?? 0) || a.key.localeCompare(b.key));
			return [d, rows];
		})
	) as Record<Dimension, RateRow[]>;

	const weekList = [...weeks].sort();
	const over_time: WeekSeries = {
		weeks: weekList,
		series: [...perRuleWeek]
			.map(([k, w]) => ({ key: k, pack_id: k.split('/')[0]!, rule_id: k.split('/')[1]!, title: rules.get(k)?.title ?? k, values: weekList.map((wk) => w.get(wk) ?? 0) }))
			.sort((a, b) => b.values.reduce((s, v) => s + v, 0) - a.values.reduce((s, v) => s + v, 0)),
		contacts: weekList.map((wk) => c.byWeek.get(wk) ?? 0)
	};

	return {
		audit,
		packs,
		findings: counts.findings,
		by_kind: counts.by_kind,
		by_pack,
		by_rule,
		by_dimension,
		over_time,
		contacts: c.total,
		per_10k: per10k(counts.findings, c.total)
	};
}

export interface FilterValues {
	pack: string[];
	rule: string[];
	kind: string[];
	channel: string[];
	agent: string[];
	template: string[];
	experiment: string[];
	arm: string[];
}

/** the values the filter selects offer: those found in the audit's findings */
export async function filterValues(store: Store, auditId: number): Promise<FilterValues> {
	const rows = await store.rows<{ field: string; value: string }>(querySql('compliance/findings_filter_values'), { audit_id: auditId });
	const out: FilterValues = { pack: [], rule: [], kind: [], channel: [], agent: [], template: [], experiment: [], arm: [] };
	for (const r of rows) {
		if (r.field === 'arm') {
			const [exp, arm] = [r.value.slice(0, r.value.indexOf(':')), r.value.slice(r.value.indexOf(':') + 1)];
			if (!out.experiment.includes(exp)) out.experiment.push(exp);
			if (!out.arm.includes(arm)) out.arm.push(arm);
		} else if (r.field in out) out[r.field as keyof FilterValues].push(r.value);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// pages

/** the compliance section's tabs, in order */
export const COMPLIANCE_TABS = [
	{ href: '/compliance', label: 'Overview', route: '/(app)/compliance' },
	{ href: '/compliance/findings', label: 'Findings', route: '/(app)/compliance/findings' },
	{ href: '/compliance/report', label: 'Report', route: '/(app)/compliance/report' },
	{ href: '/compliance/packs', label: 'Policy packs', route: '/(app)/compliance/packs' },
	{ href: '/compliance/check', label: 'Message check', route: '/(app)/compliance/check' }
] as const;

/** the tabs a role may open (the access table decides) */
export const complianceTabs = (role: Role) => COMPLIANCE_TABS.filter((t) => ACCESS[t.route]?.includes(role)).map(({ href, label }) => ({ href, label }));

/** the period of a run from the overview's form (both optional) */
export const runAuditFormSchema = z
	.object({ from: isoDate('from').optional(), to: isoDate('to').optional() })
	.refine((f) => !f.from || !f.to || f.from <= f.to, { error: 'from must not be after to', path: ['from'] });

/**
 * A run of the audit asked for from the Compliance page: runs it (trigger 'manual', by the
 * user), records it in the trail, and starts counting its contacts for the pages.
 */
export async function runAuditFromPage(store: Store, period: z.infer<typeof runAuditFormSchema>, who: { username: string; role: Role; ip?: string | null }): Promise<AuditRun> {
	// the whole audit, however long its statements (not cut by the request's time limit, db/query-limit.ts)
	const run = await withoutQueryTimeLimit(() => runAudit(store, { from: period.from, to: period.to, trigger: 'manual', runBy: who.username }));
	await recordTrail(store, {
		actor: who.username,
		role: who.role,
		action: 'compliance.audit_run',
		target: `audit ${run.audit_id}`,
		details: { from: period.from ?? null, to: period.to ?? null, findings: run.findings, contacts: run.contacts, packs: run.packs.map((p) => `${p.pack_id}@${p.version}`), duration_ms: run.duration_ms },
		ip: who.ip ?? null
	});
	auditContacts(store, run).catch(() => {});
	return run;
}

/** the CSV export, recorded in the trail */
export async function exportFindingsCsv(store: Store, auditId: number, f: FindingsFilter, who: { username: string; role: Role; ip?: string | null }) {
	const out = await findingsCsv(store, auditId, f);
	const filters = Object.fromEntries(FILTER_KEYS.filter((k) => f[k] !== undefined).map((k) => [k, f[k]!]));
	await recordTrail(store, { actor: who.username, role: who.role, action: 'export', target: 'compliance_findings', details: { audit_id: auditId, ...filters, rows: out.rows }, ip: who.ip ?? null });
	return out;
}

/** the printed report lists at most this many findings (the CSV has them all) */
export const REPORT_MAX_ROWS = 2_000;
