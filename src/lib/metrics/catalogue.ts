/**
 * The metric catalogue: every KPI of the Overview and every experiment metric, defined once.
 * For each: its name (the SQL column, the JSON key, the YAML name and the CLI all use it), its
 * label, its unit, which way is better, the grain it is counted at, how it is computed (a ratio
 * of two named counts, a Kaplan–Meier quantile, a quantile of the contact-load distribution),
 * its maturity rule and its definition in words. The named counts and the per-episode facts they
 * are counted from are in counts.ts; the SQL is generated from both by sql.ts through a dialect
 * (dialect.ts). The tiles, charts, breakdowns, experiment analysis, CLI and docs/metrics.md read this list.
 *
 * One name means one quantity: an experiment metric measured differently from the KPI of a
 * similar name has its own name (complaints_per_1k_assigned, not complaints_per_1k_contacted).
 * Pure: shared by server and browser.
 */
import type { CountName } from './counts.ts';

export type MetricFormat = 'percent' | 'days' | 'per_1k' | 'per_10k' | 'count' | 'per_account_week';
export type MetricGrain = 'episode' | 'account' | 'contact' | 'account_week' | 'event';
/** where a metric is shown */
export type Surface = 'overview' | 'experiment';
/** how an experiment analyses a metric's per-account outcome */
export type ExperimentKind = 'proportion' | 'mean' | 'time' | 'count';
/** the times to event the catalogue knows (per-episode facts `<measure>_t` and `<measure>_event`) */
export type TimeMeasure = 'days_to_pay' | 'time_to_first_contact' | 'first_contact_to_pay' | 'time_to_cure';

export type Computation =
	/** numerator ÷ denominator × scale, both named counts */
	| { kind: 'ratio'; numerator: CountName; denominator: CountName; scale: number }
	/** a Kaplan–Meier quantile of a time to event, optionally with its 95% interval */
	| { kind: 'km_quantile'; measure: TimeMeasure; q: number; interval: boolean }
	/** a quantile of the contact-load distribution (outbound contacts per account-week) */
	| { kind: 'load_quantile'; q: number }
	/** the largest contact load of an account-week */
	| { kind: 'load_max' }
	/** an experiment-only outcome per assigned account (see counts.ts EXPERIMENT_OUTCOMES) */
	| { kind: 'per_account' }
	/** an experiment-only time to event per episode */
	| { kind: 'time'; measure: TimeMeasure };

export interface MetricDef {
	name: string;
	label: string;
	format: MetricFormat;
	/** 'up': a rise is good news; 'down': a fall is good news */
	better: 'up' | 'down';
	grain: MetricGrain;
	compute: Computation;
	/** the episodes that enter it: 'N days' = started at least N days before the as-of date */
	maturity: string | null;
	definition: string;
	surfaces: readonly Surface[];
	/** one of the Overview's four headline tiles */
	headline?: boolean;
	/** how an experiment analyses it (absent: not an experiment metric) */
	experiment?: ExperimentKind;
	/**
	 * a ratio's words for "What changed": what moves inside a group (rate), what its denominator
	 * counts (population), and whether its numerator is a count said as "more/fewer"
	 */
	words?: { rate: string; population: string; countable?: boolean };
}

const ratio = (numerator: CountName, denominator: CountName, scale = 1): Computation => ({ kind: 'ratio', numerator, denominator, scale });
const both: readonly Surface[] = ['overview', 'experiment'];
const overview: readonly Surface[] = ['overview'];
const experiment: readonly Surface[] = ['experiment'];

