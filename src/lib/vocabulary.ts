/**
 * The vocabularies of the data contract, each with its labels, defined once: the contract
 * (contract.ts), the metric catalogue (metrics/), the filters, the experiment and policy-pack
 * schemas, the demo data and the pages all read these lists. Shared by server and browser.
 */

/** a list of values with a label each, in the order the product shows them */
function vocabulary<const T extends readonly string[]>(values: T, labels: Record<T[number], string>) {
	return { values, labels, label: (v: string) => (labels as Record<string, string>)[v] ?? v };
}

export const SEGMENT = vocabulary(['retail', 'sme', 'corporate'] as const, { retail: 'Retail', sme: 'SME', corporate: 'Corporate' });
export const SEGMENTS = SEGMENT.values;
export type Segment = (typeof SEGMENTS)[number];

/** products are free text in the contract; these are the usual ones (and the demo's) */
export const PRODUCT = vocabulary(['card', 'personal_loan', 'auto', 'utility', 'telecom'] as const, {
	card: 'Card',
	personal_loan: 'Personal loan',
	auto: 'Auto',
	utility: 'Utility',
	telecom: 'Telecom'
});

export const CHANNEL = vocabulary(['call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail'] as const, {
	call: 'Call',
	sms: 'SMS',
	email: 'Email',
	letter: 'Letter',
	push: 'Push',
	in_app: 'In-app',
	ringless_voicemail: 'Ringless voicemail'
});
export const CHANNELS = CHANNEL.values;
export type Channel = (typeof CHANNELS)[number];
/** the channels that carry a written message (an opt-out per 1,000 messages counts these) */
export const MESSAGE_CHANNELS = ['sms', 'email', 'letter', 'push', 'in_app'] as const satisfies readonly Channel[];
/** the message channels whose delivery, opens, clicks and replies are tracked */
export const DIGITAL_CHANNELS = ['sms', 'email', 'push', 'in_app'] as const satisfies readonly Channel[];
/** the order the pages list channels in: voice first, then messages by how often they are sent */
export const CHANNEL_DISPLAY_ORDER = ['call', 'ringless_voicemail', 'sms', 'email', 'letter', 'push', 'in_app'] as const satisfies readonly Channel[];
/** the stages of a digital message, each implying the ones before (sent and bounced reach none) */
export const ENGAGEMENT_STAGES = ['delivered', 'opened', 'clicked', 'replied'] as const;
/** the channels on which a right-party conversation can happen */
export const VOICE_CHANNELS = ['call', 'ringless_voicemail'] as const satisfies readonly Channel[];

export const TONE = vocabulary(['supportive', 'neutral', 'firm'] as const, { supportive: 'Supportive', neutral: 'Neutral', firm: 'Firm' });
export const TONES = TONE.values;
export type Tone = (typeof TONES)[number];

export const DIRECTIONS = ['outbound', 'inbound'] as const;
export const PARTY = vocabulary(['consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau'] as const, {
	consumer: 'Consumer',
	third_party: 'Third party',
	consumer_attorney: "Consumer's attorney",
	creditor: 'Creditor',
	credit_bureau: 'Credit bureau'
});
export const PARTIES = PARTY.values;

export const CALL_OUTCOMES = ['no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message', 'answered_dropped', 'conversation', 'wrong_number'] as const;
export const MESSAGE_OUTCOMES = ['sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out'] as const;
export const OUTCOMES = [...CALL_OUTCOMES, ...MESSAGE_OUTCOMES] as const;

