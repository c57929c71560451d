/**
 * The data contract (../shared/spec/data-contract.md) as data: one catalogue that the
 * importer turns into SQL checks, the migrations are tested against, and docs/data-contract.md's
 * export-format section is generated from (`npm run docs`), so the three cannot drift.
 *
 * Shared by server and browser: no I/O here.
 */
import { z } from 'zod';
import {
	CALL_OUTCOMES,
	CHANNELS,
	CLOSED_REASONS,
	COMPLAINT_CATEGORIES,
	COMPLAINT_SOURCES,
	DIRECTIONS,
	INTERACTION_PURPOSES,
	MESSAGE_CHANNELS,
	MESSAGE_OUTCOMES,
	PARTIES,
	PAYMENT_METHODS,
	PAYMENT_STATUSES,
	PREFERENCE_CHANNELS,
	PREFERENCE_KINDS,
	SEGMENTS,
	SEVERITIES,
	TONES
} from './vocabulary.ts';

export const columnTypes = [
	'text',
	'enum',
	'date',
	'timestamptz',
	'decimal',
	'int',
	'bool',
	'time',
	'timezone',
	'region',
	'currency'
] as const;
export type ColumnType = (typeof columnTypes)[number];

const columnSchema = z
	.object({
		name: z.string().regex(/^[a-z][a-z0-9_]*$/),
		type: z.enum(columnTypes),
		/** false: the column may be empty or left out of a file */
		required: z.boolean(),
		/** SQL literal used when the column is empty or missing */
		default: z.string().optional(),
		values: z.array(z.string()).optional(),
		min: z.number().optional(),
		max: z.number().optional(),
		/** value must be strictly greater than this */
		greaterThan: z.number().optional(),
		doc: z.string()
	})
	.refine((c) => c.type !== 'enum' || (c.values?.length ?? 0) > 0, {
		message: 'an enum column needs values'
	});
export type Column = z.infer<typeof columnSchema>;

const rowRuleSchema = z.object({
	/** SQL over the typed columns (and `ref_*` columns of referenced rows); true = the row breaks the rule */
	broken: z.string(),
	/** SQL expression giving the plain-words reason */
	message: z.string(),
	doc: z.string()
});
export type RowRule = z.infer<typeof rowRuleSchema>;

const referenceSchema = z.object({
	column: z.string(),
	table: z.string(),
	key: z.string(),
	/** false: an empty value is allowed and not looked up */
	required: z.boolean(),
	/** columns of the referenced row made available to row rules as ref_<name> */
	expose: z.array(z.string()).default([])
});

const tableSchema = z.object({
	name: z.string().regex(/^[a-z_]+$/),
	doc: z.string(),
	primaryKey: z.array(z.string()).min(1),
	columns: z.array(columnSchema).min(1),
	references: z.array(referenceSchema).default([]),
	rules: z.array(rowRuleSchema).default([]),
	/** written by the product (experiment launch), but importable */
	productWritten: z.boolean().default(false)
});
export type TableDef = z.infer<typeof tableSchema>;

/** cities or counties with debt-collection rules of their own (accounts.locality; a pack's localities) */
export const LOCALITIES = ['new_york_city'] as const;

const callOutcomes: readonly string[] = CALL_OUTCOMES;
const messageOutcomes: readonly string[] = MESSAGE_OUTCOMES;
export { CALL_OUTCOMES, MESSAGE_OUTCOMES };

const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

