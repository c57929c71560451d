/**
 * The account timeline of one person (issue 6, ux.md "Account timeline"): every contact about
 * their debts in the person's local time (accounts.timezone, and the contact point's zone when
 * it differs), the preference events and what they rule out day by day, and the findings of an
 * audit with the contacts that make each one up. The page /compliance/people/[customer_id]
 * draws it; the SQL is in queries/compliance/timeline_*.sql.
 *
 * Local dates and times come from DuckDB's ICU time zones, so daylight saving follows the IANA
 * rules of each date. Only dates with something on them are rows (contacts, findings,
 * preference changes, the dates inside a highlighted window, the date asked for), within a date
 * range that keeps a year of contacts readable.
 *
 * Speed: accounts is small, so the person's account ids are looked up first and the
 * interactions are read by account_id, whose zone maps skip nearly every row group (the
 * interactions are stored mostly in account order); a filter on customer_id would read the
 * whole column of ~29M rows at bench scale.
 */
import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { PolicyPack } from '../../compliance/packs.ts';
import { formatDate } from '../../format.ts';
import { maskFor } from '../auth/mask.ts';
import type { Role } from '../auth/roles.ts';
import type { Store } from '../db/store.ts';
import { CurewiseError } from '../errors.ts';
import { querySql } from '../paths.ts';
import { getAudit, latestAudit, type AuditFinding } from './audit.ts';
import {
	OUTCOME_GROUP,
	type ContactRow,
	type DayBand,
	type PreferenceEvent,
	type PreferenceKind,
	type TimelineAccount,
	type TimelineContact,
	type TimelineDay,
	type TimelineFinding,
	type TimelineAudit,
	type TimelinePreference,
	type TimelineView
} from '../../compliance/timeline.ts';
import { currentPacks, packVersion } from './pack-store.ts';
import { packsFor } from './packs.ts';
import { auditNumberSchema } from '../../schemas.ts';

// ---------------------------------------------------------------- input

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const realDate = (d: string) => ISO_DATE.test(d) && new Date(d + 'T00:00:00Z').toISOString().slice(0, 10) === d;
const isoDate = (name: string) =>
	z
		.string()
		.regex(ISO_DATE, { error: `${name} is a date written YYYY-MM-DD` })
		.refine(realDate, { error: `${name} is not a real date` });

/** the longest date range drawn at once */
export const MAX_RANGE_DAYS = 400;
/** the range shown when none is asked for */
export const DEFAULT_RANGE_DAYS = 60;

export const customerIdSchema = z
	.string()
	.trim()
	.min(1, { error: 'the person (customer_id) is missing' })
	.max(100, { error: 'a customer_id is at most 100 characters' });

/** ?account=&date=&from=&to=&audit= of the timeline page */
export const timelineParamsSchema = z
	.object({
		account: z.string().trim().min(1).max(100, { error: 'account is at most 100 characters' }).optional(),
		date: isoDate('date').optional(),
		from: isoDate('from').optional(),
		to: isoDate('to').optional(),
		/** the third party (or other party) whose finding led here: the page names them */
		party: z.string().trim().min(1).max(100, { error: 'party is at most 100 characters' }).optional(),
		audit: auditNumberSchema.optional()
	})
	.superRefine((p, ctx) => {
		if (p.from && p.to) {
			if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `to (${p.to}) is before from (${p.from})` });
			else if (daysBetween(p.from, p.to) + 1 > MAX_RANGE_DAYS)
				ctx.addIssue({ code: 'custom', path: ['to'], message: `the range is at most ${MAX_RANGE_DAYS} days; ${p.from} to ${p.to} is ${daysBetween(p.from, p.to) + 1}` });
		}
	});
export type TimelineParams = z.infer<typeof timelineParamsSchema>;

/** the customer_id is a party (e.g. a third party) contacted about the debt of `owner`: show the owner's timeline */
export class TimelinePartyRedirect extends Error {
	constructor(
		readonly owner: string,
		readonly party: string
	) {
		super(`${party} is a party contacted about a debt of ${owner}`);
		this.name = 'TimelinePartyRedirect';
	}
}

/** a request the timeline cannot answer: 404 (no such person, debt or audit) or 400 */
export class TimelineError extends CurewiseError {
	declare readonly status: 400 | 404;
	constructor(status: 400 | 404, message: string) {
		super(status, message);
		this.name = 'TimelineError';
	}
}

