/**
 * Contact-policy packs as data (compliance.md): each pack is a versioned YAML file in
 * policies/<id>.yaml, validated by this zod schema; messages name the file, the field and the
 * problem. A pack applies by the account's region (or everywhere); its rules are frequency
 * limits over a window of local calendar dates, the federal prongs, time-of-day windows and the
 * preference rules. The audit (issue 6) reads packs through loadPacks and records the version
 * of every pack it used. Shared with the browser: no server imports.
 */
import { z } from 'zod';

import { LOCALITIES } from '../contract.ts';
import { CALL_OUTCOMES, CHANNELS, MESSAGE_OUTCOMES, OUTCOMES, PARTIES } from '../vocabulary.ts';

export { CALL_OUTCOMES, CHANNELS, MESSAGE_OUTCOMES, PARTIES };

const kind = z.enum(['presumed_violation', 'violation', 'risk_flag'], { error: 'kind is presumed_violation, violation or risk_flag' });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { error: 'a local time is written HH:MM or HH:MM:SS' });

/** which contacts a rule counts */
const countsSchema = z.object({
	channels: z.array(z.enum(CHANNELS, { error: `channels are ${CHANNELS.join(', ')}` })).min(1, { error: 'name at least one channel' }),
	direction: z.enum(['outbound', 'any']).default('outbound'),
	/** outcomes that do not count (a call that did not connect) */
	exclude_outcomes: z.array(z.enum(OUTCOMES, { error: 'unknown outcome' })).default([]),
	/** parties whose contacts do not count */
	exclude_parties: z.array(z.enum(PARTIES, { error: `parties are ${PARTIES.join(', ')}` })).default([]),
	/** when set, only these outcomes count (e.g. the unanswered calls of a risk flag) */
	only_outcomes: z.array(z.enum(OUTCOMES, { error: 'unknown outcome' })).optional(),
	/** calls to a number found to be a wrong number (any call to it with outcome wrong_number) do not count for the consumer */
	exclude_wrong_numbers: z.boolean().default(false),
	/** calls inside a consent_to_call window the person gave do not count (day of consent = day 1, at most 7 days, ending early at until_at or at a conversation) */
	exclude_consent_windows: z.boolean().default(false)
});

const frequencySchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/, { error: 'a rule id is lower-case letters, digits and _' }),
	type: z.literal('frequency'),
	title: z.string().min(1),
	citation: z.string().min(1, { error: 'every rule cites its source' }),
	kind,
	/** more than `limit` counted contacts within `window_days` consecutive local dates */
	limit: z.number({ error: 'limit is a whole number' }).int({ error: 'limit is a whole number' }).min(0, { error: 'limit is 0 or more' }),
	window_days: z.number({ error: 'window_days is a whole number' }).int({ error: 'window_days is a whole number' }).min(1, { error: 'window_days is at least 1' }).max(31, { error: 'window_days is at most 31' }),
	/** counted per person and debt (Regulation F), per debt, or per contact point */
	per: z.enum(['person_debt', 'debt', 'contact_point']),
	counts: countsSchema
});

const afterConversationSchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.literal('after_conversation'),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** a placed call within `window_days` dates after a conversation (its date is day 1) */
	window_days: z.number({ error: 'window_days is a whole number' }).int({ error: 'window_days is a whole number' }).min(1, { error: 'window_days is at least 1' }).max(31, { error: 'window_days is at most 31' }),
	counts: countsSchema
});

const timeOfDaySchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.literal('time_of_day'),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** the local window in which contact is allowed, in every zone the data points to */
	allowed_from: time,
	allowed_until: time,
	/** a contact inside a local range the person agreed to (contact_preferences kind consent_to_time, 1006.6(b)(1): "absent the prior consent of the consumer") is not a finding */
	except_consented_times: z.boolean().default(false),
	counts: countsSchema
});

const preferenceSchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.enum(['after_opt_out', 'after_cease', 'inconvenient_time']),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** inconvenient_time and after_opt_out: a single reply on the same channel within this many hours of the person's own inbound contact is allowed (after_opt_out without it: none) */
	reply_within_hours: z.number().min(0).max(168).optional(),
	counts: countsSchema
});

