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
-- src/lib/server/kpi/summaries.ts rebuilds them after every import. No parameters.
-- a combo's number is a hash of its four values, so the 29 million interactions need no join to
-- find it; kpi_contact_combos says which values each number stands for (a collision of two
-- combos would make it fail: the hash is its primary key)
CREATE OR REPLACE TEMP TABLE cw_contact_days AS
SELECT ak, day, combo,
	{{metrics:contact_counts}},
	{{metrics:engagement_counts}},
	{{metrics:pressure_columns}}
FROM (
	WITH pressure_source AS (
		{{include:summary/outbound_contacts}}
	)
	{{include:summary/pressure}}
)
GROUP BY ALL;

-- the fatigue index's parts (summary/fatigue)
CREATE OR REPLACE TEMP TABLE cw_fatigue AS
WITH fatigue_source AS (
	{{include:summary/outbound_contacts}}
),
{{include:summary/fatigue}};

CREATE OR REPLACE TABLE kpi_contact_combos (combo UBIGINT PRIMARY KEY, channel VARCHAR, tone VARCHAR, template_id VARCHAR, agent_id VARCHAR);
INSERT INTO kpi_contact_combos
SELECT DISTINCT hash(channel, tone, template_id, agent_id), channel, tone, template_id, agent_id FROM interactions WHERE direction = 'outbound';

CREATE OR REPLACE TABLE kpi_account_contacts AS
SELECT c.*, coalesce(f.fatigue_index, 0)::DECIMAL(9,2) AS fatigue_index
FROM (
	SELECT d.combo, date_trunc('week', d.day)::DATE AS week, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms,
		bit_or((1 << (isodow(d.day) - 1))::UTINYINT) AS days_mask,
		sum(d.outbound_contacts)::INTEGER AS contacts,
		bit_or(d.pressure_mask) AS pressure_mask
	FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
	GROUP BY ALL
) c LEFT JOIN cw_fatigue f USING (ak, week, combo)
ORDER BY c.combo, c.week, c.ak;

-- each combo's place in the masks of the days with a contact per channel and per tone
-- (channel_days, tone_days of kpi_account_weeks; src/lib/metrics/sql.ts DAY_MASK_ATTRIBUTES)
CREATE OR REPLACE TEMP TABLE cw_combo_shifts AS
SELECT combo, {{metrics:value_shift(channel, channel)}} AS channel_shift, {{metrics:value_shift(tone, tone)}} AS tone_shift
FROM kpi_contact_combos;

CREATE OR REPLACE TABLE kpi_account_weeks AS
WITH w AS (
	SELECT d.ak, date_trunc('week', d.day)::DATE AS week,
		sum(d.outbound_contacts)::INTEGER AS contacts,
		bit_or((1 << (isodow(d.day) - 1))::UTINYINT) AS days_mask,
		max(d.day) AS last_day,
		bit_or(d.pressure_mask) AS pressure_mask,
		coalesce(bit_or((1 << (isodow(d.day) - 1))::UBIGINT << s.channel_shift), 0)::UBIGINT AS channel_days,
		coalesce(bit_or((1 << (isodow(d.day) - 1))::UINTEGER << s.tone_shift), 0)::UINTEGER AS tone_days
	FROM cw_contact_days d JOIN cw_combo_shifts s USING (combo)
	GROUP BY ALL
)
SELECT w.week, a.account_id, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms, w.contacts, w.days_mask, w.last_day,
	-- no previous week: a day long before any data (a NULL would cost a test on every read)
	coalesce(lag(w.last_day) OVER (PARTITION BY w.ak ORDER BY w.week), DATE '1900-01-01') AS previous_last_day,
	coalesce(f.fatigue_index, 0)::DECIMAL(9,2) AS fatigue_index,
	w.pressure_mask, w.channel_days, w.tone_days
FROM w JOIN kpi_accounts a USING (ak)
LEFT JOIN (SELECT ak, week, sum(fatigue_index) AS fatigue_index FROM cw_fatigue GROUP BY ALL) f USING (ak, week)
ORDER BY w.week, a.ak;

CREATE OR REPLACE TABLE kpi_contact_combo_days AS
SELECT d.day, a.segment, a.product, a.region, a.vulnerable, a.arms, d.combo,
	sum(d.outbound_contacts)::BIGINT AS outbound_contacts, sum(d.outbound_calls)::BIGINT AS outbound_calls, sum(d.conversations)::BIGINT AS conversations,
	{{metrics:engagement_sums}},
	{{metrics:pressure_packed_sums}}
FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
GROUP BY ALL
ORDER BY d.combo, d.day;

CREATE OR REPLACE TABLE kpi_contact_days AS
SELECT day, segment, product, region, vulnerable, arms,
	sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(outbound_calls)::BIGINT AS outbound_calls, sum(conversations)::BIGINT AS conversations,
	{{metrics:pressure_packed_sums}}
FROM kpi_contact_combo_days
GROUP BY ALL
ORDER BY day;

-- the pressure chart's packed counts hold up to {{metrics:pressure_field_max}} messages per field: a
-- day with more contacts for one combination of account attributes would overflow them
SELECT CASE WHEN max(outbound_contacts) > {{metrics:pressure_field_max}}
	THEN error('a day holds more outbound contacts for one group of accounts than the pressure summary can count (src/lib/metrics/sql.ts, PRESSURE_FIELD_MAX)') END
FROM kpi_contact_days;

DROP TABLE IF EXISTS kpi_channel_weeks;
DROP TABLE IF EXISTS kpi_tone_weeks;
CREATE OR REPLACE TABLE kpi_attribute_weeks AS
SELECT week, segment, product, region, vulnerable, arms, attribute, value, contacts, {{metrics:count(account_weeks)}}
FROM (
	SELECT c.week, c.ak, c.segment, c.product, c.region, c.vulnerable, c.arms, a.attribute, a.value, sum(c.contacts)::INTEGER AS contacts
	FROM kpi_account_contacts c JOIN kpi_contact_combos k USING (combo)
		CROSS JOIN LATERAL (VALUES ('channel', k.channel), ('tone', k.tone)) a(attribute, value)
	GROUP BY ALL
)
GROUP BY ALL
ORDER BY attribute, week;

DROP TABLE cw_contact_days;
DROP TABLE cw_fatigue;
DROP TABLE cw_combo_shifts;