// ---------------------------------------------------------------- output

// the shapes the page draws live in src/lib/compliance/timeline.ts (shared with the browser)
export { OUTCOME_GROUP };
export type { OutcomeGroup, TimelineAccount, TimelineContact, PreferenceKind, TimelinePreference, TimelineFinding, DayBand, TimelineDay, TimelineAudit, TimelineView } from '../../compliance/timeline.ts';

// ---------------------------------------------------------------- dates

const DAY_MS = 86_400_000;
const toDay = (d: string) => Date.parse(d + 'T00:00:00Z') / DAY_MS;
export const daysBetween = (a: string, b: string) => Math.round(toDay(b) - toDay(a));
export const addDays = (d: string, n: number) => new Date(Date.parse(d + 'T00:00:00Z') + n * DAY_MS).toISOString().slice(0, 10);
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekday = (d: string) => WEEKDAYS[new Date(d + 'T00:00:00Z').getUTCDay()]!;
const minuteOf = (time: string) => {
	const [h, m, s] = time.split(':').map(Number);
	return h! * 60 + m! + (s ?? 0) / 60;
};

const abbrFormats = new Map<string, Intl.DateTimeFormat>();
/** the zone's abbreviation at an instant (EST, EDT, MST, AKDT…; "GMT+1" where en-US has none) */
export function zoneAbbr(zone: string, at: string | Date): string {
	let f = abbrFormats.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
		abbrFormats.set(zone, f);
	}
	return f.formatToParts(typeof at === 'string' ? new Date(at) : at).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

// ---------------------------------------------------------------- rows

interface AccountRow {
	account_id: string;
	customer_id: string;
	segment: string;
	product: string;
	region: string;
	timezone: string;
	opened_on: string;
	closed_on: string | null;
	closed_reason: string | null;
	vulnerable: boolean;
	locality: string | null;
}
interface PreferenceRow extends PreferenceEvent {
	effective_local_date: string;
	effective_local_time: string;
	until_local_date: string | null;
	until_local_time: string | null;
}
/** a finding as audit.ts reads it */
type FindingRow = AuditFinding;

const ids = (v: readonly string[]) => listValue([...v]);

/** the debts of a person; [] for a person the store does not know */
export async function personAccounts(store: Store, customerId: string): Promise<AccountRow[]> {
	return store.rows<AccountRow>(querySql('compliance/timeline_accounts'), { customer_id: customerId });
}

async function pickAudit(store: Store, auditId: number | undefined): Promise<TimelineAudit | null> {
	const run = auditId === undefined ? await latestAudit(store) : await getAudit(store, auditId);
	if (!run) {
		if (auditId !== undefined) throw new TimelineError(404, `There is no audit ${auditId}. Leave out ?audit= to mark the findings of the latest audit.`);
		return null;
	}
	if (run.status !== 'done') throw new TimelineError(400, `Audit ${run.audit_id} is ${run.status}, not done: it has no complete findings to mark. Leave out ?audit= to use the latest finished audit.`);
	return run;
}

/**
 * A customer_id with no debt may be a third party contacted about someone's debt (a finding
 * about a call to a third party names the third party): the owner of that debt, when the
 * third party was contacted about it.
 */
export async function debtOwnerForParty(store: Store, partyId: string, accountId: string): Promise<string | null> {
	const [r] = await store.rows<{ customer_id: string }>(querySql('compliance/timeline_party'), { party_id: partyId, account_id: accountId });
	return r?.customer_id ?? null;
}

const CHANNEL_WORD: Record<string, string> = { all: 'every channel', call: 'calls', sms: 'SMS', email: 'email', letter: 'letters', push: 'push', in_app: 'in-app', ringless_voicemail: 'ringless voicemail' };
const hhmm = (t: string | null) => (t ?? '').slice(0, 5);