/** a counted contact with the person while the collector knows an attorney represents them for the debt (contact_preferences kind represented_by_attorney) */
const attorneySchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.literal('attorney_represented'),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** a single reply on the same channel within this many hours of the person's own inbound contact is allowed (the consumer initiated it) */
	reply_within_hours: z.number().min(0).max(168).optional(),
	counts: countsSchema
});

/** a second counted communication with one third party about the person's location (interactions.purpose location_requested or location_correction: allowed) */
const locationSchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.literal('repeat_location'),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	counts: countsSchema
});

/** a counted report to a credit bureau (interactions.purpose credit_report) about a debt before the collector communicated with the person about it */
const creditReportSchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.literal('report_before_communication'),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** a letter or electronic message counts as communicating once this many days passed with no notice that it could not be delivered (outcome bounced) */
	wait_days: z.number({ error: 'wait_days is a whole number' }).int({ error: 'wait_days is a whole number' }).min(0, { error: 'wait_days is 0 or more' }).max(90, { error: 'wait_days is at most 90' }),
	counts: countsSchema
});

const riskSchema = z.object({
	id: z.string().regex(/^[a-z0-9_]+$/),
	type: z.enum(['repeat_unanswered', 'calls_per_number_per_day']),
	title: z.string().min(1),
	citation: z.string().min(1),
	kind,
	/** repeat_unanswered: two unanswered calls to one contact point within `minutes`; calls_per_number_per_day: `limit` or more */
	minutes: z.number({ error: 'minutes is a whole number' }).int({ error: 'minutes is a whole number' }).min(1, { error: 'minutes is at least 1' }).optional(),
	limit: z.number({ error: 'limit is a whole number' }).int({ error: 'limit is a whole number' }).min(1, { error: 'limit is at least 1' }).optional(),
	counts: countsSchema
});

export const ruleSchema = z.discriminatedUnion('type', [frequencySchema, afterConversationSchema, timeOfDaySchema, preferenceSchema, attorneySchema, locationSchema, creditReportSchema, riskSchema], {
	error:
		'a rule type is frequency, after_conversation, time_of_day, after_opt_out, after_cease, inconvenient_time, attorney_represented, repeat_location, report_before_communication, repeat_unanswered or calls_per_number_per_day'
});
export type PolicyRule = z.infer<typeof ruleSchema>;

export const packSchema = z
	.object({
		id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, { error: 'id is lower-case letters, digits, - or _' }),
		version: z.number({ error: 'version is a whole number' }).int({ error: 'version is a whole number' }).min(1, { error: 'version starts at 1' }),
		title: z.string().min(1, { error: 'title is empty' }),
		/** ISO 3166-2 regions the pack applies to (by the account's region), or 'all' */
		applies_to: z.union([z.literal('all'), z.array(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { error: 'a region is an ISO 3166-2 code like US-MA' })).min(1)]),
		/** when set, the pack applies only to the accounts of its regions in these localities (accounts.locality) */
		localities: z.array(z.enum(LOCALITIES, { error: `localities are ${LOCALITIES.join(', ')}` })).min(1, { error: 'name at least one locality, or leave localities out' }).optional(),
		/** the first date the pack is in force (inclusive) */
		effective_from: z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'effective_from is a date YYYY-MM-DD' })),
		rules: z.array(ruleSchema).min(1, { error: 'a pack has at least one rule' })
	})
	.superRefine((p, ctx) => {
		const seen = new Set<string>();
		p.rules.forEach((r, i) => {
			if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
			seen.add(r.id);
			if (r.type === 'time_of_day' && r.allowed_from >= r.allowed_until) ctx.addIssue({ code: 'custom', path: ['rules', i, 'allowed_until'], message: 'allowed_until must be after allowed_from' });
			if (r.type === 'repeat_unanswered' && r.minutes === undefined) ctx.addIssue({ code: 'custom', path: ['rules', i, 'minutes'], message: 'repeat_unanswered needs minutes' });
			if (r.type === 'calls_per_number_per_day' && r.limit === undefined) ctx.addIssue({ code: 'custom', path: ['rules', i, 'limit'], message: 'calls_per_number_per_day needs limit' });
		});
	});
export type PolicyPack = z.infer<typeof packSchema>;

/** "rules.2.limit: …" — one line per problem, the field first */
export function describePackIssues(error: z.ZodError, file?: string): string[] {
	return error.issues.map((i) => `${file ? file + ': ' : ''}${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`);
}
