/**
 * The account timeline of one person as the page draws it (/compliance/people/[customer_id]):
 * the shapes the server builds (src/lib/server/compliance/timeline.ts) and the components read
 * (src/lib/components/compliance/Timeline*.svelte). Shared with the browser: no server imports.
 */
import type { AuditFinding, AuditRun } from './audit.ts';

/** a contact as timeline_contacts.sql reads it */
export interface ContactRow {
	interaction_id: string;
	account_id: string;
	/** who was contacted: the person, or the third party's id */
	party_id: string;
	party: string;
	channel: string;
	direction: string;
	occurred_at: string;
	outcome: string;
	contact_point: string;
	contact_timezone: string | null;
	template_id: string | null;
	tone: string | null;
	experiment_id: string | null;
	variant: string | null;
	agent_id: string | null;
	/** the zone of the consumer's address (the debt's accounts.timezone) */
	zone: string;
	local_date: string;
	local_time: string;
	offset_minutes: number;
	contact_local_date: string | null;
	contact_local_time: string | null;
	contact_offset_minutes: number | null;
}

export type OutcomeGroup = 'conversation' | 'voicemail' | 'unanswered' | 'not_connected' | 'delivered' | 'engaged' | 'opted_out';

/** the shape of a contact's mark: what became of it, in seven groups */
export const OUTCOME_GROUP: Readonly<Record<string, OutcomeGroup>> = {
	conversation: 'conversation',
	answered_dropped: 'unanswered',
	no_answer: 'unanswered',
	voicemail_left: 'voicemail',
	voicemail_no_message: 'voicemail',
	busy: 'not_connected',
	not_in_service: 'not_connected',
	wrong_number: 'not_connected',
	bounced: 'not_connected',
	sent: 'delivered',
	delivered: 'delivered',
	opened: 'engaged',
	clicked: 'engaged',
	replied: 'engaged',
	opted_out: 'opted_out'
};

export interface TimelineAccount {
	account_id: string;
	segment: string;
	product: string;
	region: string;
	timezone: string;
	/** the zone's abbreviation now (EST/EDT…) */
	zone_abbr: string;
	opened_on: string;
	closed_on: string | null;
	closed_reason: string | null;
	vulnerable: boolean;
	/** the policy packs that apply to the debt's region */
	packs: { pack_id: string; title: string }[];
	contacts: number;
	findings: number;
}

/** a contact as the page shows it: the stored row (ContactRow, below) with its local times worked out */
export interface TimelineContact extends Omit<ContactRow, 'offset_minutes' | 'contact_local_date' | 'contact_local_time' | 'contact_offset_minutes'> {
	outcome_group: OutcomeGroup;
	zone_abbr: string;
	/** minutes since local midnight, 0 ≤ m < 1440 */
	local_minute: number;
	/** set when the contact point implies another zone than the address */
	contact_local: { date: string; time: string; zone_abbr: string } | null;
	/** finding_ids of the audit's findings this contact is part of */
	finding_ids: number[];
}

export type PreferenceKind = 'opt_out' | 'opt_in' | 'cease_communication' | 'consent_to_call' | 'inconvenient_time' | 'represented_by_attorney' | 'consent_to_time';

/** a contact_preferences event as timeline_preferences.sql reads it */
export interface PreferenceEvent {
	event_id: string;
	account_id: string | null;
	channel: string;
	kind: PreferenceKind;
	zone: string;
	effective_at: string;
	until_at: string | null;
	local_start: string | null;
	local_end: string | null;
}

export interface TimelinePreference extends PreferenceEvent {
	effective_local: { date: string; time: string; minute: number; zone_abbr: string };
	/** when it stops being in force: until_at, or the opt-in that ended an opt-out */
	ends: { at: string; date: string; time: string; minute: number; zone_abbr: string; by: string } | null;
	in_force: boolean;
	/** now: in force, ended, not yet in force, or an opt-in (which ends opt-outs) */
	status: 'in_force' | 'ended' | 'not_yet' | 'opt_in';
	/** "Opt-out of SMS (every debt)", "Ruled out 20:00–09:00 for calls" */
	label: string;
}

/** a stored finding (audit.ts) with its pack's and rule's titles and where it is drawn */
export interface TimelineFinding extends Omit<AuditFinding, 'audit_id'> {
	pack_title: string;
	rule_title: string;
	citation: string | null;
	/** where the rule is shown */
	rule_href: string;
	/** the lane of its window bar on the calendar (window findings only) */
	lane: number | null;
	/** in the date range shown */
	in_range: boolean;
}

/** a preference drawn on one date's row, as a clock range */
export interface DayBand {
	event_id: string;
	kind: PreferenceKind;
	channel: string;
	from_minute: number;
	to_minute: number;
	label: string;
}

export interface TimelineDay {
	date: string;
	/** "Mon" */
	weekday: string;
	/** contacts of the date, by position in TimelineView.contacts */
	contacts: number[];
	/** window findings that cover the date: their lane and whether the date starts or ends the window */
	windows: { finding_id: number; lane: number; first: boolean; last: boolean }[];
	/** findings dated that day */
	finding_ids: number[];
	bands: DayBand[];
	/** preference events that start or end that day */
	changes: string[];
	/** days left out before this row (no contacts, findings or changes) */
	gap_before: number;
	highlighted: boolean;
}

export type TimelineAudit = AuditRun;

export interface TimelineView {
	customer_id: string;
	accounts: TimelineAccount[];
	/** the one debt shown (?account=), or null for every debt */
	account: string | null;
	/** the party (e.g. a third party) whose finding led here, when it is not the person */
	party: string | null;
	audit: TimelineAudit | null;
	range: { from: string; to: string; days: number; earlier: { from: string; to: string }; later: { from: string; to: string } };
	/** first and last local date with a contact, across the debts shown */
	extent: { first: string | null; last: string | null };
	highlight: string | null;
	/** contacts in the range, oldest first */
	contacts: TimelineContact[];
	contacts_total: number;
	days: TimelineDay[];
	preferences: TimelinePreference[];
	findings: TimelineFinding[];
	lanes: number;
	/** a sentence for the calendar's text summary */
	summary: string;
	/** server time of the whole build, ms */
	ms: number;
}