const tables = z.array(tableSchema).parse([
	{
		name: 'accounts',
		doc: 'one row per debt',
		primaryKey: ['account_id'],
		columns: [
			{ name: 'account_id', type: 'text', required: true, doc: 'primary key; the debt' },
			{ name: 'customer_id', type: 'text', required: true, doc: 'the person who owes it; one person may have several accounts' },
			{ name: 'segment', type: 'enum', required: true, values: [...SEGMENTS], doc: 'customer segment' },
			{ name: 'product', type: 'text', required: true, doc: 'e.g. card, personal_loan, auto, utility, telecom' },
			{ name: 'region', type: 'region', required: true, doc: 'ISO 3166-2 subdivision, e.g. US-MA, US-NY, GB-ENG' },
			{ name: 'timezone', type: 'timezone', required: true, doc: "IANA zone of the customer's address, e.g. America/New_York" },
			{ name: 'opened_on', type: 'date', required: true, doc: 'the day the account was opened' },
			{ name: 'currency', type: 'currency', required: false, default: "'USD'", doc: 'ISO 4217 code' },
			{ name: 'risk_score', type: 'int', required: false, min: 0, max: 1000, doc: 'risk score' },
			{ name: 'vulnerable', type: 'bool', required: false, default: 'false', doc: 'customer flagged as vulnerable (hardship, health, bereavement)' },
			{ name: 'closed_on', type: 'date', required: false, doc: 'the day the account was closed' },
			{ name: 'closed_reason', type: 'enum', required: false, values: [...CLOSED_REASONS], doc: 'set when closed_on is' },
			{
				name: 'locality',
				type: 'enum',
				required: false,
				values: [...LOCALITIES],
				doc: "a city or county with debt-collection rules of its own where the customer lives: new_york_city (one of the five boroughs) for the New York City pack; empty for none"
			}
		],
		rules: [
			{
				broken: 'closed_on IS NOT NULL AND closed_reason IS NULL',
				message: `'closed_reason is missing: it must be set when closed_on is (' || strftime(closed_on, '%Y-%m-%d') || ')'`,
				doc: 'closed_reason is set when closed_on is'
			},
			{
				broken: 'closed_on IS NULL AND closed_reason IS NOT NULL',
				message: `'closed_reason "' || closed_reason || '" is set but closed_on is empty'`,
				doc: 'closed_reason is only set together with closed_on'
			},
			{
				broken: `locality = 'new_york_city' AND region <> 'US-NY'`,
				message: `'locality new_york_city is in US-NY, but region is ' || region`,
				doc: 'locality new_york_city goes with region US-NY'
			},
			{
				broken: 'closed_on IS NOT NULL AND opened_on IS NOT NULL AND closed_on < opened_on',
				message: `'closed_on ' || strftime(closed_on, '%Y-%m-%d') || ' is before opened_on ' || strftime(opened_on, '%Y-%m-%d')`,
				doc: 'closed_on is not before opened_on'
			}
		]
	},
	{
		name: 'delinquencies',
		doc: 'one row per episode of being past due',
		primaryKey: ['episode_id'],
		columns: [
			{ name: 'episode_id', type: 'text', required: true, doc: 'primary key' },
			{ name: 'account_id', type: 'text', required: true, doc: 'must exist in accounts' },
			{ name: 'started_on', type: 'date', required: true, doc: 'first missed due date' },
			{ name: 'amount_past_due', type: 'decimal', required: true, greaterThan: 0, doc: 'past-due amount at the start, > 0' },
			{ name: 'cured_on', type: 'date', required: false, doc: 'the day the past-due amount reached zero; ≥ started_on' },
			{ name: 'charged_off_on', type: 'date', required: false, doc: '≥ started_on; an episode cannot be both cured and charged off' }
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: true, expose: [] }],
		rules: [
			{
				broken: 'cured_on < started_on',
				message: `'cured_on ' || strftime(cured_on, '%Y-%m-%d') || ' is before started_on ' || strftime(started_on, '%Y-%m-%d')`,
				doc: 'cured_on ≥ started_on'
			},
			{
				broken: 'charged_off_on < started_on',
				message: `'charged_off_on ' || strftime(charged_off_on, '%Y-%m-%d') || ' is before started_on ' || strftime(started_on, '%Y-%m-%d')`,
				doc: 'charged_off_on ≥ started_on'
			},
			{
				broken: 'cured_on IS NOT NULL AND charged_off_on IS NOT NULL',
				message: `'the episode is both cured (' || strftime(cured_on, '%Y-%m-%d') || ') and charged off (' || strftime(charged_off_on, '%Y-%m-%d') || ')'`,
				doc: 'an episode cannot be both cured and charged off'
			}
		]
	},
	{
		name: 'interactions',
		doc: 'one row per contact or contact attempt',
		primaryKey: ['interaction_id'],
		columns: [
			{ name: 'interaction_id', type: 'text', required: true, doc: 'primary key' },
			{ name: 'account_id', type: 'text', required: true, doc: 'the debt the contact was about; must exist' },
			{ name: 'customer_id', type: 'text', required: true, doc: "the person; must match the account's customer unless party ≠ consumer" },
			{ name: 'party', type: 'enum', required: true, values: [...PARTIES], doc: 'who was contacted' },
			{ name: 'channel', type: 'enum', required: true, values: [...CHANNELS], doc: 'contact channel' },
			{ name: 'direction', type: 'enum', required: true, values: [...DIRECTIONS], doc: 'outbound or inbound' },
			{ name: 'occurred_at', type: 'timestamptz', required: true, doc: 'start of the call, or the moment a message was sent' },
			{ name: 'outcome', type: 'enum', required: true, values: [...callOutcomes, ...messageOutcomes], doc: `calls: ${callOutcomes.join(', ')}; messages: ${messageOutcomes.join(', ')}` },
			{ name: 'contact_point', type: 'text', required: true, doc: 'the phone number or address used, hashed or masked by the exporter (a hash of the whole number is best: the risk flags count a number across people, and numbers masked alike count as one)' },
			{ name: 'contact_timezone', type: 'timezone', required: false, doc: "IANA zone implied by the contact point (e.g. a phone's area code)" },
			{ name: 'template_id', type: 'text', required: false, doc: 'the message or script used' },
			{ name: 'tone', type: 'enum', required: false, values: [...TONES], doc: 'tone of the message or script' },
			{ name: 'experiment_id', type: 'text', required: false, doc: 'set when the contact was sent under an experiment' },
			{ name: 'variant', type: 'text', required: false, doc: 'the experiment arm' },
			{ name: 'agent_id', type: 'text', required: false, doc: 'the collector or system that made the contact' },
			{
				name: 'purpose',
				type: 'enum',
				required: false,
				values: [...INTERACTION_PURPOSES],
				doc:
					'what the contact was for, when it is one of these (empty for an ordinary collection contact): location (asking a third party where the consumer is), location_requested (that person asked to be contacted again), location_correction (the earlier answer was believed wrong or incomplete), opt_out_confirmation, cease_termination_notice, cease_remedy_notice, cease_remedy_invoked (the notices allowed after a cease request), credit_report (information about the debt furnished to a credit bureau; party credit_bureau)'
			}
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: true, expose: ['customer_id'] }],
		rules: [
			{
				broken: `party = 'consumer' AND ref_customer_id IS NOT NULL AND customer_id <> ref_customer_id`,
				message: `'customer_id "' || customer_id || '" is not the customer of account "' || account_id || '" ("' || ref_customer_id || '") although party is consumer'`,
				doc: "customer_id matches the account's customer when party is consumer"
			},
			{
				broken: `channel = 'call' AND outcome IN (${sqlList(messageOutcomes)})`,
				message: `'outcome "' || outcome || '" is a message outcome, but channel is call'`,
				doc: 'a call has a call outcome'
			},
			{
				broken: `channel IN (${sqlList(MESSAGE_CHANNELS)}) AND outcome IN (${sqlList(callOutcomes)})`,
				message: `'outcome "' || outcome || '" is a call outcome, but channel is ' || channel`,
				doc: 'a message (sms, email, letter, push, in_app) has a message outcome; ringless_voicemail may have either'
			},
			{
				broken: `experiment_id IS NULL AND variant IS NOT NULL`,
				message: `'variant "' || variant || '" is set but experiment_id is empty'`,
				doc: 'variant is only set together with experiment_id'
			}
		]
	},
	{
		name: 'payments',
		doc: 'one row per payment',
		primaryKey: ['payment_id'],
		columns: [
			{ name: 'payment_id', type: 'text', required: true, doc: 'primary key' },
			{ name: 'account_id', type: 'text', required: true, doc: 'must exist' },
			{ name: 'paid_at', type: 'timestamptz', required: true, doc: 'when the payment was made' },
			{ name: 'amount', type: 'decimal', required: true, greaterThan: 0, doc: '> 0' },
			{ name: 'method', type: 'enum', required: true, values: [...PAYMENT_METHODS], doc: 'payment method' },
			{ name: 'status', type: 'enum', required: true, values: [...PAYMENT_STATUSES], doc: 'a reversed payment counts as not paid' },
			{ name: 'plan_id', type: 'text', required: false, doc: 'set when the payment belongs to a payment plan' }
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: true, expose: [] }]
	},
	{
		name: 'complaints',
		doc: 'one row per complaint',
		primaryKey: ['complaint_id'],
		columns: [
			{ name: 'complaint_id', type: 'text', required: true, doc: 'primary key' },
			{ name: 'account_id', type: 'text', required: true, doc: 'must exist' },
			{ name: 'received_at', type: 'timestamptz', required: true, doc: 'when the complaint was received' },
			{ name: 'category', type: 'enum', required: true, values: [...COMPLAINT_CATEGORIES], doc: 'complaint category' },
			{ name: 'source', type: 'enum', required: true, values: [...COMPLAINT_SOURCES], doc: 'how it arrived' },
			{ name: 'severity', type: 'enum', required: true, values: [...SEVERITIES], doc: 'severity' }
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: true, expose: [] }]
	},
	{
		name: 'contact_preferences',
		doc: 'what the person asked for, as events over time',
		primaryKey: ['event_id'],
		columns: [
			{ name: 'event_id', type: 'text', required: true, doc: 'primary key' },
			{ name: 'customer_id', type: 'text', required: true, doc: 'the person' },
			{ name: 'account_id', type: 'text', required: false, doc: 'empty means every debt of that person; when set, must exist and belong to customer_id' },
			{ name: 'channel', type: 'enum', required: true, values: [...PREFERENCE_CHANNELS], doc: 'channel the request covers' },
			{
				name: 'kind',
				type: 'enum',
				required: true,
				values: [...PREFERENCE_KINDS],
				doc: 'kind of request; represented_by_attorney: from effective_at the collector knows the person has an attorney for the debt (or every debt when account_id is empty) and how to reach them, use channel all; consent_to_time: the person agreed to be contacted between local_start and local_end although that is otherwise an inconvenient time'
			},
			{ name: 'effective_at', type: 'timestamptz', required: true, doc: 'when the request was received' },
			{
				name: 'until_at',
				type: 'timestamptz',
				required: false,
				doc: 'end of a consent_to_call window, a temporary opt-out, a consent_to_time, or a represented_by_attorney (the attorney consented to direct contact, stopped representing the person, or did not answer within a reasonable time)'
			},
			{
				name: 'local_start',
				type: 'time',
				required: false,
				doc: 'for inconvenient_time: start of the local clock range the person ruled out (equal to local_end: the person withdraws the ranges ruled out before for that channel and debt); for consent_to_time: start of the local range the person agreed to'
			},
			{ name: 'local_end', type: 'time', required: false, doc: 'for inconvenient_time and consent_to_time: end of that range' }
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: false, expose: ['customer_id'] }],
		rules: [
			{
				broken: 'until_at IS NOT NULL AND until_at < effective_at',
				message: `'until_at ' || strftime(until_at, '%Y-%m-%dT%H:%M:%SZ') || ' is before effective_at ' || strftime(effective_at, '%Y-%m-%dT%H:%M:%SZ')`,
				doc: 'until_at ≥ effective_at'
			},
			{
				broken: `kind = 'inconvenient_time' AND (local_start IS NULL OR local_end IS NULL)`,
				message: `'local_start and local_end are both needed for an inconvenient_time event'`,
				doc: 'an inconvenient_time event has local_start and local_end'
			},
			{
				broken: `kind = 'consent_to_time' AND (local_start IS NULL OR local_end IS NULL OR local_start = local_end)`,
				message: `'a consent_to_time event needs local_start and local_end (the local time range the person agreed to), and they must differ'`,
				doc: 'a consent_to_time event has local_start and local_end, and they differ'
			},
			{
				broken: `ref_customer_id IS NOT NULL AND customer_id <> ref_customer_id`,
				message: `'account "' || account_id || '" belongs to customer "' || ref_customer_id || '", not "' || customer_id || '"'`,
				doc: 'account_id, when set, belongs to customer_id'
			}
		]
	},
	{
		name: 'experiment_assignments',
		doc: 'written by the product when an experiment launches',
		primaryKey: ['experiment_id', 'account_id'],
		productWritten: true,
		columns: [
			{ name: 'experiment_id', type: 'text', required: true, doc: 'the experiment' },
			{ name: 'account_id', type: 'text', required: true, doc: 'must exist; unique per experiment' },
			{ name: 'variant', type: 'text', required: true, doc: "one of the experiment's arms" },
			{ name: 'assigned_at', type: 'timestamptz', required: true, doc: 'when the account was assigned' }
		],
		references: [{ column: 'account_id', table: 'accounts', key: 'account_id', required: true, expose: [] }]
	}
]);

