/**
 * What the metrics of catalogue.ts count: the per-episode facts (each episode's days to cure,
 * days to pay, recovery, … as known at the as-of date, from its base columns) and the named
 * counts (numerators and denominators) over episodes, contacts, events and account-weeks.
 * Written once here, through a dialect; sql.ts assembles them into the summary SQL, the raw-table
 * SQL, the breakdowns and the experiments' per-account outcomes. Pure.
 */
import type { Dialect } from './dialect.ts';
import { DIGITAL_CHANNELS, ENGAGEMENT_STAGES, MESSAGE_CHANNELS, REGULATOR_SOURCES, sqlValues, VOICE_CHANNELS } from '../vocabulary.ts';
import type { TimeMeasure } from './catalogue.ts';

/**
 * The base columns of an episode, which each path computes with the joins that suit it (the
 * summary rebuild, the raw-table path, an experiment's units), under these names:
 * - started_on, amount_past_due, closed_on, closed_reason (of its account);
 * - cured_on, charged_off_on: the cure and the charge-off as known at the as-of date (NULL when
 *   later, or none);
 * - conversation_before_cure: an outbound right-party conversation (CONVERSATION below) on a UTC
 *   day from started_on to cured_on (NULL or false: none; an episode not cured has none);
 * - paid_on: the UTC day of the first settled payment on the account on or after started_on and
 *   on or before the as-of date; paid_in_episode: the settled payments from started_on to the
 *   end of the episode (its cure, charge-off or the as-of date); plan_within_30: one of them has
 *   a plan_id and is within 30 days of started_on;
 * - contacted_on: the UTC day of the first outbound contact from started_on to the end of the
 *   episode; paid_after_contact_on: the first settled payment on or after it (≤ the as-of date).
 */
export const EPISODE_BASE_COLUMNS = [
	'started_on',
	'amount_past_due',
	'closed_on',
	'closed_reason',
	'cured_on',
	'charged_off_on',
	'conversation_before_cure',
	'paid_on',
	'paid_in_episode',
	'plan_within_30',
	'contacted_on',
	'paid_after_contact_on'
] as const;

/** an outbound right-party conversation: what self-cure excludes */
export const CONVERSATION = `direction = 'outbound' AND outcome = 'conversation' AND channel IN (${sqlValues(VOICE_CHANNELS)})`;
/** a payment that counts as paid */
export const SETTLED = `status = 'settled'`;

/** the columns of a time to event among the facts */
export const TIME_COLUMNS: Record<TimeMeasure, { t: string; event: string }> = {
	days_to_pay: { t: 'pay_t', event: 'pay_event' },
	time_to_first_contact: { t: 'contact_t', event: 'contact_event' },
	first_contact_to_pay: { t: 'contact_to_pay_t', event: 'contact_to_pay_event' },
	time_to_cure: { t: 'cure_t', event: 'cure_event' }
};

/**
 * The per-episode facts, as SQL expressions over the base columns (prefixed with `b`, e.g.
 * 'b.'), judged at asOf (a date expression). Their names are the columns of the summary table
 * kpi_episodes and of every relation the counts below are taken over.
 */
