/**
 * The cadence check (issue 6, "Checks before launch"): would a planned cadence — contacts a
 * day on one channel, days a week, local hours — break a rule of a policy pack? It reads the
 * same packs the audit does and answers, for each pack and each rule a cadence can decide:
 *
 * - frequency: the worst case of counted contacts in any `window_days` consecutive dates
 *   (contacts a day × the most contact days such a window can hold, which for 7 dates is the
 *   days a week) against the rule's limit, for rules that count the channel;
 * - time_of_day: the planned hours against allowed_from–allowed_until (a contact at exactly
 *   the end is inside);
 * - calls_per_number_per_day: a risk flag when the contacts a day reach the limit;
 * - after_conversation and repeat_unanswered: "depends" when the cadence could break them
 *   (more than one call within the window; several calls a day), with what to do about it.
 *
 * A pack matters only for accounts in its regions: without `regions` a state pack's verdict
 * says "for accounts in US-MA"; with the regions of the population, a pack for none of them is
 * "not applicable". Pure and shared with the browser: no server imports.
 */
import { CHANNEL_WORDS, type Channel } from './message-check.ts';
import type { PolicyPack, PolicyRule } from './packs.ts';

export interface CadencePlan {
	contacts_per_day: number;
	/** 1–7, default 7 */
	days_per_week?: number;
	/** local hours [from, until], 0–24 */
	hours?: readonly [number, number] | readonly number[];
}

export type CadenceVerdict = 'breaks' | 'ok' | 'depends' | 'not_counted' | 'not_applicable';

export interface CadenceFinding {
	pack: string;
	pack_title: string;
	pack_version: number;
	applies_to: 'all' | string[];
	/** the localities within those regions, when the pack names some (accounts.locality) */
	localities?: string[];
	effective_from: string;
	rule: string;
	rule_title: string;
	citation: string;
	type: PolicyRule['type'];
	kind: PolicyRule['kind'];
	verdict: CadenceVerdict;
	/** frequency rules: the worst-case count in the window, and the rule's limit */
	planned: number | null;
	limit: number | null;
	/** the answer in words */
	message: string;
}

export interface CadenceCheck {
	/** false when there is no plan to check (see reason) */
	checked: boolean;
	reason: string | null;
	findings: CadenceFinding[];
	/** what a cadence cannot decide, in words */
	notes: string[];
}

export const KIND_WORDS: Record<PolicyRule['kind'], string> = { presumed_violation: 'presumed violation', violation: 'violation', risk_flag: 'risk flag' };

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
const CONTACT_WORD: Partial<Record<Channel, [string, string]>> = {
	call: ['call', 'calls'],
	sms: ['text message', 'text messages'],
	email: ['e-mail', 'e-mails'],
	letter: ['letter', 'letters'],
	ringless_voicemail: ['ringless voicemail', 'ringless voicemails']
};
const contacts = (n: number, channel: Channel) => {
	const [one, many] = CONTACT_WORD[channel] ?? ['contact', 'contacts'];
	return plural(n, one, many);
};