export const COMPLAINT_CATEGORY = vocabulary(['contact_frequency', 'tone_or_harassment', 'time_of_contact', 'billing_dispute', 'privacy', 'other'] as const, {
	contact_frequency: 'Contact frequency',
	tone_or_harassment: 'Tone or harassment',
	time_of_contact: 'Time of contact',
	billing_dispute: 'Billing dispute',
	privacy: 'Privacy',
	other: 'Other'
});
export const COMPLAINT_CATEGORIES = COMPLAINT_CATEGORY.values;
/** the categories' short labels, for a chart's legend */
export const COMPLAINT_CATEGORY_SHORT: Record<(typeof COMPLAINT_CATEGORIES)[number], string> = {
	contact_frequency: 'Frequency',
	tone_or_harassment: 'Tone, harassment',
	time_of_contact: 'Time of day',
	billing_dispute: 'Billing',
	privacy: 'Privacy',
	other: 'Other'
};
export const COMPLAINT_SOURCE = vocabulary(['phone', 'email', 'web', 'letter', 'regulator', 'ombudsman'] as const, {
	phone: 'Phone',
	email: 'Email',
	web: 'Web',
	letter: 'Letter',
	regulator: 'Regulator',
	ombudsman: 'Ombudsman'
});
export const COMPLAINT_SOURCES = COMPLAINT_SOURCE.values;
/** the sources that mean the complaint went through a regulator or an ombudsman */
export const REGULATOR_SOURCES = ['regulator', 'ombudsman'] as const satisfies readonly (typeof COMPLAINT_SOURCES)[number][];
export const SEVERITIES = ['low', 'medium', 'high'] as const;

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'direct_debit', 'check', 'cash', 'other'] as const;
export const PAYMENT_STATUSES = ['settled', 'reversed'] as const;
export const CLOSED_REASONS = ['customer_left', 'paid_off', 'charged_off', 'other'] as const;
export const PREFERENCE_CHANNELS = ['call', 'sms', 'email', 'letter', 'all'] as const;
/** represented_by_attorney: the collector learned the person has an attorney for the debt (12 CFR 1006.6(b)(2));
 * consent_to_time: the person agreed to be contacted in a local time range otherwise inconvenient (1006.6(b)(1)) */
export const PREFERENCE_KINDS = ['opt_out', 'opt_in', 'cease_communication', 'consent_to_call', 'inconvenient_time', 'represented_by_attorney', 'consent_to_time'] as const;
/** what a contact was for, when the export says (interactions.purpose): the Regulation F rules read it (docs/compliance-regf-more.md) */
export const INTERACTION_PURPOSE = vocabulary(
	['location', 'location_requested', 'location_correction', 'opt_out_confirmation', 'cease_termination_notice', 'cease_remedy_notice', 'cease_remedy_invoked', 'credit_report'] as const,
	{
		location: 'Location inquiry',
		location_requested: 'Location inquiry the person asked for',
		location_correction: 'Location inquiry after a wrong or incomplete answer',
		opt_out_confirmation: 'Confirmation of an opt-out',
		cease_termination_notice: 'Notice that collection efforts end',
		cease_remedy_notice: 'Notice of remedies that may be invoked',
		cease_remedy_invoked: 'Notice that a remedy is invoked',
		credit_report: 'Report to a credit bureau'
	}
);
export const INTERACTION_PURPOSES = INTERACTION_PURPOSE.values;

/** the days-past-due buckets of the roll-rate matrix, then the two ends of an episode */
export const DPD_BUCKETS = ['1–29', '30–59', '60–89', '90–119', '120+'] as const;
export const EPISODE_ENDS = vocabulary(['charged_off', 'cured'] as const, { charged_off: 'Charged off', cured: 'Cured' });