export function episodeFacts(d: Dialect, asOf: string, b = ''): { name: string; sql: string }[] {
	const c = (x: string) => b + x;
	const payEvent = `(${c('paid_on')} IS NOT NULL AND (${c('charged_off_on')} IS NULL OR ${c('paid_on')} <= ${c('charged_off_on')}))`;
	const contactPayEvent = `(${c('paid_after_contact_on')} IS NOT NULL AND (${c('charged_off_on')} IS NULL OR ${c('paid_after_contact_on')} <= ${c('charged_off_on')}))`;
	return [
		{ name: 'days_to_cure', sql: d.daysBetween(c('started_on'), c('cured_on')) },
		{ name: 'days_to_charge_off', sql: d.daysBetween(c('started_on'), c('charged_off_on')) },
		{ name: 'conversation_before_cure', sql: `coalesce(${c('conversation_before_cure')}, false)` },
		{ name: 'recovered_share', sql: d.toDouble(`least(1, coalesce(${c('paid_in_episode')}, 0) / ${c('amount_past_due')})`) },
		{ name: 'plan_within_30', sql: `coalesce(${c('plan_within_30')}, false)` },
		// days to pay: a payment after a charge-off does not count (censored at the charge-off)
		{ name: 'pay_event', sql: payEvent },
		{ name: 'pay_t', sql: `CASE WHEN ${payEvent} THEN ${d.daysBetween(c('started_on'), c('paid_on'))} ELSE ${d.daysBetween(c('started_on'), `coalesce(${c('charged_off_on')}, ${asOf})`)} END` },
		{ name: 'contact_event', sql: `${c('contacted_on')} IS NOT NULL` },
		{ name: 'contact_t', sql: d.daysBetween(c('started_on'), `coalesce(${c('contacted_on')}, ${c('cured_on')}, ${c('charged_off_on')}, ${asOf})`) },
		// first contact to payment: only the episodes with a first contact
		{ name: 'contact_to_pay_event', sql: `CASE WHEN ${c('contacted_on')} IS NOT NULL THEN ${contactPayEvent} END` },
		{
			name: 'contact_to_pay_t',
			sql: `CASE WHEN ${c('contacted_on')} IS NOT NULL THEN CASE WHEN ${contactPayEvent} THEN ${d.daysBetween(c('contacted_on'), c('paid_after_contact_on'))} ELSE ${d.daysBetween(c('contacted_on'), `coalesce(${c('charged_off_on')}, ${asOf})`)} END END`
		},
		// a charged-off episode never cures: it stays at risk until the as-of date as a non-cure
		{ name: 'cure_event', sql: `${c('cured_on')} IS NOT NULL` },
		{ name: 'cure_t', sql: d.daysBetween(c('started_on'), `coalesce(${c('cured_on')}, ${asOf})`) },
		{ name: 'left_within_180_of_cure', sql: `coalesce(${c('closed_reason')} = 'customer_left' AND ${c('closed_on')} BETWEEN ${c('cured_on')} AND ${d.addDays(c('cured_on'), 180)}, false)` }
	];
}

export type Grain = 'episode' | 'contact' | 'event' | 'account_week';

export interface CountDef {
	grain: Grain;
	doc: string;
	/** its name on a page, for the counts shown as columns (the breakdown) */
	label?: string;
	/** episode counts: the episodes counted, over the facts and `age` (days from the start to the as-of date); null: all */
	where?: string | null;
	/** a sum of this fact instead of a count */
	sum?: string;
	/** a count of the distinct values of this column instead of rows */
	distinct?: string;
}

const mature = (days: number) => `age >= ${days}`;
const DIGITAL = `channel IN (${sqlValues(DIGITAL_CHANNELS)})`;
const MESSAGE = `channel IN (${sqlValues(MESSAGE_CHANNELS)})`;