/** 7.5 -> "07:30", 24 -> "24:00" */
export function hourText(h: number): string {
	const minutes = Math.round(h * 60);
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
/** "08:00" or "08:00:00" -> 8 */
const hoursOf = (t: string) => {
	const [h = 0, m = 0, s = 0] = t.split(':').map(Number);
	return h + m / 60 + s / 3600;
};

/** the most contact days in `window` consecutive dates when `perWeek` dates of every 7 have contacts (they may be consecutive) */
export function worstContactDays(window: number, perWeek: number): number {
	return Math.floor(window / 7) * perWeek + Math.min(perWeek, window % 7);
}

/** "for accounts in US-MA" / "" for a pack that applies everywhere */
const LOCALITY_WORDS: Record<string, string> = { new_york_city: 'New York City' };
/** "for accounts in US-MA"; a pack with localities: "for accounts in New York City (US-NY)" */
export const regionWords = (applies: 'all' | readonly string[], localities?: readonly string[]) =>
	applies === 'all'
		? 'for every account'
		: localities?.length
			? `for accounts in ${localities.map((l) => LOCALITY_WORDS[l] ?? l).join(', ')} (${applies.join(', ')})`
			: `for accounts in ${applies.join(', ')}`;

/** the channels a rule counts, in words */
const channelsWords = (cs: readonly Channel[]) => cs.map((c) => CHANNEL_WORDS[c] ?? c).join(', ');

function noPlanReason(plan: Partial<CadencePlan> | null | undefined, channel: Channel | null | undefined): string | null {
	if (!channel) return 'The cadence cannot be checked: no channel is chosen.';
	if (!plan) return 'The cadence cannot be checked: there is no planned cadence (contacts a day, days a week and hours). Add one to check it against the policy packs.';
	const n = plan.contacts_per_day;
	if (n === undefined || n === null || !Number.isFinite(n)) return 'The cadence cannot be checked: the plan does not say how many contacts a day.';
	if (n < 0 || !Number.isInteger(n)) return `The cadence cannot be checked: contacts a day is a whole number of 0 or more, not ${n}.`;
	const d = plan.days_per_week;
	if (d !== undefined && d !== null && (!Number.isInteger(d) || d < 1 || d > 7)) return `The cadence cannot be checked: days a week is a whole number from 1 to 7, not ${d}.`;
	const h = plan.hours;
	if (h && (h.length !== 2 || h.some((x) => x === null || x === undefined || !Number.isFinite(x) || x < 0 || x > 24)))
		return 'The cadence cannot be checked: the planned hours are two local hours from 0 to 24 (from, until).';
	return null;
}

/**
 * Each pack's rules against a planned cadence of one channel. `regions`: the regions of the
 * accounts the plan is for (ISO 3166-2), when known.
 */
export function checkCadence(plan: Partial<CadencePlan> | null | undefined, channel: Channel | null | undefined, packs: readonly PolicyPack[], regions?: readonly string[] | null): CadenceCheck {
	const reason = noPlanReason(plan, channel);
	if (reason || !plan || !channel) return { checked: false, reason: reason ?? 'The cadence cannot be checked.', findings: [], notes: [] };
	const perDay = plan.contacts_per_day!;
	const perWeek = plan.days_per_week ?? 7;
	const hours = plan.hours && plan.hours.length === 2 ? ([plan.hours[0]!, plan.hours[1]!] as const) : null;
	const planWords = `${contacts(perDay, channel)} a day, ${plural(perWeek, 'day')} a week`;
	const findings: CadenceFinding[] = [];
	const known = regions?.length ? new Set(regions) : null;

	for (const pack of packs) {
		const where = regionWords(pack.applies_to, pack.localities);
		const outside = known && pack.applies_to !== 'all' && !pack.applies_to.some((r) => known.has(r));
		for (const rule of pack.rules) {
			const base = {
				pack: pack.id,
				pack_title: pack.title,
				pack_version: pack.version,
				applies_to: pack.applies_to === 'all' ? ('all' as const) : [...pack.applies_to],
				...(pack.localities?.length ? { localities: [...pack.localities] } : {}),
				effective_from: pack.effective_from,
				rule: rule.id,
				rule_title: rule.title,
				citation: rule.citation,
				type: rule.type,
				kind: rule.kind,
				planned: null,
				limit: null
			};
			if (!['frequency', 'time_of_day', 'calls_per_number_per_day', 'after_conversation', 'repeat_unanswered'].includes(rule.type)) continue;
			const counted = rule.counts.channels.includes(channel);
			if (!counted) {
				findings.push({ ...base, verdict: 'not_counted', message: `${pack.id} ${rule.id} counts ${channelsWords(rule.counts.channels)}, not ${CHANNEL_WORDS[channel]}s.` });
				continue;
			}
			if (outside) {
				findings.push({ ...base, verdict: 'not_applicable', message: `${pack.id} applies to accounts in ${(pack.applies_to as string[]).join(', ')}; the accounts are in ${[...known].join(', ')}.` });
				continue;
			}
			const breaks = (what: string) => `${what.charAt(0).toUpperCase()}${what.slice(1)}: breaks ${pack.id} ${where} (${KIND_WORDS[rule.kind]}).`;
			if (rule.type === 'frequency') {
				const planned = perDay * worstContactDays(rule.window_days, perWeek);
				const limit = rule.limit;
				const window = `${rule.window_days} consecutive ${rule.window_days === 1 ? 'day' : 'days'}`;
				findings.push({
					...base,
					planned,
					limit,
					verdict: planned > limit ? 'breaks' : 'ok',
					message:
						planned > limit
							? breaks(`${planWords} is up to ${contacts(planned, channel)} in ${window}, more than the ${limit} allowed`)
							: `${planWords} is at most ${contacts(planned, channel)} in ${window}; ${pack.id} allows ${limit}${perDay > 0 ? ' (counting every planned contact: calls that do not connect may not count)' : ''}.`
				});
			} else if (rule.type === 'time_of_day') {
				const from = hoursOf(rule.allowed_from);
				const until = hoursOf(rule.allowed_until);
				const allowed = `${rule.allowed_from.slice(0, 5)}–${rule.allowed_until.slice(0, 5)}`;
				if (perDay === 0) findings.push({ ...base, verdict: 'ok', message: 'No contact is planned.' });
				else if (!hours) findings.push({ ...base, verdict: 'depends', message: `No hours are planned: every contact must be between ${allowed} local time at the person's location, in every zone the data points to.` });
				else {
					const [a, b] = hours;
					const wraps = a > b;
					const problems = [wraps ? 'run past midnight' : '', !wraps && a < from ? `start before ${rule.allowed_from.slice(0, 5)}` : '', !wraps && b > until ? `end after ${rule.allowed_until.slice(0, 5)}` : ''].filter(Boolean);
					findings.push({
						...base,
						verdict: problems.length ? 'breaks' : 'ok',
						message: problems.length ? breaks(`the planned hours ${hourText(a)}–${hourText(b)} ${problems.join(' and ')}`) : `The planned hours ${hourText(a)}–${hourText(b)} are inside ${allowed} local time.`
					});
				}
			} else if (rule.type === 'calls_per_number_per_day') {
				const limit = rule.limit ?? Infinity;
				findings.push({
					...base,
					planned: perDay,
					limit: Number.isFinite(limit) ? limit : null,
					verdict: perDay >= limit ? 'breaks' : 'ok',
					message: perDay >= limit ? breaks(`${contacts(perDay, channel)} a day to one number reaches the ${limit} that raises the flag`) : `${contacts(perDay, channel)} a day to one number stays under ${limit}.`
				});
			} else if (rule.type === 'after_conversation') {
				const inWindow = perDay * worstContactDays(rule.window_days, perWeek);
				findings.push({
					...base,
					planned: inWindow,
					limit: null,
					verdict: inWindow > 1 ? 'depends' : 'ok',
					message:
						inWindow > 1
							? `Up to ${contacts(inWindow, channel)} in ${rule.window_days} days: after a conversation about the debt, pause the calls for ${rule.window_days} days (the conversation's date is day 1), or each later call is a ${KIND_WORDS[rule.kind]} of ${pack.id} ${where}.`
							: `At most one call in ${rule.window_days} days: the next call after a conversation falls after the ${rule.window_days}-day window.`
				});
			} else if (rule.type === 'repeat_unanswered') {
				findings.push({
					...base,
					verdict: perDay >= 2 ? 'depends' : 'ok',
					message: perDay >= 2 ? `${contacts(perDay, channel)} a day: space them more than ${rule.minutes ?? 5} minutes apart, or two unanswered ones raise a ${KIND_WORDS[rule.kind]} of ${pack.id}.` : 'One call a day cannot be repeated within minutes.'
				});
			}
		}
	}
	const notes = ['A cadence alone cannot break the opt-out, cease and ruled-out-hours rules: the audit checks each contact against the person’s own preferences.'];
	const several = packs.filter((p) => p.rules.some((r) => r.type === 'frequency' && r.counts.channels.length > 1)).map((p) => p.id);
	if (several.length)
		notes.push(`Each channel is checked on its own, but the frequency rules of ${several.join(', ')} count several channels together: add up the contacts of every message an account gets.`);
	return { checked: true, reason: null, findings, notes };
}

/** the findings that break a rule, those that depend on what happens, and the packs they break */
export function cadenceSummary(c: CadenceCheck): { breaks: CadenceFinding[]; depends: CadenceFinding[]; packs: string[] } {
	const breaks = c.findings.filter((f) => f.verdict === 'breaks');
	return { breaks, depends: c.findings.filter((f) => f.verdict === 'depends'), packs: [...new Set(breaks.map((f) => f.pack))] };
}
