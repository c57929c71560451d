-- summary/account_weeks: rebuilds kpi_account_weeks and kpi_contact_days from the outbound
-- interactions. kpi_account_weeks: one row per account and calendar week (Monday to Sunday,
-- UTC) with an outbound contact: the week's contacts, a 7-bit mask of the days with one
-- (bit 0 = Monday), the last contact day of the week and of the account's previous
-- contacted week (1900-01-01 when there is none), next to the account's attributes. kpi_contact_days: per day and account
-- attributes, the outbound contacts, calls and right-party conversations. A period's
-- "accounts contacted" counts each account once, at its first week with a contact on a day
-- of the period (its previous contacted week ended before the period).
-- src/lib/server/kpi/summaries.ts rebuilds them after every import. No parameters.
CREATE OR REPLACE TEMP TABLE cw_contact_days AS
SELECT account_id, occurred_at::DATE AS day,
	{{metrics:contact_counts}}
FROM interactions
WHERE direction = 'outbound'
GROUP BY ALL;

CREATE OR REPLACE TABLE kpi_account_weeks AS
WITH w AS (
	SELECT account_id, date_trunc('week', day)::DATE AS week,
		sum(outbound_contacts)::INTEGER AS contacts,
		bit_or((1 << (isodow(day) - 1))::UTINYINT) AS days_mask,
		max(day) AS last_day
	FROM cw_contact_days
	GROUP BY ALL
)
SELECT w.week, w.account_id, a.segment, a.product, a.region, a.vulnerable, w.contacts, w.days_mask, w.last_day,
	-- no previous week: a day long before any data (a NULL would cost a test on every read)
	coalesce(lag(w.last_day) OVER (PARTITION BY w.account_id ORDER BY w.week), DATE '1900-01-01') AS previous_last_day
FROM w JOIN accounts a USING (account_id)
ORDER BY w.week, w.account_id;

CREATE OR REPLACE TABLE kpi_contact_days AS
SELECT d.day, a.segment, a.product, a.region, a.vulnerable,
	sum(d.outbound_contacts)::BIGINT AS outbound_contacts, sum(d.outbound_calls)::BIGINT AS outbound_calls, sum(d.conversations)::BIGINT AS conversations
FROM cw_contact_days d JOIN accounts a USING (account_id)
GROUP BY ALL
ORDER BY d.day;

DROP TABLE cw_contact_days;