export const COUNTS = {
	// ------------------------------------------------ episodes started in the period, judged at the as-of date
	episodes: { grain: 'episode', doc: 'episodes started in the period (on or before the as-of date)', where: null },
	mature_30: { grain: 'episode', doc: 'episodes started at least 30 days before the as-of date', label: 'Mature episodes (30 days)', where: mature(30) },
	mature_60: { grain: 'episode', doc: 'episodes started at least 60 days before the as-of date', where: mature(60) },
	mature_90: { grain: 'episode', doc: 'episodes started at least 90 days before the as-of date', where: mature(90) },
	mature_180: { grain: 'episode', doc: 'episodes started at least 180 days before the as-of date', where: mature(180) },
	cured_30: { grain: 'episode', doc: 'mature (30-day) episodes cured within 30 days of the start', where: `${mature(30)} AND days_to_cure <= 30` },
	cured_60: { grain: 'episode', doc: 'mature (60-day) episodes cured within 60 days', where: `${mature(60)} AND days_to_cure <= 60` },
	cured_90: { grain: 'episode', doc: 'mature (90-day) episodes cured within 90 days', where: `${mature(90)} AND days_to_cure <= 90` },
	self_cured_30: {
		grain: 'episode',
		doc: 'mature (30-day) episodes cured within 30 days with no outbound right-party conversation before the cure',
		where: `${mature(30)} AND days_to_cure <= 30 AND NOT conversation_before_cure`
	},
	recovered_share_sum: { grain: 'episode', doc: 'the sum over mature (30-day) episodes of the share of the past-due amount paid in the episode, capped at 1', where: mature(30), sum: 'recovered_share' },
	charged_off_180: { grain: 'episode', doc: 'mature (180-day) episodes charged off within 180 days', where: `${mature(180)} AND days_to_charge_off <= 180` },
	plan_within_30: { grain: 'episode', doc: 'mature (30-day) episodes with a settled plan payment within 30 days', where: `${mature(30)} AND plan_within_30` },
	cured_mature_180: { grain: 'episode', doc: 'episodes cured at least 180 days before the as-of date', where: `days_to_cure IS NOT NULL AND age - days_to_cure >= 180` },
	left_after_cure: {
		grain: 'episode',
		doc: 'of those, the episodes whose account was closed by the customer (customer_left) within 180 days after the cure',
		where: `days_to_cure IS NOT NULL AND age - days_to_cure >= 180 AND left_within_180_of_cure`
	},
	// ------------------------------------------------ outbound contacts made in the period (matching the contact filters)
	accounts_contacted: { grain: 'contact', doc: 'accounts with at least one outbound contact in the period, each once', label: 'Accounts contacted', distinct: 'account_id' },
	outbound_contacts: { grain: 'contact', doc: 'outbound contacts in the period', label: 'Outbound contacts', where: null },
	outbound_calls: { grain: 'contact', doc: 'outbound calls in the period', where: `channel = 'call'` },
	conversations: { grain: 'contact', doc: 'outbound calls with outcome conversation', where: `channel = 'call' AND outcome = 'conversation'` },
	// a digital message has one outcome, its furthest stage, which implies the earlier ones: an
	// opt-out answers a message that arrived, a click implies an open, a reply implies delivery
	// (not a tracked open: SMS has no opens); sent and bounced reach no stage
	// the pressure chart's messages (src/lib/pressure.ts): every written channel, letters too
	messages: { grain: 'contact', doc: 'outbound messages (sms, email, letter, push, in-app)', where: MESSAGE },
	messages_opted_out: { grain: 'contact', doc: 'outbound messages answered by an opt-out (outcome opted_out)', where: `${MESSAGE} AND outcome = 'opted_out'` },
	digital_messages: { grain: 'contact', doc: 'outbound digital messages (sms, email, push, in-app)', where: DIGITAL },
	digital_delivered: { grain: 'contact', doc: 'digital messages delivered (outcome delivered, opened, clicked, replied or opted_out)', where: `${DIGITAL} AND outcome IN ('delivered', 'opened', 'clicked', 'replied', 'opted_out')` },
	digital_opened: { grain: 'contact', doc: 'digital messages opened (outcome opened or clicked)', where: `${DIGITAL} AND outcome IN ('opened', 'clicked')` },
	digital_clicked: { grain: 'contact', doc: 'digital messages clicked', where: `${DIGITAL} AND outcome = 'clicked'` },
	digital_replied: { grain: 'contact', doc: 'digital messages replied to', where: `${DIGITAL} AND outcome = 'replied'` },
	// ------------------------------------------------ events received in the period
	// (over a relation of events with kind 'complaint' or 'opt_out', event_id and source)
	complaints: { grain: 'event', doc: 'complaints received in the period', where: `kind = 'complaint'` },
	complaints_via_regulator: { grain: 'event', doc: 'complaints received through a regulator or an ombudsman', where: `kind = 'complaint' AND source IN (${sqlValues(REGULATOR_SOURCES)})` },
	opt_outs: { grain: 'event', doc: 'opt-out events received in the period (one that covers several of a customer\'s accounts counts once)', where: `kind = 'opt_out'`, distinct: 'event_id' },
	// ------------------------------------------------ account-weeks: calendar weeks that overlap the period, each whole
	account_weeks: { grain: 'account_week', doc: 'account-weeks with at least one outbound contact' },
	account_weeks_over_threshold: { grain: 'account_week', doc: 'account-weeks with more outbound contacts than the threshold (7 by default)' }
} as const satisfies Record<string, CountDef>;

export type CountName = keyof typeof COUNTS;
export const COUNT_NAMES = Object.keys(COUNTS) as CountName[];
export const EPISODE_COUNT_NAMES = COUNT_NAMES.filter((k) => COUNTS[k].grain === 'episode');
export const CONTACT_SUM_NAMES = ['outbound_contacts', 'outbound_calls', 'conversations'] as const satisfies readonly CountName[];
/** the digital messages and the stages they reached (the digital-engagement chart) */
export const ENGAGEMENT_COUNT_NAMES = ['digital_messages', ...ENGAGEMENT_STAGES.map((s) => `digital_${s}` as const)] as const satisfies readonly CountName[];
export const EVENT_COUNT_NAMES = COUNT_NAMES.filter((k) => COUNTS[k].grain === 'event');