export const CONTRACT: readonly TableDef[] = tables;
export type TableName =
	| 'accounts'
	| 'delinquencies'
	| 'interactions'
	| 'payments'
	| 'complaints'
	| 'contact_preferences'
	| 'experiment_assignments';

/** Import order: a table comes after every table it refers to. */
export const TABLE_NAMES: readonly TableName[] = tables.map((t) => t.name as TableName);

export const tableNameSchema = z.enum(TABLE_NAMES as [TableName, ...TableName[]], {
	error: (issue) => `unknown table "${String(issue.input)}"; expected one of ${TABLE_NAMES.join(', ')}`
});

export function tableDef(name: TableName): TableDef {
	const t = tables.find((x) => x.name === name);
	if (!t) throw new Error(`unknown table ${name}`);
	return t;
}

/**
 * The table a file belongs to, from its name: `interactions_2026-03.csv` → interactions,
 * `contact_preferences.parquet` → contact_preferences. Longest table name wins. Null when
 * the name starts with no table's name.
 */
export function tableFromFileName(fileName: string): TableName | null {
	const base = (fileName.split(/[\\/]/).pop() ?? '').toLowerCase();
	const sorted = [...TABLE_NAMES].sort((a, b) => b.length - a.length);
	for (const t of sorted) {
		if (base === t || (base.startsWith(t) && /^[._\- ]/.test(base.slice(t.length)))) return t;
	}
	return null;
}