/** the Overview's filters and what they select */
export const ACCOUNT_FILTERS = ['segment', 'product', 'region', 'vulnerable', 'experiment', 'arm'] as const;
export const CONTACT_FILTERS = ['channel', 'tone', 'template', 'agent'] as const;
export const FILTER_KEYS = [...ACCOUNT_FILTERS.slice(0, 4), ...CONTACT_FILTERS, 'experiment', 'arm'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const FILTER_LABELS: Record<FilterKey, string> = {
	segment: 'Segment',
	product: 'Product',
	region: 'Region',
	vulnerable: 'Vulnerable',
	channel: 'Channel',
	tone: 'Tone',
	template: 'Template',
	agent: 'Agent',
	experiment: 'Experiment',
	arm: 'Arm'
};

/** SQL list literal of a vocabulary's values, for generated SQL (the values are constants of this file) */
export const sqlValues = (xs: readonly string[]) => xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ');

/**
 * An id as words, for a value no vocabulary lists (an arm, an experiment metric's key, a detail
 * of a trail record): daily_call → "Daily call", max_rows → "Max rows". Never the raw id.
 */
export function humanize(id: string): string {
	const s = id.replace(/[_.]+/g, ' ').replace(/\s+/g, ' ').trim();
	return s ? s.charAt(0).toUpperCase() + s.slice(1) : id;
}

export const OUTCOME = vocabulary(OUTCOMES, {
	no_answer: 'No answer',
	busy: 'Busy',
	not_in_service: 'Not in service',
	voicemail_left: 'Voicemail left',
	voicemail_no_message: 'Voicemail, no message',
	answered_dropped: 'Answered, dropped',
	conversation: 'Conversation',
	wrong_number: 'Wrong number',
	sent: 'Sent',
	delivered: 'Delivered',
	bounced: 'Bounced',
	opened: 'Opened',
	clicked: 'Clicked',
	replied: 'Replied',
	opted_out: 'Opted out'
});

/** the kinds of a compliance finding */
export const FINDING_KIND = vocabulary(['presumed_violation', 'violation', 'risk_flag'] as const, {
	presumed_violation: 'Presumed violation',
	violation: 'Violation',
	risk_flag: 'Risk flag'
});

/** the kinds of an experiment's guardrail, and what a breach of each means in words */
export const GUARDRAIL_KIND = vocabulary(['harm', 'non_inferiority', 'hard_limit'] as const, {
	harm: 'Harm',
	non_inferiority: 'Non-inferiority margin',
	hard_limit: 'Hard limit'
});
export const GUARDRAIL_BREACH: Record<(typeof GUARDRAIL_KIND.values)[number], string> = {
	harm: 'is clearly worse than in the control group',
	non_inferiority: 'is worse than in the control group by more than the experiment allows',
	hard_limit: 'went over the limit the experiment set'
};

/** the roles, as the pages name them */
export const ROLE = vocabulary(['leadership', 'strategist', 'compliance', 'admin'] as const, {
	leadership: 'Leadership',
	strategist: 'Strategist',
	compliance: 'Compliance officer',
	admin: 'Administrator'
});

/** what a record of the trail says was done */
export const TRAIL_ACTION = vocabulary(
	[
		'sign_in',
		'sign_in_failed',
		'sign_out',
		'import',
		'export',
		'view',
		'user_added',
		'user_password_reset',
		'user_disabled',
		'user_enabled',
		'demo_users_reset',
		'cli_command',
		'cli_command_refused',
		'experiment.draft_saved',
		'experiment.launch',
		'experiment.stop',
		'experiment.conclude',
		'alert.acknowledge',
		'compliance.audit_run',
		'policy_pack.save',
		'trail_keyed',
		'trail_checkpoint'
	] as const,
	{
		sign_in: 'Signed in',
		sign_in_failed: 'Sign-in failed',
		sign_out: 'Signed out',
		import: 'Imported data',
		export: 'Exported',
		view: 'Viewed',
		user_added: 'Added a user',
		user_password_reset: 'Reset a password',
		user_disabled: 'Disabled a user',
		user_enabled: 'Enabled a user',
		demo_users_reset: 'Reset the demo users',
		cli_command: 'Ran a command',
		cli_command_refused: 'Command refused',
		'experiment.draft_saved': 'Saved an experiment draft',
		'experiment.launch': 'Launched an experiment',
		'experiment.stop': 'Stopped an experiment',
		'experiment.conclude': 'Concluded an experiment',
		'alert.acknowledge': 'Acknowledged an alert',
		'compliance.audit_run': 'Ran the compliance audit',
		'policy_pack.save': 'Saved a contact-policy pack',
		trail_keyed: 'Keyed the trail',
		trail_checkpoint: 'Signed a trail checkpoint'
	}
);
/** an action's label; an action no list knows yet as words, never its raw id */
/** a value of a filter or breakdown dimension as the pages show it (personal_loan: Personal loan; a region code as it is) */
export function dimensionValueLabel(dimension: string, value: string): string {
	if (!value) return '(none)';
	switch (dimension) {
		case 'segment': return SEGMENT.label(value);
		case 'product': return PRODUCT.label(value);
		case 'channel': return CHANNEL.label(value);
		case 'tone': return TONE.label(value);
		default: return value;
	}
}

export const actionLabel = (a: string) => (TRAIL_ACTION.labels as Record<string, string>)[a] ?? humanize(a);

/** the shape of a contact-policy pack that its labels come from (its own title and its rules' titles) */
export interface LabelledPack {
	id: string;
	title: string;
	rules: readonly { id: string; title: string }[];
}

/** a pack's short name: its title without a trailing parenthesis ("Regulation F (12 CFR part 1006)" → "Regulation F") */
export const packShortTitle = (title: string) => title.replace(/\s*\([^)]*\)\s*$/, '').trim() || title;

/**
 * The labels of packs and rules, from the packs' own titles (one source: the pack files and the
 * packs saved in the product). An id no pack knows (a pack since removed) becomes words.
 */
export function packLabels(packs: readonly LabelledPack[]) {
	const byPack = new Map(packs.map((p) => [p.id, p]));
	return {
		pack: (id: string) => {
			const p = byPack.get(id);
			return p ? packShortTitle(p.title) : humanize(id);
		},
		rule: (packId: string, ruleId: string) => byPack.get(packId)?.rules.find((r) => r.id === ruleId)?.title ?? humanize(ruleId)
	};
}
