-- summary/account_weeks: rebuilds, from the outbound interactions, the summary tables of the
-- contacts (each next to the account's attributes, its number ak and its experiment arms, from
-- kpi_accounts; weeks are calendar weeks, Monday to Sunday, UTC):
-- - kpi_contact_combos: each combination of channel, tone, template and agent that occurs, with
--   its number combo, a hash of the four (a filter on contacts selects a set of combos);
-- - kpi_account_weeks: one row per account and week with an outbound contact: the week's
--   contacts, a 7-bit mask of the days with one (bit 0 = Monday), the last contact day of the
--   week and of the account's previous contacted week (1900-01-01 when there is none). A
--   period's "accounts contacted" counts each account once, at its first week with a contact
--   on a day of the period (its previous contacted week ended before the period);
-- - kpi_account_contacts: the same per account, week and combo (days mask and contacts), sorted
--   by combo and week: the accounts a filter on contacts reaches in a period, and their load;
-- - kpi_contact_combo_days: per combo, day, account attributes and arms, the contact counts of
--   the metric catalogue (outbound contacts, calls, conversations: {{metrics:contact_counts}});
--   kpi_contact_days: the same without the combo (the views without a filter on contacts).
-- src/lib/server/kpi/summaries.ts rebuilds them after every import. No parameters.
-- a combo's number is a hash of its four values, so the 29 million interactions need no join to
-- find it; kpi_contact_combos says which values each number stands for (a collision of two
-- combos would make it fail: the hash is its primary key)
CREATE OR REPLACE TEMP TABLE cw_contact_days AS
SELECT ak, day, combo,
	{{metrics:contact_counts}}
FROM (
	{{include:summary/outbound_contacts}}
)
GROUP BY ALL;

CREATE OR REPLACE TABLE kpi_contact_combos (combo UBIGINT PRIMARY KEY, channel VARCHAR, tone VARCHAR, template_id VARCHAR, agent_id VARCHAR);
INSERT INTO kpi_contact_combos
SELECT DISTINCT hash(channel, tone, template_id, agent_id), channel, tone, template_id, agent_id FROM interactions WHERE direction = 'outbound';

CREATE OR REPLACE TABLE kpi_account_contacts AS
SELECT d.combo, date_trunc('week', d.day)::DATE AS week, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms,
	bit_or((1 << (isodow(d.day) - 1))::UTINYINT) AS days_mask,
	sum(d.outbound_contacts)::INTEGER AS contacts
FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
GROUP BY ALL
ORDER BY d.combo, week, a.ak;

CREATE OR REPLACE TABLE kpi_account_weeks AS
WITH w AS (
	SELECT ak, date_trunc('week', day)::DATE AS week,
		sum(outbound_contacts)::INTEGER AS contacts,
		bit_or((1 << (isodow(day) - 1))::UTINYINT) AS days_mask,
		max(day) AS last_day
	FROM cw_contact_days
	GROUP BY ALL
)
SELECT w.week, a.account_id, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms, w.contacts, w.days_mask, w.last_day,
	-- no previous week: a day long before any data (a NULL would cost a test on every read)
	coalesce(lag(w.last_day) OVER (PARTITION BY w.ak ORDER BY w.week), DATE '1900-01-01') AS previous_last_day
FROM w JOIN kpi_accounts a USING (ak)
ORDER BY w.week, a.ak;

CREATE OR REPLACE TABLE kpi_contact_combo_days AS
SELECT d.day, a.segment, a.product, a.region, a.vulnerable, a.arms, d.combo,
	sum(d.outbound_contacts)::BIGINT AS outbound_contacts, sum(d.outbound_calls)::BIGINT AS outbound_calls, sum(d.conversations)::BIGINT AS conversations
FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
GROUP BY ALL
ORDER BY d.combo, d.day;

CREATE OR REPLACE TABLE kpi_contact_days AS
SELECT day, segment, product, region, vulnerable, arms,
	sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(outbound_calls)::BIGINT AS outbound_calls, sum(conversations)::BIGINT AS conversations
FROM kpi_contact_combo_days
GROUP BY ALL
ORDER BY day;

DROP TABLE cw_contact_days;