function preferenceLabel(p: PreferenceRow): string {
	const scope = p.account_id ? `debt ${p.account_id}` : 'every debt';
	const ch = CHANNEL_WORD[p.channel] ?? p.channel;
	switch (p.kind) {
		case 'opt_out':
			return `Opt-out of ${ch} (${scope})`;
		case 'opt_in':
			return `Opt-in to ${ch} (${scope})`;
		case 'cease_communication':
			return `Cease communication (${scope})`;
		case 'consent_to_call':
			return `Consent to call (${scope})`;
		case 'inconvenient_time':
			return `Ruled out ${hhmm(p.local_start)}–${hhmm(p.local_end)} for ${ch} (${scope})`;
		case 'represented_by_attorney':
			return `Represented by an attorney (${scope})`;
		case 'consent_to_time':
			return `Agreed to ${hhmm(p.local_start)}–${hhmm(p.local_end)} for ${ch} (${scope})`;
	}
}

/**
 * When each preference stops being in force: its until_at, or — for an opt-out — the first
 * later opt-in on the same channel (or `all`) whose scope covers it (every debt, or the same debt).
 */
function preferenceEnds(rows: PreferenceRow[]): Map<string, { at: string; date: string; time: string; by: string }> {
	const ends = new Map<string, { at: string; date: string; time: string; by: string }>();
	for (const p of rows) {
		if (p.until_at && p.until_local_date && p.until_local_time) ends.set(p.event_id, { at: p.until_at, date: p.until_local_date, time: p.until_local_time, by: p.kind === 'consent_to_call' ? 'end of the consent' : 'until_at' });
		if (p.kind !== 'opt_out') continue;
		const optIn = rows.find(
			(q) =>
				q.kind === 'opt_in' &&
				q.effective_at > p.effective_at &&
				(q.channel === p.channel || q.channel === 'all') &&
				(q.account_id === null || q.account_id === p.account_id)
		);
		if (optIn && (!p.until_at || optIn.effective_at < p.until_at))
			ends.set(p.event_id, { at: optIn.effective_at, date: optIn.effective_local_date, time: optIn.effective_local_time, by: `opt-in ${optIn.event_id}` });
	}
	return ends;
}

/** the clock ranges a preference covers on one local date (none when it is not in force that day) */
function bandsOn(p: TimelinePreference, date: string): DayBand[] {
	if (p.kind === 'opt_in') return [];
	if (date < p.effective_local.date) return [];
	if (p.ends && date > p.ends.date) return [];
	const start = date === p.effective_local.date ? p.effective_local.minute : 0;
	const end = p.ends && date === p.ends.date ? p.ends.minute : 1440;
	const band = (from: number, to: number): DayBand => ({ event_id: p.event_id, kind: p.kind, channel: p.channel, from_minute: from, to_minute: to, label: p.label });
	if (p.kind === 'inconvenient_time') {
		if (!p.local_start || !p.local_end) return [];
		const a = minuteOf(p.local_start);
		const b = minuteOf(p.local_end);
		const ranges = a <= b ? [[a, b]] : [[0, b], [a, 1440]];
		return ranges
			.map(([x, y]) => [Math.max(x!, start), Math.min(y!, end)] as const)
			.filter(([x, y]) => y > x)
			.map(([x, y]) => band(x, y));
	}
	return end > start ? [band(start, end)] : [];
}

// ---------------------------------------------------------------- the view

export interface TimelineOptions {
	/** the viewer's role: contact points and ids are masked for roles without account-level access */
	role?: Role | null;
	/** the packs to name per debt (default: the packs in force, currentPacks) */
	packs?: readonly PolicyPack[];
	/** "now" for what is in force (default: the clock) */
	now?: Date;
}