export const METRICS = [
	{
		name: 'cure_rate_30d',
		words: { rate: 'cure', population: 'episodes' },
		label: 'Cure rate (30 days)',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('cured_30', 'mature_30'),
		maturity: '30 days',
		headline: true,
		surfaces: both,
		experiment: 'proportion',
		definition:
			'Share of delinquency episodes that reached zero past-due within 30 days of starting. Only mature episodes count (started at least 30 days before the as-of date); an episode charged off before curing counts as not cured.'
	},
	{
		name: 'cure_rate_60d',
		words: { rate: 'cure', population: 'episodes' },
		label: 'Cure rate (60 days)',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('cured_60', 'mature_60'),
		maturity: '60 days',
		surfaces: both,
		experiment: 'proportion',
		definition: 'As the 30-day cure rate, within 60 days, over episodes started at least 60 days before the as-of date.'
	},
	{
		name: 'cure_rate_90d',
		words: { rate: 'cure', population: 'episodes' },
		label: 'Cure rate (90 days)',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('cured_90', 'mature_90'),
		maturity: '90 days',
		surfaces: both,
		experiment: 'proportion',
		definition: 'As the 30-day cure rate, within 90 days, over episodes started at least 90 days before the as-of date.'
	},
	{
		name: 'self_cure_rate',
		words: { rate: 'self-cure', population: 'episodes' },
		label: 'Self-cure rate',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('self_cured_30', 'mature_30'),
		maturity: '30 days',
		surfaces: both,
		experiment: 'proportion',
		definition: 'Share of mature (30-day) episodes that cured within 30 days with no outbound right-party conversation (a call or ringless voicemail with outcome conversation) between the start and the cure.'
	},
	{
		name: 'days_to_pay_median',
		label: 'Days to pay (median)',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'km_quantile', measure: 'days_to_pay', q: 0.5, interval: true },
		maturity: null,
		headline: true,
		surfaces: overview,
		definition:
			'Kaplan–Meier median of the days from the start of an episode to the first settled payment on the account on or after the start. Episodes with no payment yet are censored at the as-of date, or at charge-off. The range is a 95% confidence interval (Brookmeyer–Crowley, Greenwood variance on the log scale), as R\'s survfit and quantile.survfit give them: where the curve stays exactly at one half, the median is the middle of that stretch (so it can end in .5), and an end the band never reaches is open.'
	},
	{
		name: 'days_to_pay_p75',
		label: 'Days to pay (75th percentile)',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'km_quantile', measure: 'days_to_pay', q: 0.75, interval: true },
		maturity: null,
		surfaces: overview,
		definition: 'Kaplan–Meier 75th percentile of the days to the first settled payment (as the median).'
	},
	{
		name: 'first_contact_to_pay_median',
		label: 'First contact to payment (median)',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'km_quantile', measure: 'first_contact_to_pay', q: 0.5, interval: true },
		maturity: null,
		surfaces: overview,
		definition:
			'Kaplan–Meier median of the days from the first outbound contact of an episode to the first settled payment on or after it, over the episodes with a contact; censored at the as-of date or the charge-off.'
	},
	{
		name: 'complaints_per_1k_contacted',
		words: { rate: 'complaints', population: 'accounts contacted', countable: true },
		label: 'Complaints per 1,000 contacted',
		format: 'per_1k',
		better: 'down',
		grain: 'account',
		compute: ratio('complaints', 'accounts_contacted', 1000),
		maturity: null,
		headline: true,
		surfaces: overview,
		definition: 'Complaints received in the period per 1,000 accounts with at least one outbound contact in the period.'
	},
	{
		name: 'complaints_per_10k_contacts',
		words: { rate: 'complaints', population: 'outbound contacts', countable: true },
		label: 'Complaints per 10,000 contacts',
		format: 'per_10k',
		better: 'down',
		grain: 'contact',
		compute: ratio('complaints', 'outbound_contacts', 10_000),
		maturity: null,
		surfaces: overview,
		definition: 'Complaints received in the period per 10,000 outbound contacts in the period.'
	},
	{
		name: 'complaints_via_regulator_share',
		words: { rate: 'use of a regulator or ombudsman', population: 'complaints' },
		label: 'Complaints via a regulator or ombudsman',
		format: 'percent',
		better: 'down',
		grain: 'event',
		compute: ratio('complaints_via_regulator', 'complaints'),
		maturity: null,
		surfaces: overview,
		definition: 'Share of the complaints received in the period whose source is a regulator or an ombudsman.'
	},
	{
		name: 'contact_load_over_threshold',
		words: { rate: 'contact load', population: 'account-weeks' },
		label: 'Contact load over 7 a week',
		format: 'percent',
		better: 'down',
		grain: 'account_week',
		compute: ratio('account_weeks_over_threshold', 'account_weeks'),
		maturity: null,
		headline: true,
		surfaces: overview,
		definition:
			'Share of account-weeks with more than 7 outbound contacts on all channels: calendar weeks (Monday to Sunday) that overlap the period, each counted whole, of the accounts contacted that week.'
	},
	{
		name: 'contact_load_median',
		label: 'Contacts per account-week (median)',
		format: 'count',
		better: 'down',
		grain: 'account_week',
		compute: { kind: 'load_quantile', q: 0.5 },
		maturity: null,
		surfaces: overview,
		definition: 'Median outbound contacts per account-week, over account-weeks with at least one contact.'
	},
	{
		name: 'contact_load_p90',
		label: 'Contacts per account-week (90th percentile)',
		format: 'count',
		better: 'down',
		grain: 'account_week',
		compute: { kind: 'load_quantile', q: 0.9 },
		maturity: null,
		surfaces: overview,
		definition: '90th percentile of outbound contacts per account-week (the smallest value whose running count reaches 90% of the account-weeks).'
	},
	{
		name: 'contact_load_max',
		label: 'Contacts per account-week (maximum)',
		format: 'count',
		better: 'down',
		grain: 'account_week',
		compute: { kind: 'load_max' },
		maturity: null,
		surfaces: overview,
		definition: 'The most outbound contacts any account received in one calendar week of the period.'
	},
	{
		name: 'right_party_contact_rate',
		words: { rate: 'right-party contact', population: 'outbound calls' },
		label: 'Right-party contact rate',
		format: 'percent',
		better: 'up',
		grain: 'contact',
		compute: ratio('conversations', 'outbound_calls'),
		maturity: null,
		surfaces: overview,
		definition: 'Outbound calls with outcome conversation ÷ outbound calls, in the period.'
	},
	{
		name: 'opt_out_rate',
		words: { rate: 'opt-outs', population: 'accounts contacted', countable: true },
		label: 'Opt-outs per 1,000 contacted',
		format: 'per_1k',
		better: 'down',
		grain: 'account',
		compute: ratio('opt_outs', 'accounts_contacted', 1000),
		maturity: null,
		surfaces: overview,
		definition: 'Opt-out events received in the period per 1,000 accounts contacted in the period.'
	},
	{
		name: 'recovery_rate',
		words: { rate: 'recovery', population: 'episodes' },
		label: 'Recovery rate',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('recovered_share_sum', 'mature_30'),
		maturity: '30 days',
		surfaces: both,
		experiment: 'mean',
		definition:
			'Mean over mature (30-day) episodes of settled payments within the episode (start to cure, charge-off or as-of date) ÷ the amount past due, capped at 1 per episode.'
	},
	{
		name: 'charge_off_rate',
		words: { rate: 'charge-off', population: 'episodes' },
		label: 'Charge-off rate',
		format: 'percent',
		better: 'down',
		grain: 'episode',
		compute: ratio('charged_off_180', 'mature_180'),
		maturity: '180 days',
		surfaces: overview,
		definition: 'Episodes charged off within 180 days ÷ episodes started at least 180 days before the as-of date.'
	},
	{
		name: 'time_to_first_contact_median',
		label: 'Time to first contact (median)',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'km_quantile', measure: 'time_to_first_contact', q: 0.5, interval: false },
		maturity: null,
		surfaces: overview,
		definition: 'Kaplan–Meier median of the days from the start of an episode to its first outbound contact, censored at the end of the episode or the as-of date.'
	},
	{
		name: 'payment_plan_uptake',
		words: { rate: 'plan uptake', population: 'episodes' },
		label: 'Payment-plan uptake',
		format: 'percent',
		better: 'up',
		grain: 'episode',
		compute: ratio('plan_within_30', 'mature_30'),
		maturity: '30 days',
		surfaces: both,
		experiment: 'proportion',
		definition: 'Share of mature (30-day) episodes with a settled payment that belongs to a payment plan within 30 days of the start.'
	},
	{
		name: 'attrition_after_cure',
		words: { rate: 'attrition', population: 'cures' },
		label: 'Attrition after cure',
		format: 'percent',
		better: 'down',
		grain: 'episode',
		compute: ratio('left_after_cure', 'cured_mature_180'),
		maturity: '180 days after the cure',
		surfaces: overview,
		definition: 'Share of cured episodes (cured at least 180 days before the as-of date) whose account was closed by the customer (customer_left) within 180 days after the cure.'
	},
	// ---------------------------------------------------------------- experiment-only metrics
	{
		name: 'right_party_reach',
		label: 'Right-party reach',
		format: 'percent',
		better: 'up',
		grain: 'account',
		compute: { kind: 'per_account' },
		maturity: null,
		surfaces: experiment,
		experiment: 'proportion',
		definition:
			'Share of the assigned accounts with at least one outbound contact with outcome conversation since their first day in the experiment (every assigned account counts, reached or not). Not the Overview\'s right-party contact rate, which divides conversations by calls.'
	},
	{
		name: 'contacts_per_account_week',
		label: 'Outbound contacts per account-week',
		format: 'per_account_week',
		better: 'down',
		grain: 'account',
		compute: { kind: 'per_account' },
		maturity: null,
		surfaces: experiment,
		experiment: 'mean',
		definition:
			'Mean over the assigned accounts of their outbound contacts (all channels) × 7 ÷ the days from their first day in the experiment to the as-of date, both included. Not the Overview\'s contact load, which counts only the weeks with a contact.'
	},
	{
		name: 'days_to_pay',
		label: 'Days to pay',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'time', measure: 'days_to_pay' },
		maturity: null,
		surfaces: experiment,
		experiment: 'time',
		definition:
			'Days from the start of the account\'s first episode in the experiment to the first settled payment on or after it, as a time to event (Kaplan–Meier, log-rank, restricted mean); censored at the as-of date or the charge-off. The Overview\'s days_to_pay_median is the median of the same time.'
	},
	{
		name: 'time_to_cure',
		label: 'Time to cure',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'time', measure: 'time_to_cure' },
		maturity: null,
		surfaces: experiment,
		experiment: 'time',
		definition: 'Days from the start of the account\'s first episode in the experiment to its cure, as a time to event; censored at the as-of date; a charged-off episode never cures and stays at risk as a non-cure.'
	},
	{
		name: 'time_to_first_contact',
		label: 'Time to first contact',
		format: 'days',
		better: 'down',
		grain: 'episode',
		compute: { kind: 'time', measure: 'time_to_first_contact' },
		maturity: null,
		surfaces: experiment,
		experiment: 'time',
		definition: 'Days from the start of the account\'s first episode in the experiment to its first outbound contact, as a time to event; censored at the cure, the charge-off or the as-of date.'
	},
	{
		name: 'complaints_per_1k_assigned',
		label: 'Complaints per 1,000 assigned accounts',
		format: 'per_1k',
		better: 'down',
		grain: 'account',
		compute: { kind: 'per_account' },
		maturity: null,
		surfaces: experiment,
		experiment: 'count',
		definition:
			'Complaints received from the assigned accounts since their first day in the experiment, per 1,000 assigned accounts (every assigned account counts, contacted or not). Not the Overview\'s complaints per 1,000 contacted.'
	},
	{
		name: 'opt_outs_per_1k_assigned',
		label: 'Opt-outs per 1,000 assigned accounts',
		format: 'per_1k',
		better: 'down',
		grain: 'account',
		compute: { kind: 'per_account' },
		maturity: null,
		surfaces: experiment,
		experiment: 'count',
		definition:
			'Opt-out events of the assigned accounts (for the account, or without an account for all of the customer\'s debts) since their first day in the experiment, per 1,000 assigned accounts. Not the Overview\'s opt-outs per 1,000 contacted.'
	},
	{
		name: 'presumed_violations',
		label: 'Presumed contact-rule violations per 1,000 assigned accounts',
		format: 'per_1k',
		better: 'down',
		grain: 'account',
		compute: { kind: 'per_account' },
		maturity: null,
		surfaces: experiment,
		experiment: 'count',
		definition:
			'Findings of kind presumed_violation of the compliance audit (Regulation F\'s 7-in-7 and after-conversation prongs) about the assigned accounts, dated from their first day in the experiment, per 1,000 assigned accounts.'
	}
] as const satisfies readonly MetricDef[];

