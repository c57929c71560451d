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
--   Each account-week also holds its contact-fatigue index at the default threshold (7 contacts;
--   src/lib/fatigue.ts): the weights of the contacts after the first 7 in time order, and the
--   days with a contact of each channel and of each tone (channel_days, tone_days: 7 bits per
--   value of the vocabulary), from which a filter on the channel or the tone alone finds the
--   accounts it reaches without reading kpi_account_contacts;
-- - kpi_account_contacts: the same per account, week and combo (days mask, contacts, and the part
--   of the week's fatigue index that the combo's contacts make), sorted by combo and week: the
--   accounts a filter on contacts reaches in a period, their load and their fatigue;
-- - both also hold the pressure_mask of their contacts (summary/pressure: the bucket of the
--   contacts in the 7 days before each, and its day of the week), from which the pressure chart
--   counts the accounts seen at each pressure in any period;
-- - kpi_contact_combo_days: per combo, day, account attributes and arms, the contact counts of
--   the metric catalogue (outbound contacts, calls, conversations: {{metrics:contact_counts}};
--   digital messages and the stages they reached: {{metrics:engagement_counts}}; the pressure
--   chart's messages and opt-outs per bucket, packed: messages_by_pressure, …);
--   kpi_contact_days: the contact counts without the combo (the views without a filter on contacts);
-- - kpi_attribute_weeks: per week, account attributes, arms, a contact attribute ('channel' or
--   'tone') and its value, and number of outbound contacts with that value in the week: how many
--   account-weeks had that many (the contact-load distribution per channel; the load KPI under a
--   filter on the channel or the tone alone).
-- How (docs/summaries.md, "The full rebuild"): the 29 million interactions of 1M accounts are read
-- once, into cw_contacts, one row per outbound contact with its pressure and fatigue weight (one
-- sort per account, summary/pressure); every table is then a grouping of that or of a table
-- grouped before it (kpi_account_weeks and kpi_attribute_weeks of kpi_account_contacts,
-- kpi_contact_days of the combo-days), by numbers only: the accounts' attributes and arms are
-- grouped as one number g (cw_groups) and written beside the rows at the end.
-- src/lib/server/kpi/summaries.ts rebuilds them after every import. No parameters.

-- the accounts' attributes and arms as one number g: the per-day and per-week tables group by it
CREATE OR REPLACE TEMP TABLE cw_accounts AS
SELECT account_id, ak, dense_rank() OVER (ORDER BY segment, product, region, vulnerable, arms)::INTEGER AS g
FROM kpi_accounts;

CREATE OR REPLACE TEMP TABLE cw_groups AS
SELECT c.g, any_value(a.segment) AS segment, any_value(a.product) AS product, any_value(a.region) AS region,
	any_value(a.vulnerable) AS vulnerable, any_value(a.arms) AS arms
FROM cw_accounts c JOIN kpi_accounts a USING (ak)
GROUP BY c.g;

-- every outbound contact once, with its account's number and group, pressure and fatigue weight
-- (a combo's number is a hash of its four values, so the interactions need no join to find it;
-- kpi_contact_combos says which values each number stands for: a collision of two combos would
-- make it fail, the hash is its primary key)
CREATE OR REPLACE TEMP TABLE cw_contacts AS
SELECT ak, g, day, combo, channel, outcome, pressure, fatigue
FROM (
	WITH pressure_source AS (
		{{include:summary/outbound_contacts}}
	)
	{{include:summary/pressure}}
);

CREATE OR REPLACE TABLE kpi_contact_combos (combo UBIGINT PRIMARY KEY, channel VARCHAR, tone VARCHAR, template_id VARCHAR, agent_id VARCHAR);
INSERT INTO kpi_contact_combos
SELECT hash(channel, tone, template_id, agent_id), channel, tone, template_id, agent_id
FROM interactions WHERE direction = 'outbound'
GROUP BY ALL;

-- per account, week and combo (grouped by numbers, the account's attributes joined after)
CREATE OR REPLACE TABLE kpi_account_contacts AS
SELECT c.combo, c.week, c.ak, a.segment, a.product, a.region, a.vulnerable, a.arms, c.days_mask, c.contacts, c.pressure_mask, c.fatigue_index
FROM (
	SELECT combo, week, ak, days_mask, outbound_contacts::INTEGER AS contacts, pressure_mask, coalesce(fatigue_index, 0)::DECIMAL(9,2) AS fatigue_index
	FROM (
		SELECT combo, date_trunc('week', day)::DATE AS week, ak,
			bit_or((1 << (isodow(day) - 1))::UTINYINT) AS days_mask,
			{{metrics:count(outbound_contacts)}},
			{{metrics:pressure_columns}},
			sum(fatigue) AS fatigue_index
		FROM cw_contacts
		GROUP BY ALL
	)
) c JOIN kpi_accounts a USING (ak)
ORDER BY c.combo, c.week;

-- per day, group of accounts and combo: the contact counts of the catalogue (counts: BIGINT)
CREATE OR REPLACE TEMP TABLE cw_combo_days AS
SELECT * EXCLUDE (pressure_mask)
FROM (
	SELECT day, g, combo,
		{{metrics:contact_counts}},
		{{metrics:engagement_counts}},
		{{metrics:pressure_columns}}
	FROM cw_contacts
	GROUP BY ALL
);

DROP TABLE cw_contacts;

-- (g stands for the attributes and arms one to one: its groups are theirs)
CREATE OR REPLACE TABLE kpi_contact_combo_days AS
SELECT d.day, g.segment, g.product, g.region, g.vulnerable, g.arms, d.combo, d.* EXCLUDE (day, g, combo)
FROM cw_combo_days d JOIN cw_groups g USING (g)
ORDER BY d.combo, d.day;

CREATE OR REPLACE TABLE kpi_contact_days AS
SELECT d.day, g.segment, g.product, g.region, g.vulnerable, g.arms, d.* EXCLUDE (day, g)
FROM (
	SELECT day, g,
		sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(outbound_calls)::BIGINT AS outbound_calls, sum(conversations)::BIGINT AS conversations,
		{{metrics:pressure_packed_sums}}
	FROM cw_combo_days
	GROUP BY ALL
) d JOIN cw_groups g USING (g)
ORDER BY d.day;

DROP TABLE cw_combo_days;

-- the pressure chart's packed counts hold up to {{metrics:pressure_field_max}} messages per field: a
-- day with more contacts for one combination of account attributes would overflow them
SELECT CASE WHEN max(outbound_contacts) > {{metrics:pressure_field_max}}
	THEN error('a day holds more outbound contacts for one group of accounts than the pressure summary can count (src/lib/metrics/sql.ts, PRESSURE_FIELD_MAX)') END
FROM kpi_contact_days;

-- each combo's place in the masks of the days with a contact per channel and per tone
-- (channel_days, tone_days of kpi_account_weeks; src/lib/metrics/sql.ts DAY_MASK_ATTRIBUTES)
CREATE OR REPLACE TEMP TABLE cw_combo_shifts AS
SELECT combo, {{metrics:value_shift(channel, channel)}} AS channel_shift, {{metrics:value_shift(tone, tone)}} AS tone_shift
FROM kpi_contact_combos;

-- per account and week, from its combos' rows: the days, contacts, pressure and fatigue add up;
-- the last contact day is the week's highest day bit
CREATE OR REPLACE TABLE kpi_account_weeks AS
WITH w AS (
	SELECT c.ak, c.week,
		sum(c.contacts)::INTEGER AS contacts,
		bit_or(c.days_mask) AS days_mask,
		sum(c.fatigue_index) AS fatigue_index,
		bit_or(c.pressure_mask) AS pressure_mask,
		coalesce(bit_or(c.days_mask::UBIGINT << s.channel_shift), 0)::UBIGINT AS channel_days,
		coalesce(bit_or(c.days_mask::UINTEGER << s.tone_shift), 0)::UINTEGER AS tone_days
	FROM kpi_account_contacts c JOIN cw_combo_shifts s USING (combo)
	GROUP BY ALL
)
SELECT w.week, a.account_id, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms, w.contacts, w.days_mask, w.last_day,
	-- no previous week: a day long before any data (a NULL would cost a test on every read)
	coalesce(lag(w.last_day) OVER (PARTITION BY w.ak ORDER BY w.week), DATE '1900-01-01') AS previous_last_day,
	w.fatigue_index::DECIMAL(9,2) AS fatigue_index,
	w.pressure_mask, w.channel_days, w.tone_days
FROM (SELECT *, week + floor(log2(days_mask))::INTEGER AS last_day FROM w) w JOIN kpi_accounts a USING (ak)
ORDER BY w.week;

-- per week, group of accounts, attribute and value: the account-weeks with each number of
-- contacts of that value (each combo stands for one channel and one tone: cw_combo_values)
CREATE OR REPLACE TEMP TABLE cw_values AS
SELECT row_number() OVER ()::INTEGER AS v, attribute, value
FROM (SELECT 'channel' AS attribute, channel AS value FROM kpi_contact_combos UNION SELECT 'tone', tone FROM kpi_contact_combos);

CREATE OR REPLACE TEMP TABLE cw_combo_values AS
SELECT k.combo, v.v
FROM kpi_contact_combos k JOIN cw_values v ON v.attribute = 'channel' AND v.value IS NOT DISTINCT FROM k.channel
UNION ALL
SELECT k.combo, v.v
FROM kpi_contact_combos k JOIN cw_values v ON v.attribute = 'tone' AND v.value IS NOT DISTINCT FROM k.tone;

DROP TABLE IF EXISTS kpi_channel_weeks;
DROP TABLE IF EXISTS kpi_tone_weeks;
CREATE OR REPLACE TABLE kpi_attribute_weeks AS
SELECT x.week, g.segment, g.product, g.region, g.vulnerable, g.arms, v.attribute, v.value, x.contacts, x.account_weeks
FROM (
	SELECT week, g, v, contacts, {{metrics:count(account_weeks)}}
	FROM (
		SELECT c.week, c.ak, k.v, sum(c.contacts)::INTEGER AS contacts
		FROM kpi_account_contacts c JOIN cw_combo_values k USING (combo)
		GROUP BY ALL
	) JOIN cw_accounts USING (ak)
	GROUP BY ALL
) x JOIN cw_groups g USING (g) JOIN cw_values v USING (v)
ORDER BY v.attribute, x.week;

DROP TABLE cw_combo_shifts;
DROP TABLE cw_values;
DROP TABLE cw_combo_values;
