/**
 * The findings of a compliance audit as the pages show them: the kinds, the filter keys, the
 * columns the findings list sorts by, the groupings and orders of the ranked views, and the
 * shapes of the rows the server sends (src/lib/server/compliance/findings/). Shared with the
 * browser: no server imports, so .svelte files take their types from here.
 */
import type { AuditFinding } from './audit.ts';

export const FINDING_KINDS = ['presumed_violation', 'violation', 'risk_flag'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const KIND_LABEL: Record<FindingKind, string> = {
	presumed_violation: 'Presumed violation',
	violation: 'Violation',
	risk_flag: 'Risk flag'
};
/** the kinds from the most severe: a violation, then a presumed violation, then a risk flag */
export const KINDS_BY_SEVERITY: readonly FindingKind[] = ['violation', 'presumed_violation', 'risk_flag'];

/** the URL keys of the filters that narrow the findings (not audit, order, sort, page) */
export const FILTER_KEYS = ['from', 'to', 'pack', 'rule', 'kind', 'channel', 'agent', 'template', 'experiment', 'arm', 'person', 'segment'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** the columns the findings list sorts by (?order=), each with the direction its first click sorts */
export const FINDINGS_ORDERS = {
	date: { label: 'Date', first: 'desc' },
	rule: { label: 'Rule', first: 'asc' },
	pack: { label: 'Pack', first: 'asc' },
	kind: { label: 'Kind', first: 'desc' },
	person: { label: 'Person', first: 'asc' },
	debt: { label: 'Debt', first: 'asc' },
	contacts: { label: 'Contacts', first: 'desc' },
	evidence: { label: 'Evidence', first: 'asc' },
	channel: { label: 'Channel', first: 'asc' },
	agent: { label: 'Agent', first: 'asc' },
	template: { label: 'Template', first: 'asc' }
} as const satisfies Record<string, { label: string; first: SortDirection }>;
export type FindingsOrder = keyof typeof FINDINGS_ORDERS;
export const FINDINGS_ORDER_KEYS = Object.keys(FINDINGS_ORDERS) as FindingsOrder[];

export type SortDirection = 'asc' | 'desc';

/** what the ranked views group the findings by (?by=) */
export const RANKED_BY = {
	account: { label: 'Account', plural: 'accounts', what: 'debt (account id)' },
	customer: { label: 'Customer', plural: 'customers', what: 'person (customer id)' },
	agent: { label: 'Agent', plural: 'agents', what: 'agent who made the contact' },
	template: { label: 'Template', plural: 'templates', what: 'message template of the contact' },
	number: { label: 'Contact number', plural: 'contact numbers', what: 'phone number, address or e-mail the contact went to' },
	rule: { label: 'Rule', plural: 'rules', what: 'rule of a policy pack' }
} as const;
export type RankedBy = keyof typeof RANKED_BY;
export const RANKED_BY_KEYS = Object.keys(RANKED_BY) as RankedBy[];

/** the orders of the ranked views (?order=), each with the direction its first click sorts */
export const RANKED_ORDERS = {
	findings: { label: 'Findings', first: 'desc' },
	severity: { label: 'Severity', first: 'desc' },
	violation: { label: 'Violations', first: 'desc' },
	presumed_violation: { label: 'Presumed violations', first: 'desc' },
	risk_flag: { label: 'Risk flags', first: 'desc' },
	accounts: { label: 'Accounts', first: 'desc' },
	latest: { label: 'Latest', first: 'desc' },
	name: { label: 'Name', first: 'asc' }
} as const satisfies Record<string, { label: string; first: SortDirection }>;
export type RankedOrder = keyof typeof RANKED_ORDERS;
export const RANKED_ORDER_KEYS = Object.keys(RANKED_ORDERS) as RankedOrder[];

/** a finding as the list and the CSV show it, with the contact's attributes, its interaction ids space-separated */
export interface FindingRow extends Omit<AuditFinding, 'kind' | 'interaction_ids'> {
	kind: FindingKind;
	agent_id: string | null;
	template_id: string | null;
	experiment_id: string | null;
	variant: string | null;
	/** how many interactions make up the finding */
	contacts: number;
	/** their ids, space-separated */
	interaction_ids: string;
}

export interface FindingsPage {
	rows: FindingRow[];
	total: number;
	page: number;
	pages: number;
	page_size: number;
}

export interface RuleInfo {
	pack_id: string;
	rule_id: string;
	type: string;
	title: string;
	citation: string;
	kind: FindingKind;
	/** the method in plain words */
	method: string;
}

export interface PackInfo {
	pack_id: string;
	title: string;
	version: number;
	hash: string;
	/** the regions the pack applies to, or 'all' */
	applies_to: 'all' | string[];
	/** when set, only the accounts of those regions in these localities (accounts.locality) */
	localities?: string[];
	effective_from: string | null;
	rules: RuleInfo[];
}

export interface PackVersionRow {
	pack_id: string;
	title: string;
	/** the version the audit used (null: the pack is newer than the audit) */
	used: { version: number; hash: string } | null;
	/** the version in force now (null: the pack is no longer stored) */
	current: { version: number; hash: string; saved_at: string; saved_by: string | null } | null;
	/** same | changed (a newer version is in force) | added (not in the audit) | removed */
	status: 'same' | 'changed' | 'added' | 'removed';
}

export interface CountRow {
	week: string;
	pack_id: string;
	rule_id: string;
	rule_type: string;
	kind: FindingKind;
	findings: number;
}

export interface RateRow {
	key: string;
	label: string;
	findings: number;
	contacts: number | null;
	per_10k: number | null;
	/** a pack (or its rule) not in force on any day of the period: no contacts are counted for it */
	in_force?: boolean;
}

export interface RuleRateRow extends RateRow {
	pack_id: string;
	rule_id: string;
	title: string;
	citation: string;
	kind: string;
	by_kind: Record<FindingKind, number>;
}

export interface WeekSeries {
	/** Mondays, ISO */
	weeks: string[];
	/** one series per pack and rule: findings per week */
	series: { key: string; pack_id: string; rule_id: string; title: string; values: number[] }[];
	/** contacts per week in the filters' scope (null until counted) */
	contacts: number[] | null;
}

export interface FindingsCounts {
	findings: number;
	by_kind: Record<FindingKind, number>;
	rows: CountRow[];
}

export interface FilterValues {
	pack: string[];
	rule: string[];
	kind: string[];
	channel: string[];
	agent: string[];
	template: string[];
	experiment: string[];
	arm: string[];
}

/** one row of a ranked view: an account, customer, agent, template, contact number or rule */
export interface RankedRow {
	/** 1.. in the order shown */
	rank: number;
	/** the account id, customer id, agent id, template id, contact number, or "pack/rule" */
	key: string;
	/** what the row is called (a rule's title; else the key) */
	label: string;
	/** a second line (the account's customer, the rule's citation) */
	note: string | null;
	findings: number;
	by_kind: Record<FindingKind, number>;
	/** the accounts (debts) its findings are about */
	accounts: number;
	/** the first and last local dates of its findings */
	first: string;
	latest: string;
	/** findings per week, one number per week of RankedView.weeks */
	weeks: number[];
	/** the account with the most findings in the row (the first by id among equals; without a debt, the person): the timeline it opens */
	top: { account_id: string | null; customer_id: string; findings: number; local_date: string } | null;
	/** the findings list's filter that shows the row's findings (null: the list has no such filter) */
	filter: Record<string, string> | null;
}

export interface RankedView {
	by: RankedBy;
	order: RankedOrder;
	sort: SortDirection;
	rows: RankedRow[];
	/** how many rows there are in all (accounts, agents, … with a finding) */
	total: number;
	page: number;
	pages: number;
	page_size: number;
	/** the findings in the filters' scope, and how many of them have no value to rank by (no debt, agent, template or number) */
	findings: number;
	unranked: number;
	/** Mondays (ISO) of the weeks of the trend, first to last */
	weeks: string[];
}