/** the timeline of a person, for /compliance/people/[customer_id] */
export async function accountTimeline(store: Store, customerId: string, params: TimelineParams = {}, opts: TimelineOptions = {}): Promise<TimelineView> {
	const t0 = performance.now();
	const auditRun = pickAudit(store, params.audit);
	auditRun.catch(() => {}); // awaited below, after the person is known
	const all = await personAccounts(store, customerId);
	if (!all.length) {
		const owner = params.account ? await debtOwnerForParty(store, customerId, params.account) : null;
		if (owner) throw new TimelinePartyRedirect(owner, customerId);
		throw new TimelineError(404, `No person with customer_id ${customerId} is in the store: no debt (account) names them${params.account ? `, and no contact about debt ${params.account} was with them` : ''}.`);
	}
	let shown = all;
	if (params.account) {
		shown = all.filter((a) => a.account_id === params.account);
		if (!shown.length)
			throw new TimelineError(404, `Debt ${params.account} is not one of ${customerId}'s debts (${all.map((a) => a.account_id).join(', ')}). Leave out ?account= to see them all.`);
	}
	const accountIds = shown.map((a) => a.account_id);
	const zones = shown.map((a) => a.timezone);
	const homeZone = zones[0]!;

	const audit = await auditRun;
	const [contactRows, preferenceRows, findingRows, stored] = await Promise.all([
		store.rows<ContactRow>(querySql('compliance/timeline_contacts'), { account_ids: ids(accountIds), zones: ids(zones) }),
		store.rows<PreferenceRow>(querySql('compliance/timeline_preferences'), { customer_id: customerId, account_ids: ids(accountIds), zones: ids(zones), home_zone: homeZone }),
		audit
			? store.rows<FindingRow>(querySql('compliance/timeline_findings'), { audit_id: audit.audit_id, customer_id: customerId, account_ids: ids(accountIds), whole_person: !params.account })
			: Promise.resolve([] as FindingRow[]),
		opts.packs ? Promise.resolve(opts.packs.map((pack) => ({ pack, version: pack.version }))) : currentPacks(store)
	]);

	const mask = maskFor(opts.role ?? 'compliance');
	const now = opts.now ?? new Date();
	const nowIso = now.toISOString().slice(0, 19) + 'Z';

	// the packs that apply, and the titles of the rules the findings name (in the version the audit used)
	const packs = stored.map((s) => s.pack);
	const versions = new Map(stored.map((s) => [`${s.pack.id}@${s.version}`, s.pack]));
	for (const key of new Set(findingRows.map((f) => `${f.pack_id}@${f.pack_version}`))) {
		if (versions.has(key) || opts.packs) continue;
		const [id, v] = key.split('@');
		const old = await packVersion(store, id!, Number(v));
		if (old) versions.set(key, old.pack);
	}
	const ruleOf = (packId: string, version: number, ruleId: string) =>
		(versions.get(`${packId}@${version}`) ?? packs.find((p) => p.id === packId))?.rules.find((r) => r.id === ruleId);
	const packTitle = (packId: string) => audit?.packs.find((p) => p.pack_id === packId)?.title ?? packs.find((p) => p.id === packId)?.title ?? packId;

	// findings, and which contacts they mark
	const findingsOf = new Map<string, number[]>();
	for (const f of findingRows) for (const id of f.interaction_ids) findingsOf.set(id, [...(findingsOf.get(id) ?? []), f.finding_id]);

	// every contact of the debts shown, with local times
	const allContacts: TimelineContact[] = contactRows.map((r) => ({
		interaction_id: r.interaction_id,
		account_id: r.account_id,
		party_id: mask(r.party_id) ?? '',
		party: r.party,
		channel: r.channel,
		direction: r.direction,
		occurred_at: r.occurred_at,
		outcome: r.outcome,
		outcome_group: OUTCOME_GROUP[r.outcome] ?? 'delivered',
		contact_point: mask(r.contact_point) ?? '',
		template_id: r.template_id,
		tone: r.tone,
		experiment_id: r.experiment_id,
		variant: r.variant,
		agent_id: r.agent_id,
		zone: r.zone,
		zone_abbr: zoneAbbr(r.zone, r.occurred_at),
		local_date: r.local_date,
		local_time: r.local_time,
		local_minute: minuteOf(r.local_time),
		contact_timezone: r.contact_timezone,
		contact_local:
			r.contact_timezone && r.contact_local_date && r.contact_local_time
				? { date: r.contact_local_date, time: r.contact_local_time, zone_abbr: zoneAbbr(r.contact_timezone, r.occurred_at) }
				: null,
		finding_ids: findingsOf.get(r.interaction_id) ?? []
	}));

	// preferences and when each ends
	const ends = preferenceEnds(preferenceRows);
	const preferences: TimelinePreference[] = preferenceRows.map((p) => {
		const end = ends.get(p.event_id);
		return {
			event_id: p.event_id,
			account_id: p.account_id,
			channel: p.channel,
			kind: p.kind,
			zone: p.zone,
			effective_at: p.effective_at,
			effective_local: { date: p.effective_local_date, time: p.effective_local_time, minute: minuteOf(p.effective_local_time), zone_abbr: zoneAbbr(p.zone, p.effective_at) },
			until_at: p.until_at,
			ends: end ? { ...end, minute: minuteOf(end.time), zone_abbr: zoneAbbr(p.zone, end.at) } : null,
			local_start: p.local_start,
			local_end: p.local_end,
			in_force: p.kind !== 'opt_in' && p.effective_at <= nowIso && (!end || end.at > nowIso),
			status: p.kind === 'opt_in' ? 'opt_in' : p.effective_at > nowIso ? 'not_yet' : !end || end.at > nowIso ? 'in_force' : 'ended',
			label: preferenceLabel(p)
		};
	});

	// the date range
	const extent = { first: allContacts[0]?.local_date ?? null, last: allContacts.at(-1)?.local_date ?? null };
	const latestFinding = findingRows.reduce<string | null>((m, f) => (m === null || f.local_date > m ? f.local_date : m), null);
	let from: string;
	let to: string;
	if (params.from || params.to) {
		from = params.from ?? addDays(params.to!, -(DEFAULT_RANGE_DAYS - 1));
		to = params.to ?? addDays(params.from!, DEFAULT_RANGE_DAYS - 1);
	} else {
		const centre = params.date ?? latestFinding;
		if (centre) {
			// centred on the date, but not running past the last thing to show (or the date itself)
			const last = [extent.last, latestFinding, ...preferenceRows.flatMap((p) => [p.effective_local_date, p.until_local_date])].reduce<string>(
				(m, d) => (d && d > m ? d : m),
				centre
			);
			to = addDays(centre, DEFAULT_RANGE_DAYS - 1 - Math.floor(DEFAULT_RANGE_DAYS / 2));
			if (to > last) to = last;
			from = addDays(to, -(DEFAULT_RANGE_DAYS - 1));
		} else {
			to = extent.last ?? now.toISOString().slice(0, 10);
			from = addDays(to, -(DEFAULT_RANGE_DAYS - 1));
		}
	}
	if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw new TimelineError(400, `the range is at most ${MAX_RANGE_DAYS} days`);
	const span = daysBetween(from, to) + 1;
	const inRange = (d: string | null) => d !== null && d >= from && d <= to;

	const contacts = allContacts.filter((c) => inRange(c.local_date));

	// findings, with window lanes (greedy by start date)
	const laneEnds: string[] = [];
	const findings: TimelineFinding[] = findingRows.map((f) => {
		const rule = ruleOf(f.pack_id, f.pack_version, f.rule_id);
		const windowed = f.window_start !== null && f.window_end !== null;
		const visible = windowed ? f.window_end! >= from && f.window_start! <= to : inRange(f.local_date);
		return {
			finding_id: f.finding_id,
			pack_id: f.pack_id,
			pack_version: f.pack_version,
			pack_title: packTitle(f.pack_id),
			rule_id: f.rule_id,
			rule_type: f.rule_type,
			rule_title: rule?.title ?? f.rule_id.replace(/_/g, ' '),
			citation: rule?.citation ?? null,
			kind: f.kind,
			customer_id: mask(f.customer_id) ?? '',
			account_id: f.account_id,
			window_start: f.window_start,
			window_end: f.window_end,
			occurred_at: f.occurred_at,
			local_date: f.local_date,
			channel: f.channel,
			detail: f.detail,
			interaction_ids: f.interaction_ids,
			rule_href: `/compliance/packs/${encodeURIComponent(f.pack_id)}?version=${f.pack_version}#rule-${encodeURIComponent(f.rule_id)}`,
			lane: null,
			in_range: visible
		};
	});
	for (const f of [...findings].filter((f) => f.in_range && f.window_start).sort((a, b) => a.window_start!.localeCompare(b.window_start!) || a.finding_id - b.finding_id)) {
		let lane = laneEnds.findIndex((end) => end < f.window_start!);
		if (lane < 0) lane = laneEnds.length;
		laneEnds[lane] = f.window_end!;
		f.lane = lane;
	}

	// the dates that get a row
	const dates = new Set<string>();
	for (const c of contacts) dates.add(c.local_date);
	for (const f of findings) {
		if (!f.in_range) continue;
		if (inRange(f.local_date)) dates.add(f.local_date);
		if (f.window_start && f.window_end) for (let d = f.window_start < from ? from : f.window_start; d <= f.window_end && d <= to; d = addDays(d, 1)) dates.add(d);
	}
	const changesOn = new Map<string, string[]>();
	const change = (d: string, what: string) => {
		if (!inRange(d)) return;
		dates.add(d);
		changesOn.set(d, [...(changesOn.get(d) ?? []), what]);
	};
	for (const p of preferences) {
		change(p.effective_local.date, `${p.label} from ${hhmm(p.effective_local.time)} ${p.effective_local.zone_abbr}`);
		if (p.ends) change(p.ends.date, `${p.label} ends ${hhmm(p.ends.time)} ${p.ends.zone_abbr}${p.ends.by.startsWith('opt-in') ? ' (opt-in)' : ''}`);
	}
	if (params.date && inRange(params.date)) dates.add(params.date);

	const contactIndex = new Map(contacts.map((c, i) => [c.interaction_id, i]));
	const sorted = [...dates].sort();
	const days: TimelineDay[] = sorted.map((date, k) => ({
		date,
		weekday: weekday(date),
		contacts: contacts.filter((c) => c.local_date === date).map((c) => contactIndex.get(c.interaction_id)!),
		windows: findings
			.filter((f) => f.in_range && f.window_start && f.window_start <= date && f.window_end! >= date)
			.map((f) => ({ finding_id: f.finding_id, lane: f.lane!, first: date === f.window_start, last: date === f.window_end })),
		finding_ids: findings.filter((f) => f.local_date === date).map((f) => f.finding_id),
		bands: preferences.flatMap((p) => bandsOn(p, date)),
		changes: changesOn.get(date) ?? [],
		gap_before: k === 0 ? 0 : daysBetween(sorted[k - 1]!, date) - 1,
		highlighted: date === params.date
	}));

	const accounts: TimelineAccount[] = all.map((a) => ({
		account_id: a.account_id,
		segment: a.segment,
		product: a.product,
		region: a.region,
		timezone: a.timezone,
		zone_abbr: zoneAbbr(a.timezone, now),
		opened_on: a.opened_on,
		closed_on: a.closed_on,
		closed_reason: a.closed_reason,
		vulnerable: a.vulnerable,
		packs: packsFor(packs, a.region, a.locality).map((p) => ({ pack_id: p.id, title: p.title })),
		contacts: allContacts.filter((c) => c.account_id === a.account_id).length,
		findings: findingRows.filter((f) => f.account_id === a.account_id).length
	}));

	const findingsInRange = findings.filter((f) => f.in_range);
	const markedContacts = contacts.filter((c) => c.finding_ids.length).length;
	const outside = contacts.filter((c) => c.local_minute < 8 * 60 || c.local_minute >= 21 * 60).length;
	const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;
	const summary =
		`${plural(contacts.length, 'contact')} on ${plural(days.filter((d) => d.contacts.length).length, 'date')} from ${formatDate(from)} to ${formatDate(to)} ` +
		`(${plural(allContacts.length, 'contact')} in all, ${formatDate(extent.first)} to ${formatDate(extent.last)}); ` +
		`${plural(outside, 'contact')} outside 08:00–21:00 local; ` +
		(audit
			? `${plural(findingsInRange.length, 'finding')} of audit ${audit.audit_id} in the range, marking ${plural(markedContacts, 'contact')}; `
			: 'no audit has run yet, so no findings are marked; ') +
		`${plural(preferences.filter((p) => p.in_force).length, 'preference')} in force now.`;

	return {
		customer_id: customerId,
		accounts,
		account: params.account ?? null,
		party: params.party ?? null,
		audit,
		range: { from, to, days: span, earlier: { from: addDays(from, -span), to: addDays(from, -1) }, later: { from: addDays(to, 1), to: addDays(to, span) } },
		extent,
		highlight: params.date ?? null,
		contacts,
		contacts_total: allContacts.length,
		days,
		preferences,
		findings,
		lanes: laneEnds.length,
		summary,
		ms: Math.round((performance.now() - t0) * 10) / 10
	};
}

/** for npm run bench: one timeline's server time, and what it held */
export async function timelineBench(store: Store, customerId: string, params: TimelineParams = {}): Promise<{ customer_id: string; ms: number; contacts: number; findings: number; days: number }> {
	const t0 = performance.now();
	const v = await accountTimeline(store, customerId, params);
	return { customer_id: customerId, ms: Math.round((performance.now() - t0) * 10) / 10, contacts: v.contacts_total, findings: v.findings.length, days: v.days.length };
}