/** The columns the export may carry but the importer never treats as data (quarantine downloads add them). */
export const ANNOTATION_COLUMNS = ['source_line', 'quarantine_reasons'] as const;

const TYPE_LABELS: Record<ColumnType, string> = {
	text: 'text',
	enum: 'one of',
	date: 'date `YYYY-MM-DD`',
	timestamptz: 'timestamp with offset, e.g. `2026-03-02T14:05:00-05:00`',
	decimal: 'decimal, at most 2 fraction digits',
	int: 'whole number',
	bool: 'boolean (`true`/`false`, `t`/`f`, `1`/`0`, `yes`/`no`)',
	time: 'time `HH:MM[:SS]`',
	timezone: 'IANA time zone',
	region: 'ISO 3166-2 code',
	currency: 'ISO 4217 code'
};

/** What docs/data-contract.md says: generated from CONTRACT. */
export function contractMarkdown(): string {
	const out: string[] = [];
	for (const t of tables) {
		out.push(`### ${t.name} — ${t.doc}`, '');
		out.push(`Primary key: ${t.primaryKey.map((k) => '`' + k + '`').join(' + ')}.`, '');
		out.push('| column | type | required | rules |', '|---|---|---|---|');
		for (const c of t.columns) {
			const type = c.type === 'enum' ? `one of ${(c.values ?? []).map((v) => '`' + v + '`').join(', ')}` : TYPE_LABELS[c.type];
			const req = c.required ? 'yes' : c.default ? `no (default ${c.default.replace(/'/g, '')})` : 'no';
			const bits = [c.doc];
			if (c.min !== undefined || c.max !== undefined) bits.push(`between ${c.min} and ${c.max}`);
			if (c.greaterThan !== undefined) bits.push(`greater than ${c.greaterThan}`);
			const ref = t.references.find((r) => r.column === c.name);
			if (ref) bits.push(`refers to ${ref.table}.${ref.key}`);
			out.push(`| ${c.name} | ${type} | ${req} | ${bits.join('; ')} |`);
		}
		if (t.rules.length) {
			out.push('', 'Row rules: ' + t.rules.map((r) => r.doc).join('; ') + '.');
		}
		out.push('');
	}
	return out.join('\n');
}