export type MetricName = (typeof METRICS)[number]['name'];
const BY_NAME = new Map<string, MetricDef>(METRICS.map((m) => [m.name, m]));
export const metricDef = (name: string): MetricDef | undefined => BY_NAME.get(name);

/** the Overview's KPIs, in the order of the tiles */
export const KPIS: readonly MetricDef[] = METRICS.filter((m) => (m.surfaces as readonly Surface[]).includes('overview'));
export const KPI_NAMES = KPIS.map((k) => k.name);

/** the metrics an experiment can name (primary, secondary, guardrails) */
export const EXPERIMENT_METRIC_DEFS = METRICS.filter((m): m is Extract<(typeof METRICS)[number], { experiment: ExperimentKind }> => 'experiment' in m);
export type ExperimentMetric = (typeof EXPERIMENT_METRIC_DEFS)[number]['name'];

/** the metrics that are one quantity on both surfaces: an experiment's baseline can be read from the Overview */
export const SHARED_METRICS = METRICS.filter((m) => m.surfaces === both).map((m) => m.name);

/** the ratio KPIs: numerator and denominator as named counts (what "What changed" decomposes) */
export const RATIO_KPIS = KPIS.filter((k) => k.compute.kind === 'ratio');

/**
 * Experiment metric names of earlier releases that named another quantity than the KPI of the
 * same name: an old file still loads, with a message giving the new name.
 */
export const RENAMED_METRICS: Record<string, { to: ExperimentMetric; why: string }> = {
	complaints_per_1k_contacted: { to: 'complaints_per_1k_assigned', why: 'an experiment counts complaints per 1,000 assigned accounts; complaints_per_1k_contacted is the Overview\'s rate per contacted account' },
	opt_out_rate: { to: 'opt_outs_per_1k_assigned', why: 'an experiment counts opt-outs per 1,000 assigned accounts; opt_out_rate is the Overview\'s rate per contacted account' },
	right_party_contact_rate: { to: 'right_party_reach', why: 'an experiment measures the share of assigned accounts reached in conversation; right_party_contact_rate is the Overview\'s conversations ÷ calls' },
	contact_load: { to: 'contacts_per_account_week', why: 'an experiment measures contacts per account-week over every day assigned; the Overview\'s contact load counts only the weeks with a contact' }
};
