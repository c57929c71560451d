/**
 * The KPI catalogue: one name per KPI (the SQL column, the JSON key and the CLI all use it),
 * its label, its definition in words, how to format it and which way is better. The tiles,
 * the CLI and the definitions popover read this one list. Definitions follow kpis.md.
 */
export type KpiFormat = 'percent' | 'days' | 'per_1k' | 'per_10k' | 'count';

export interface KpiDef {
	name: string;
	label: string;
	format: KpiFormat;
	/** 'up': a rise is good news; 'down': a fall is good news */
	better: 'up' | 'down';
	definition: string;
	headline?: boolean;
}

export const KPIS: readonly KpiDef[] = [
	{ name: 'cure_rate_30d', label: 'Cure rate (30 days)', format: 'percent', better: 'up', headline: true, definition: 'Share of delinquency episodes started in the period that reached zero past-due within 30 days of starting. Only mature episodes count (started at least 30 days before the as-of date); an episode charged off before curing counts as not cured.' },
	{ name: 'cure_rate_60d', label: 'Cure rate (60 days)', format: 'percent', better: 'up', definition: 'As the 30-day cure rate, within 60 days, over episodes started at least 60 days before the as-of date.' },
	{ name: 'cure_rate_90d', label: 'Cure rate (90 days)', format: 'percent', better: 'up', definition: 'As the 30-day cure rate, within 90 days, over episodes started at least 90 days before the as-of date.' },
	{ name: 'self_cure_rate', label: 'Self-cure rate', format: 'percent', better: 'up', definition: 'Share of mature (30-day) episodes that cured within 30 days with no outbound right-party conversation between the start and the cure.' },
	{ name: 'days_to_pay_median', label: 'Days to pay (median)', format: 'days', better: 'down', headline: true, definition: 'Kaplan–Meier median of the days from the start of an episode to the first settled payment on the account on or after the start. Episodes with no payment yet are censored at the as-of date, or at charge-off. The range is a 95% confidence interval (Brookmeyer–Crowley, Greenwood variance on the log scale).' },
	{ name: 'days_to_pay_p75', label: 'Days to pay (75th percentile)', format: 'days', better: 'down', definition: 'Kaplan–Meier 75th percentile of the days to the first settled payment (as the median).' },
	{ name: 'first_contact_to_pay_median', label: 'First contact to payment (median)', format: 'days', better: 'down', definition: 'Kaplan–Meier median of the days from the first outbound contact of an episode to the first settled payment on or after it, over the episodes with a contact; censored at the as-of date or the charge-off.' },
	{ name: 'complaints_per_1k_contacted', label: 'Complaints per 1,000 contacted', format: 'per_1k', better: 'down', headline: true, definition: 'Complaints received in the period per 1,000 accounts with at least one outbound contact in the period.' },
	{ name: 'complaints_per_10k_contacts', label: 'Complaints per 10,000 contacts', format: 'per_10k', better: 'down', definition: 'Complaints received in the period per 10,000 outbound contacts in the period.' },
	{ name: 'complaints_via_regulator_share', label: 'Complaints via a regulator or ombudsman', format: 'percent', better: 'down', definition: 'Share of the complaints received in the period whose source is a regulator or an ombudsman.' },
	{ name: 'contact_load_over_threshold', label: 'Contact load over 7 a week', format: 'percent', better: 'down', headline: true, definition: 'Share of account-weeks with more than 7 outbound contacts on all channels: calendar weeks (Monday to Sunday) that overlap the period, each counted whole, of the accounts contacted that week.' },
	{ name: 'contact_load_median', label: 'Contacts per account-week (median)', format: 'count', better: 'down', definition: 'Median outbound contacts per account-week, over account-weeks with at least one contact.' },
	{ name: 'contact_load_p90', label: 'Contacts per account-week (90th percentile)', format: 'count', better: 'down', definition: '90th percentile of outbound contacts per account-week.' },
	{ name: 'contact_load_max', label: 'Contacts per account-week (maximum)', format: 'count', better: 'down', definition: 'The most outbound contacts any account received in one calendar week of the period.' },
	{ name: 'right_party_contact_rate', label: 'Right-party contact rate', format: 'percent', better: 'up', definition: 'Outbound calls with outcome conversation ÷ outbound calls, in the period.' },
	{ name: 'opt_out_rate', label: 'Opt-outs per 1,000 contacted', format: 'per_1k', better: 'down', definition: 'Opt-out events received in the period per 1,000 accounts contacted in the period.' },
	{ name: 'recovery_rate', label: 'Recovery rate', format: 'percent', better: 'up', definition: 'Mean over mature (30-day) episodes of settled payments within the episode (start to cure, charge-off or as-of date) ÷ the amount past due, capped at 1 per episode.' },
	{ name: 'charge_off_rate', label: 'Charge-off rate', format: 'percent', better: 'down', definition: 'Episodes charged off within 180 days ÷ episodes started at least 180 days before the as-of date.' },
	{ name: 'time_to_first_contact_median', label: 'Time to first contact (median)', format: 'days', better: 'down', definition: 'Kaplan–Meier median of the days from the start of an episode to its first outbound contact, censored at the end of the episode or the as-of date.' },
	{ name: 'payment_plan_uptake', label: 'Payment-plan uptake', format: 'percent', better: 'up', definition: 'Share of mature (30-day) episodes with a settled payment that belongs to a payment plan within 30 days of the start.' },
	{ name: 'attrition_after_cure', label: 'Attrition after cure', format: 'percent', better: 'down', definition: 'Share of cured episodes (cured at least 180 days before the as-of date) whose account was closed by the customer (customer_left) within 180 days after the cure.' }
];

export const kpiDef = (name: string) => KPIS.find((k) => k.name === name);
