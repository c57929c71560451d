/**
 * Versioned migrations, applied in order at every open; each runs once, in its own
 * transaction, and is recorded in schema_migrations. Never edit a migration that has
 * shipped: add a new one.
 */
export interface Migration {
	version: number;
	name: string;
	sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'data contract tables, import batches and quarantine',
		sql: `
CREATE SEQUENCE import_batch_seq START 1;
CREATE TABLE import_batches (
	batch_id BIGINT PRIMARY KEY,
	file_name VARCHAR NOT NULL,
	table_name VARCHAR,
	format VARCHAR,
	source VARCHAR NOT NULL,          -- cli | upload | demo
	file_bytes BIGINT,
	started_at TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ,
	duration_ms BIGINT,
	rows_read BIGINT NOT NULL DEFAULT 0,
	rows_inserted BIGINT NOT NULL DEFAULT 0,
	rows_updated BIGINT NOT NULL DEFAULT 0,
	rows_unchanged BIGINT NOT NULL DEFAULT 0,
	rows_quarantined BIGINT NOT NULL DEFAULT 0,
	status VARCHAR NOT NULL,          -- imported | rejected
	error VARCHAR
);
CREATE TABLE quarantine (
	batch_id BIGINT NOT NULL,
	table_name VARCHAR NOT NULL,
	file_name VARCHAR NOT NULL,
	line_number BIGINT NOT NULL,
	record_key VARCHAR,
	raw JSON NOT NULL,
	reasons VARCHAR[] NOT NULL,
	quarantined_at TIMESTAMPTZ NOT NULL,
	resolved_batch_id BIGINT
);

CREATE TABLE accounts (
	account_id VARCHAR NOT NULL,
	customer_id VARCHAR NOT NULL,
	segment VARCHAR NOT NULL,
	product VARCHAR NOT NULL,
	region VARCHAR NOT NULL,
	timezone VARCHAR NOT NULL,
	opened_on DATE NOT NULL,
	currency VARCHAR NOT NULL,
	risk_score INTEGER,
	vulnerable BOOLEAN NOT NULL,
	closed_on DATE,
	closed_reason VARCHAR,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE delinquencies (
	episode_id VARCHAR NOT NULL,
	account_id VARCHAR NOT NULL,
	started_on DATE NOT NULL,
	amount_past_due DECIMAL(18,2) NOT NULL,
	cured_on DATE,
	charged_off_on DATE,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE interactions (
	interaction_id VARCHAR NOT NULL,
	account_id VARCHAR NOT NULL,
	customer_id VARCHAR NOT NULL,
	party VARCHAR NOT NULL,
	channel VARCHAR NOT NULL,
	direction VARCHAR NOT NULL,
	occurred_at TIMESTAMPTZ NOT NULL,
	outcome VARCHAR NOT NULL,
	contact_point VARCHAR NOT NULL,
	contact_timezone VARCHAR,
	template_id VARCHAR,
	tone VARCHAR,
	experiment_id VARCHAR,
	variant VARCHAR,
	agent_id VARCHAR,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE payments (
	payment_id VARCHAR NOT NULL,
	account_id VARCHAR NOT NULL,
	paid_at TIMESTAMPTZ NOT NULL,
	amount DECIMAL(18,2) NOT NULL,
	method VARCHAR NOT NULL,
	status VARCHAR NOT NULL,
	plan_id VARCHAR,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE complaints (
	complaint_id VARCHAR NOT NULL,
	account_id VARCHAR NOT NULL,
	received_at TIMESTAMPTZ NOT NULL,
	category VARCHAR NOT NULL,
	source VARCHAR NOT NULL,
	severity VARCHAR NOT NULL,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE contact_preferences (
	event_id VARCHAR NOT NULL,
	customer_id VARCHAR NOT NULL,
	account_id VARCHAR,
	channel VARCHAR NOT NULL,
	kind VARCHAR NOT NULL,
	effective_at TIMESTAMPTZ NOT NULL,
	until_at TIMESTAMPTZ,
	local_start TIME,
	local_end TIME,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
CREATE TABLE experiment_assignments (
	experiment_id VARCHAR NOT NULL,
	account_id VARCHAR NOT NULL,
	variant VARCHAR NOT NULL,
	assigned_at TIMESTAMPTZ NOT NULL,
	extra JSON,
	import_batch_id BIGINT NOT NULL
);
`
	},
	{
		version: 2,
		name: 'users, sessions and the trail',
		sql: `
CREATE SEQUENCE user_seq START 1;
CREATE TABLE users (
	user_id BIGINT PRIMARY KEY,
	username VARCHAR NOT NULL UNIQUE,
	role VARCHAR NOT NULL,            -- leadership | strategist | compliance | admin
	password_hash VARCHAR NOT NULL,   -- scrypt$N$r$p$salt$hash
	disabled BOOLEAN NOT NULL DEFAULT false,
	created_at TIMESTAMPTZ NOT NULL,
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	locked_until TIMESTAMPTZ,
	last_login_at TIMESTAMPTZ
);
CREATE TABLE sessions (
	token_hash VARCHAR PRIMARY KEY,   -- sha256 of the cookie's token; the token itself is never stored
	user_id BIGINT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	ip VARCHAR,
	user_agent VARCHAR
);
-- append-only: each record carries the hash of the one before
CREATE TABLE audit_trail (
	seq BIGINT PRIMARY KEY,
	recorded_at TIMESTAMPTZ NOT NULL,
	actor VARCHAR NOT NULL,
	role VARCHAR,
	action VARCHAR NOT NULL,
	target VARCHAR,
	details VARCHAR,                  -- canonical JSON
	ip VARCHAR,
	prev_hash VARCHAR NOT NULL,
	hash VARCHAR NOT NULL
);
`
	},
	{
		version: 3,
		name: 'KPI summary tables: their state and bucket macros',
		sql: `
-- one row: the data as-of date and the last import the summary tables (kpi_episodes,
-- kpi_account_weeks, kpi_contact_weeks, kpi_events) were built for; src/lib/server/kpi/
-- summary-tables.ts rebuilds them after every import and reads them only while they are fresh
CREATE TABLE kpi_summary_state (
	as_of DATE NOT NULL,
	batch_id BIGINT,
	refreshed_at TIMESTAMPTZ NOT NULL,
	duration_ms BIGINT NOT NULL
);
-- the values the Overview's filters offer (queries/summary/filter_values.sql rebuilds it)
CREATE TABLE kpi_filter_values (dimension VARCHAR NOT NULL, value VARCHAR NOT NULL, n BIGINT NOT NULL);
-- the bucket (its first day) that day d falls in, for the summary queries in queries/kpi/:
-- grain 'period' splits the period at split (previous and current period), 'week' and
-- 'month' cut each of those into calendar weeks (Monday to Sunday) and months
CREATE MACRO kpi_bucket(d, grain, period_from, split) AS
	CASE grain WHEN 'week' THEN greatest(date_trunc('week', d)::DATE, CASE WHEN d >= split THEN split ELSE period_from END)
		WHEN 'month' THEN greatest(date_trunc('month', d)::DATE, CASE WHEN d >= split THEN split ELSE period_from END)
		ELSE CASE WHEN d >= split THEN split ELSE period_from END END;
-- the last day of that bucket
CREATE MACRO kpi_bucket_end(d, grain, period_to, split) AS
	CASE grain WHEN 'week' THEN least(date_trunc('week', d)::DATE + 6, CASE WHEN d >= split THEN period_to ELSE split - 1 END)
		WHEN 'month' THEN least(last_day(d), CASE WHEN d >= split THEN period_to ELSE split - 1 END)
		ELSE CASE WHEN d >= split THEN period_to ELSE split - 1 END END;
-- the 7-bit mask of the days of the week starting on week (bit 0 = Monday) that fall in
-- [first, last]
CREATE MACRO kpi_days_mask(week, first, last) AS
	CASE WHEN last < week OR first > week + 6 THEN 0
		ELSE ((1 << (least(6, last - week)::INTEGER + 1)) - 1) - ((1 << greatest(0, first - week)::INTEGER) - 1) END;
`
	},
	{
		version: 4,
		name: 'experiment alerts',
		sql: `
-- guardrail alerts of running experiments (src/lib/server/experiments/guardrails/): one open
-- alert per experiment, arm, metric and rule; it stays until acknowledged with a reason
CREATE SEQUENCE experiment_alert_seq START 1;
CREATE TABLE experiment_alerts (
	alert_id BIGINT PRIMARY KEY,
	experiment_id VARCHAR NOT NULL,
	arm VARCHAR NOT NULL,
	metric VARCHAR NOT NULL,
	rule_kind VARCHAR NOT NULL,       -- harm | non_inferiority | hard_limit
	threshold DOUBLE,
	evidence VARCHAR NOT NULL,        -- canonical JSON: the numbers that breached
	message VARCHAR NOT NULL,         -- the same in words
	fired_at TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	acknowledged_at TIMESTAMPTZ,
	acknowledged_by VARCHAR,
	ack_reason VARCHAR,
	stopped_experiment BOOLEAN NOT NULL DEFAULT false,
	webhook_status VARCHAR            -- null: no webhook configured; delivered | failed: <why>
);
`
	},
	{
		version: 5,
		name: 'the KPI filters as macros',
		sql: `
-- the Overview's filters (docs/metrics.md, "Filters"), one definition for every query in queries/kpi/
-- an account the account filters select: its attributes, and its assignment to an experiment (and arm)
CREATE MACRO kpi_account_match(account, a_segment, a_product, a_region, a_vulnerable, segment, product, region, vulnerable, experiment, arm) AS
	(segment IS NULL OR a_segment = segment)
	AND (product IS NULL OR a_product = product)
	AND (region IS NULL OR a_region = region)
	AND (vulnerable IS NULL OR a_vulnerable = vulnerable)
	AND (experiment IS NULL OR account IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = experiment AND (arm IS NULL OR x.variant = arm)));
-- an interaction the contact filters select
CREATE MACRO kpi_contact_match(i_channel, i_tone, i_template, i_agent, channel, tone, template, agent) AS
	(channel IS NULL OR i_channel = channel)
	AND (tone IS NULL OR i_tone = tone)
	AND (template IS NULL OR i_template = template)
	AND (agent IS NULL OR i_agent = agent);
-- the accounts in scope: the account filters, and with a contact filter only the accounts
-- with a matching outbound contact in [p_from, p_to]
CREATE MACRO kpi_scope(p_from, p_to, segment, product, region, vulnerable, experiment, arm, channel, tone, template, agent) AS TABLE
	SELECT a.* FROM accounts a
	WHERE kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, segment, product, region, vulnerable, experiment, arm)
		AND ((channel IS NULL AND tone IS NULL AND template IS NULL AND agent IS NULL)
			OR a.account_id IN (
				SELECT i.account_id FROM interactions i
				WHERE i.direction = 'outbound' AND i.occurred_at >= p_from::TIMESTAMPTZ AND i.occurred_at < p_to::DATE + 1
					AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, channel, tone, template, agent)));
`
	},
	{
		version: 6,
		name: 'kpi_scope reads interactions only when a contact filter is set',
		sql: `
-- as in migration 5, with the contact subquery guarded by the filters being set, so that
-- without a contact filter DuckDB does not scan the interactions at all
CREATE OR REPLACE MACRO kpi_scope(p_from, p_to, segment, product, region, vulnerable, experiment, arm, channel, tone, template, agent) AS TABLE
	SELECT a.* FROM accounts a
	WHERE kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, segment, product, region, vulnerable, experiment, arm)
		AND ((channel IS NULL AND tone IS NULL AND template IS NULL AND agent IS NULL)
			OR a.account_id IN (
				SELECT i.account_id FROM interactions i
				WHERE (channel IS NOT NULL OR tone IS NOT NULL OR template IS NOT NULL OR agent IS NOT NULL)
					AND i.direction = 'outbound' AND i.occurred_at >= p_from::TIMESTAMPTZ AND i.occurred_at < p_to::DATE + 1
					AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, channel, tone, template, agent)));
`
	},
	{
		version: 7,
		name: 'experiment statistics kept across restarts',
		sql: `
-- the sufficient statistics of an experiment's analysis (src/lib/server/experiments/analysis/cache.ts),
-- valid while their key (data, assignments, start, as-of date) is the same: a restarted server
-- reads them instead of joining the interactions again
CREATE TABLE experiment_stats (
	experiment_id VARCHAR NOT NULL,
	as_of DATE NOT NULL,
	key VARCHAR NOT NULL,
	computed_ms BIGINT NOT NULL,
	stats VARCHAR NOT NULL,           -- JSON: cells and time_cells
	saved_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (experiment_id, as_of)
);
`
	},
	{
		version: 8,
		name: 'compliance: policy pack versions, audits and their findings',
		sql: `
-- every version of every policy pack (compliance.md): the files in policies/ are loaded as
-- versions (source 'file'); a change from the product adds the next version (source 'product').
-- The latest version of a pack is the one in force; nothing is ever overwritten.
CREATE TABLE policy_pack_versions (
	pack_id VARCHAR NOT NULL,
	version INTEGER NOT NULL,
	title VARCHAR NOT NULL,
	yaml VARCHAR NOT NULL,            -- the pack as written (validated by packSchema)
	hash VARCHAR NOT NULL,            -- sha256 of yaml
	source VARCHAR NOT NULL,          -- 'file' | 'product'
	saved_at TIMESTAMPTZ NOT NULL,
	saved_by VARCHAR,                 -- the user who saved it from the product; NULL for files
	comment VARCHAR,                  -- why it changed
	PRIMARY KEY (pack_id, version)
);
-- one row per audit run (src/lib/server/compliance/audit.ts): what it covered and which pack
-- versions it used
CREATE TABLE compliance_audits (
	audit_id INTEGER PRIMARY KEY,
	started_at TIMESTAMPTZ NOT NULL,
	finished_at TIMESTAMPTZ,
	period_from DATE,                 -- NULL: from the first interaction
	period_to DATE,                   -- NULL: to the last interaction
	packs VARCHAR NOT NULL,           -- JSON [{"pack_id","version","hash","title"}]
	trigger VARCHAR NOT NULL,         -- 'import' | 'manual' | 'cli'
	run_by VARCHAR,
	contacts BIGINT,                  -- interactions in the audited period
	findings BIGINT,
	duration_ms BIGINT,
	status VARCHAR NOT NULL           -- 'running' | 'done' | 'failed'
);
-- the findings of an audit: one row per finding, with the interactions that make it up
CREATE TABLE compliance_findings (
	audit_id INTEGER NOT NULL,
	finding_id INTEGER NOT NULL,      -- 1.. within the audit
	pack_id VARCHAR NOT NULL,
	pack_version INTEGER NOT NULL,
	rule_id VARCHAR NOT NULL,
	rule_type VARCHAR NOT NULL,       -- frequency, after_conversation, time_of_day, …
	kind VARCHAR NOT NULL,            -- 'presumed_violation' | 'violation' | 'risk_flag'
	customer_id VARCHAR NOT NULL,     -- the person (a third party's id for calls to a third party)
	account_id VARCHAR,               -- the debt; NULL for a finding per contact point
	window_start DATE,                -- local dates of the window, for window findings
	window_end DATE,
	occurred_at TIMESTAMPTZ NOT NULL, -- the contact that made the finding (the last of a window)
	local_date DATE NOT NULL,         -- its local date at the consumer's address (the finding's date)
	channel VARCHAR,                  -- of that contact
	agent_id VARCHAR,
	template_id VARCHAR,
	experiment_id VARCHAR,
	variant VARCHAR,
	interaction_ids VARCHAR[] NOT NULL,
	detail VARCHAR NOT NULL,          -- the evidence in words ("8 placed calls on 7 dates 3-9 Mar")
	PRIMARY KEY (audit_id, finding_id)
);
`
	},
	{
		version: 9,
		name: 'compliance: the contact index the audit reads',
		sql: `
-- The compliance audit's slim copy of the interactions, kept between audits (compliance/
-- contact-index.ts): one row per interaction with numbers instead of text where it can, and its
-- local time at the account's address and at the contact point's zone. Each audit appends the
-- interactions added since the last one (or rebuilds it when an import changed rows in place).
CREATE TYPE contact_party AS ENUM ('consumer', 'third_party', 'consumer_attorney', 'creditor', 'credit_bureau');
CREATE TYPE contact_channel AS ENUM ('call', 'sms', 'email', 'letter', 'push', 'in_app', 'ringless_voicemail');
CREATE TYPE contact_direction AS ENUM ('outbound', 'inbound');
CREATE TYPE contact_outcome AS ENUM ('no_answer', 'busy', 'not_in_service', 'voicemail_left', 'voicemail_no_message',
	'answered_dropped', 'conversation', 'wrong_number', 'sent', 'delivered', 'bounced', 'opened', 'clicked', 'replied', 'opted_out');
CREATE TABLE contact_index_zones (
	zid USMALLINT PRIMARY KEY,        -- the number the index uses for an IANA zone
	zone VARCHAR NOT NULL
);
CREATE TABLE contact_index_regions (
	rg USMALLINT PRIMARY KEY,         -- the number the index uses for accounts.region
	region VARCHAR NOT NULL
);
CREATE TABLE contact_index (
	rid BIGINT NOT NULL,              -- interactions.rowid
	aid INTEGER NOT NULL,             -- accounts.rowid of the interaction's account
	rg USMALLINT NOT NULL,            -- the account's region (contact_index_regions)
	cid UBIGINT NOT NULL,             -- hash(customer_id): the person
	pk UINTEGER NOT NULL,             -- hash(contact_point), 32 bits: tells one person's numbers apart
	party contact_party NOT NULL,
	channel contact_channel NOT NULL,
	direction contact_direction NOT NULL,
	outcome contact_outcome NOT NULL,
	ts BIGINT NOT NULL,               -- occurred_at, µs since the epoch
	za USMALLINT NOT NULL,            -- the zone of the account's address
	zc USMALLINT,                     -- the contact point's zone, when it differs
	la BIGINT NOT NULL,               -- local time at the address, µs since the local epoch
	lc BIGINT                         -- local time at the contact point, when zc is set
);
-- what the index was made from: the latest import batch, the number of interactions and the
-- largest row id (one row)
CREATE TABLE contact_index_state (
	batch_id BIGINT NOT NULL,
	interactions BIGINT NOT NULL,
	max_rid BIGINT NOT NULL,
	refreshed_at TIMESTAMPTZ NOT NULL
);
`
	},
	{
		version: 10,
		name: 'compliance: findings without a primary-key index',
		sql: `
-- The findings of an audit are numbered by the audit itself (finding_id 1..n, in one statement)
-- and deleted an audit at a time (the ten latest audits keep theirs); the primary key's index cost
-- a third of a second per audit at 30 M interactions (438,000 findings inserted, as many
-- deleted) and served no look-up that the zone maps of audit_id do not. The table is made again
-- without it.
CREATE TABLE compliance_findings_v10 (
	audit_id INTEGER NOT NULL,
	finding_id INTEGER NOT NULL,      -- 1.. within the audit
	pack_id VARCHAR NOT NULL,
	pack_version INTEGER NOT NULL,
	rule_id VARCHAR NOT NULL,
	rule_type VARCHAR NOT NULL,       -- frequency, after_conversation, time_of_day, …
	kind VARCHAR NOT NULL,            -- 'presumed_violation' | 'violation' | 'risk_flag'
	customer_id VARCHAR NOT NULL,     -- the person (a third party's id for calls to a third party)
	account_id VARCHAR,               -- the debt; NULL for a finding per contact point
	window_start DATE,                -- local dates of the window, for window findings
	window_end DATE,
	occurred_at TIMESTAMPTZ NOT NULL, -- the contact that made the finding (the last of a window)
	local_date DATE NOT NULL,         -- its local date at the consumer's address (the finding's date)
	channel VARCHAR,                  -- of that contact
	agent_id VARCHAR,
	template_id VARCHAR,
	experiment_id VARCHAR,
	variant VARCHAR,
	interaction_ids VARCHAR[] NOT NULL,
	detail VARCHAR NOT NULL          -- the evidence in words ("8 placed calls on 7 dates 3-9 Mar")
);
INSERT INTO compliance_findings_v10 SELECT * FROM compliance_findings;
DROP TABLE compliance_findings;
ALTER TABLE compliance_findings_v10 RENAME TO compliance_findings;
`
	},
	{
		version: 11,
		name: 'compliance: the contact index written again in order of channel, region and person',
		sql: `
-- The contact index is now written in order of channel, region and person (the audit's scans skip
-- the row groups a rule cannot count). Forgetting what it was made from makes the next audit
-- build it again in that order.
DELETE FROM contact_index_state;
`
	},
	{
		version: 12,
		name: 'the metric layer: summary filters on experiment arms, and the layout the summaries were built with',
		sql: `
-- the account filters of the summary tables (queries/kpi/summary_*.sql): the account attributes,
-- and the experiment arms as bits (kpi_accounts.arms; arm_bits: the bits of the experiment or arm
-- filtered on, NULL for none)
CREATE MACRO kpi_summary_match(a_segment, a_product, a_region, a_vulnerable, a_arms, segment, product, region, vulnerable, arm_bits) AS
	(segment IS NULL OR a_segment = segment)
	AND (product IS NULL OR a_product = product)
	AND (region IS NULL OR a_region = region)
	AND (vulnerable IS NULL OR a_vulnerable = vulnerable)
	AND (arm_bits IS NULL OR (a_arms & arm_bits::UBIGINT) <> 0);
-- the summaries are fresh only when built by the same SQL (a hash of it): an upgrade that changes
-- a metric or a summary table reads the raw tables until they are rebuilt
ALTER TABLE kpi_summary_state ADD COLUMN layout VARCHAR;
DELETE FROM kpi_summary_state;
`
	},
	{
		version: 13,
		name: 'the incremental refresh of the KPI summary tables: the keys of the rows an import replaced',
		sql: `
-- an import that replaces rows (a correction) writes here, in its transaction, the account,
-- customer and day the replaced rows had before: the incremental refresh of the summary tables
-- (src/lib/server/kpi/summary-tables.ts) recomputes them as well as the new rows' (which carry their
-- import_batch_id); it deletes the rows of the imports it has taken in
CREATE TABLE kpi_replaced_rows (
	batch_id BIGINT NOT NULL,
	table_name VARCHAR NOT NULL,
	account_id VARCHAR,
	customer_id VARCHAR,
	day DATE
);
-- the rows the incremental refreshes have added out of order to kpi_account_contacts since it
-- was last rebuilt whole (in order, so that a filter on contacts skips most of it): past a
-- share of the table, the next refresh rebuilds it whole
ALTER TABLE kpi_summary_state ADD COLUMN appended_rows BIGINT DEFAULT 0;
`
	},
	{
		version: 14,
		name: 'sign-in throttling instead of account locks: the lock columns go',
		sql: `
-- failed sign-ins are throttled per user and address in the server's memory
-- (src/lib/server/auth/throttle.ts); no account is locked, so nobody can lock out another
ALTER TABLE users DROP COLUMN failed_attempts;
ALTER TABLE users DROP COLUMN locked_until;
`
	},
	{
		version: 15,
		name: 'one word per idea: the trail (who did what) is the table trail; "audit" is only the compliance audit',
		sql: `
ALTER TABLE audit_trail RENAME TO trail;
`
	},
	{
		version: 16,
		name: 'compliance: the audits owed by imports that committed and were not audited yet',
		sql: `
-- an import that changed rows writes here, in its own transaction, that an audit is owed: which
-- batch, how many rows it changed, how many of them are interactions and their dates; a finished
-- audit of all interactions with every pack in force deletes, in its own transaction, the rows it
-- read (src/lib/server/compliance/owed.ts). A row left here (a process killed between the import
-- and its audit) makes the compliance pages say what is not audited yet, and the server audit at start.
CREATE TABLE audit_owed (
	batch_id BIGINT PRIMARY KEY,
	table_name VARCHAR NOT NULL,
	file_name VARCHAR NOT NULL,
	changed_rows BIGINT NOT NULL,     -- rows inserted or replaced
	interactions BIGINT NOT NULL,     -- of which interactions (0 for the other tables)
	interactions_from TIMESTAMPTZ,    -- the first and last occurred_at of those interactions
	interactions_to TIMESTAMPTZ,
	recorded_at TIMESTAMPTZ NOT NULL
);
`
	},
	{
		version: 17,
		name: 'compliance: the contact number of each finding',
		sql: `
-- the contact point (phone number, address or e-mail) of the contact that made a finding, as the
-- interactions hold it, so that the ranked views group findings by number without reading the
-- interactions (src/lib/server/compliance/findings/ranked.ts). The findings of audits run
-- before have none: the ranked view by number says to run the audit again.
ALTER TABLE compliance_findings ADD COLUMN contact_point VARCHAR;
`
	},
	{
		version: 18,
		name: 'accounts: the locality (a city with debt-collection rules of its own)',
		sql: `
-- the data contract's optional accounts.locality (new_york_city): a pack with localities applies
-- to the accounts of its regions in those localities only (the New York City pack to New York
-- City, not to all of US-NY)
ALTER TABLE accounts ADD COLUMN locality VARCHAR;
`
	},
	{
		version: 19,
		name: 'compliance: the history of the accounts\' zones across re-exports',
		sql: `
-- each zone an account's address has had, from when it was known (valid_from; '-infinity' for the
-- zone of the account's first import): written by every import of accounts (a re-export that
-- changes the zone adds a row valid from the import), read by the audit to judge each contact by
-- the zone as it was then (src/lib/server/compliance/zone-history.ts)
CREATE TABLE account_zones (
	account_id VARCHAR NOT NULL,
	timezone VARCHAR NOT NULL,
	valid_from TIMESTAMPTZ NOT NULL,
	import_batch_id BIGINT NOT NULL
);
INSERT INTO account_zones SELECT account_id, timezone, '-infinity'::TIMESTAMPTZ, import_batch_id FROM accounts;
`
	},
	{
		version: 20,
		name: 'interactions: the purpose of a contact (location inquiry, opt-out confirmation, notices after a cease, credit report)',
		sql: `
-- the data contract's optional interactions.purpose: the Regulation F rules of
-- docs/compliance-regf-more.md read it (the exceptions of 1006.14(h)(2) and 1006.6(c)(2), the
-- location inquiries of 1006.10(c), the credit reports of 1006.30(a)); empty in older exports
ALTER TABLE interactions ADD COLUMN purpose VARCHAR;
`
	},
	{
		version: 21,
		name: 'compliance: the ranked views of an audit, counted once after it',
		sql: `
-- The ranked views without a filter (src/lib/server/compliance/findings/ranked.ts,
-- docs/compliance-ranked.md), counted once per audit after it is done: every group of every
-- grouping (account, customer, agent, template, number, rule) with what a ranked row shows,
-- with its place in each order, so that a page is a range of these rows instead of a grouping of
-- the findings; and the values the filters offer.
-- An audit's findings never change, so neither do these rows; they go with the audit's findings.
CREATE TABLE compliance_ranked_groups (
	audit_id INTEGER NOT NULL,
	grouping VARCHAR NOT NULL,       -- account, customer, agent, template, number or rule
	key VARCHAR NOT NULL,
	findings INTEGER NOT NULL,
	violation INTEGER NOT NULL,
	presumed_violation INTEGER NOT NULL,
	risk_flag INTEGER NOT NULL,
	accounts INTEGER NOT NULL,        -- the accounts (debts) the group's findings are about
	customers INTEGER NOT NULL,       -- the people named by them (counted for by = 'account' only, else 0)
	first DATE NOT NULL,
	latest DATE NOT NULL,
	top_account VARCHAR,              -- the account with the most findings (the first by id among equals; none without a debt)
	top_customer VARCHAR,
	top_findings INTEGER,
	top_date DATE,
	weeks VARCHAR,                    -- the findings per week, "YYYY-MM-DD=n" words (the Monday)
	-- the group's place (1, 2, …) in each order the page offers, each way (ranked.ts's
	-- rankedOrderSql: findings, severity, a kind, accounts, latest, name; desc and asc), so that a
	-- page is the rows whose place is in its range
	pos_findings_desc INTEGER NOT NULL,
	pos_findings_asc INTEGER NOT NULL,
	pos_severity_desc INTEGER NOT NULL,
	pos_severity_asc INTEGER NOT NULL,
	pos_violation_desc INTEGER NOT NULL,
	pos_violation_asc INTEGER NOT NULL,
	pos_presumed_violation_desc INTEGER NOT NULL,
	pos_presumed_violation_asc INTEGER NOT NULL,
	pos_risk_flag_desc INTEGER NOT NULL,
	pos_risk_flag_asc INTEGER NOT NULL,
	pos_accounts_desc INTEGER NOT NULL,
	pos_accounts_asc INTEGER NOT NULL,
	pos_latest_desc INTEGER NOT NULL,
	pos_latest_asc INTEGER NOT NULL,
	pos_name_desc INTEGER NOT NULL,
	pos_name_asc INTEGER NOT NULL
);
-- one row per audit and grouping, written with its groups (in one transaction): the findings in
-- all, those without a value for the key, the first and last local dates, the number of groups
CREATE TABLE compliance_ranked_scope (
	audit_id INTEGER NOT NULL,
	grouping VARCHAR NOT NULL,       -- account, customer, agent, template, number or rule
	scope_findings INTEGER NOT NULL,
	unranked INTEGER NOT NULL,
	scope_first DATE,
	scope_last DATE,
	groups INTEGER NOT NULL,
	built_ms INTEGER NOT NULL          -- how long counting this grouping took
);
-- the values the findings filters offer for the audit (findings_filter_values.sql's answer),
-- written in the same transaction: field is pack, rule, kind, channel, agent, template or arm
CREATE TABLE compliance_ranked_values (
	audit_id INTEGER NOT NULL,
	field VARCHAR NOT NULL,
	value VARCHAR NOT NULL
);
`
	}
];
