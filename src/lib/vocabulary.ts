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
export const PREFERENCE_KINDS = ['opt_out', 'opt_in', 'cease_communication', 'consent_to_call', 'inconvenient_time'] as const;

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
