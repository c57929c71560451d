/**
 * The contacts of an audit, the denominator of findings per 10,000 contacts: outbound
 * interactions — every channel, party and outcome — whose local date at the consumer's address
 * falls in the audited period and in the filters' scope (dates, the account's segment, channel, agent, template,
 * experiment arm, the customer or account searched for, and for a pack or rule the regions the
 * pack applies to). Counting them reads every interaction once (tens of seconds at 30 million),
 * so the counts per local date, region and contact attributes are computed once per audit and
 * kept in memory (auditContacts, the cache); every filter then sums them (sumContacts).
 * auditContacts also starts counting the audit's ranked views once (ranked.ts, keepRankedGroups).
 */
import { listValue } from '@duckdb/node-api';
import type { PackInfo } from '../../../compliance/findings.ts';
import { rows as dbRows, type Store } from '../../db/store.ts';
import { querySql, queryStatements } from '../../paths.ts';
import type { AuditInfo } from './audits.ts';
import type { FindingsFilter } from './filters.ts';
import { auditPacks } from './packs.ts';
import { keepRankedGroups } from './ranked.ts';

interface Combo {
	/** the account's segment */
	segment: string | null;
	channel: string;
	agent_id: string | null;
	template_id: string | null;
	experiment_id: string | null;
	variant: string | null;
}

/** outbound contacts counted per local date, region, account segment and contact attributes, in columns */
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
		const key = JSON.stringify([r.segment, r.channel, r.agent_id, r.template_id, r.experiment_id, r.variant]);
		let ci = comboIdx.get(key);
		if (ci === undefined) {
			ci = combos.length;
			comboIdx.set(key, ci);
			combos.push({ segment: r.segment ?? null, channel: r.channel, agent_id: r.agent_id, template_id: r.template_id, experiment_id: r.experiment_id, variant: r.variant });
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
	// the ranked views without a filter are counted once per audit too (ranked.ts; at once when
	// counted before): whatever asks for the contacts first after an audit starts both
	keepRankedGroups(store, audit.audit_id).catch(() => {});
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
export async function personContacts(store: Store, audit: AuditInfo, packs: PackInfo[], person: string): Promise<ContactsCube> {
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
	/** per pack in force: contacts in the pack's regions (and localities) on the dates it is in force, under the other filters */
	byPack: Map<string, number>;
	/** the packs not in force on any date of the period (their effective_from is after it): no contacts */
	notInForce: Set<string>;
	/** per dimension and value ('(none)' for no agent or template; arm: "experiment_id:variant") */
	byDimension: Record<Dimension, Map<string, number>>;
}

export const NONE = '(none)';
const dimValue = (d: Dimension, c: { channel: string | null; agent_id: string | null; template_id: string | null; experiment_id: string | null; variant: string | null }) =>
	d === 'channel' ? (c.channel ?? NONE) : d === 'agent' ? (c.agent_id ?? NONE) : d === 'template' ? (c.template_id ?? NONE) : c.experiment_id ? `${c.experiment_id}:${c.variant ?? NONE}` : NONE;

/** the regions (as cube indexes) a pack counts; null: every region. A region of the cube is
 * "US-NY" or, for accounts with a locality, "US-NY/new_york_city": a pack with localities counts
 * those of its regions in them only. */
function packScope(cube: ContactsCube, pack: PackInfo | undefined): Set<number> | null {
	if (!pack || pack.applies_to === 'all') return null;
	const want = new Set(pack.applies_to);
	const inScope = (r: string) => {
		const [region, locality] = r.split('/');
		return want.has(region!) && (!pack.localities?.length || (!!locality && pack.localities.includes(locality)));
	};
	return new Set(cube.regions.flatMap((r, i) => (r !== null && inScope(r) ? [i] : [])));
}

/** sums the cube under the filters (pure: exported for tests) */
export function sumContacts(cube: ContactsCube, f: Omit<FindingsFilter, 'order' | 'sort' | 'page'>, packs: PackInfo[]): ContactTotals {
	const lo = f.from ? toDay(f.from) : -Infinity;
	const hi = f.to ? toDay(f.to) : Infinity;
	const comboOk = cube.combos.map(
		(c) =>
			(!f.segment || c.segment === f.segment) &&
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
	const notInForce = new Set<string>();
	const all = byRegion.reduce((s, v) => s + v, 0);
	// the period's first and last dates: the filter's, or the first and last dates with contacts
	let first = Infinity;
	let last = -Infinity;
	for (let i = 0; i < cube.day.length; i++) {
		if (cube.day[i]! > last) last = cube.day[i]!;
		if (cube.day[i]! < first) first = cube.day[i]!;
	}
	const periodStart = Math.max(lo, first);
	// the filter's last date, or the last date with contacts (with none and no filter: unknown, every pack counts as in force)
	const periodEnd = Number.isFinite(hi) ? hi : last === -Infinity ? Infinity : last;
	for (const p of packs) {
		const s = packScope(cube, p);
		const from = p.effective_from ? toDay(p.effective_from) : -Infinity;
		if (from > periodEnd) {
			notInForce.add(p.pack_id);
			continue;
		}
		if (from <= periodStart) {
			byPack.set(p.pack_id, s ? [...s].reduce((sum, i) => sum + byRegion[i]!, 0) : all);
			continue;
		}
		// in force from a date inside the period: its contacts from that date on
		let n = 0;
		for (let i = 0; i < cube.day.length; i++) {
			const d = cube.day[i]!;
			if (d < from || d < lo || d > hi || !comboOk[cube.combo[i]!] || (s && !s.has(cube.region[i]!))) continue;
			n += cube.contacts[i]!;
		}
		byPack.set(p.pack_id, n);
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
	return { total, byWeek, byPack, notInForce, byDimension };
}

/** findings per 10,000 contacts; null without contacts */
export const per10k = (findings: number, contacts: number | null | undefined) => (contacts ? (findings / contacts) * 10_000 : null);
