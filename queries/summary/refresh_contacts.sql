-- summary/refresh_contacts: the incremental refresh of the contact summary tables (built whole
-- by summary/account_weeks and summary/contact_weeks) for the accounts and days whose
-- interactions changed (kr_contact_days, summary/refresh_changes):
-- - the days touched are taken with the 7 days after each: the pressure of a contact (the contacts
--   in the 7 days before it) changes with an earlier one;
-- - kpi_contact_combos gains the combinations of the new interactions;
-- - kpi_account_contacts and kpi_account_weeks: the rows of those accounts in the calendar weeks
--   of those days are computed again from the raw interactions; kpi_account_weeks' link to the
--   previous contacted week (previous_last_day) is set again for those accounts' later weeks;
-- - kpi_contact_combo_days and kpi_contact_days: those days, for every account, again;
-- - kpi_contact_weeks: those weeks, again from kpi_account_weeks;
-- - kpi_attribute_weeks: by difference: the account-weeks rewritten count out of their rows as
--   they were and into them as they are (reading those weeks whole meant reading all of
--   kpi_account_contacts, which is in order of combo first).
-- Each computation is the full rebuild's, over fewer rows, appended in the same order as the full
-- rebuild writes (src/lib/server/kpi/summaries.ts rebuilds whole once the rows appended add up).
-- No parameters.
-- the days touched, and the 7 days after each: a contact's pressure counts the contacts of the 7
-- days before it, so a new or moved contact changes the pressure of its account's later ones
CREATE OR REPLACE TEMP TABLE kr_days AS SELECT DISTINCT day + k::INTEGER AS day FROM kr_contact_days, range(8) r(k);
CREATE OR REPLACE TEMP TABLE kr_weeks AS SELECT DISTINCT date_trunc('week', day)::DATE AS week FROM kr_days;
CREATE OR REPLACE TEMP TABLE kr_aks AS SELECT DISTINCT ka.ak FROM kr_contact_days JOIN kpi_accounts ka USING (account_id);
-- the accounts as summary/outbound_contacts joins them (the refresh groups by their attributes, not by a number g)
CREATE OR REPLACE TEMP VIEW cw_accounts AS SELECT account_id, ak, NULL::INTEGER AS g FROM kpi_accounts;

-- the outbound contacts of the weeks touched, per account (ak), day and combo, from the raw table
-- the accounts whose rows are written again: those of kr_aks (every week touched) and those with a
-- contact on a day touched (kpi_contact_combo_days); only their contacts need a pressure
CREATE OR REPLACE TEMP TABLE kr_pressure_accounts AS
SELECT account_id FROM kr_contact_days
UNION
SELECT account_id FROM interactions
WHERE direction = 'outbound' AND occurred_at >= (SELECT min(day) FROM kr_days)::TIMESTAMPTZ
	AND occurred_at::DATE IN (SELECT day FROM kr_days);

-- (their pressure, summary/pressure, looks back at the week before each; the other accounts' rows
-- of these weeks are not written: kpi_account_contacts and kpi_account_weeks take those of kr_aks,
-- kpi_contact_combo_days those of the days touched)
CREATE OR REPLACE TEMP TABLE cw_contact_days AS
SELECT ak, day, combo,
	{{metrics:contact_counts}},
	{{metrics:engagement_counts}},
	{{metrics:pressure_columns}},
	sum(fatigue) AS fatigue_index
FROM (
	WITH pressure_source AS (
		{{include:summary/outbound_contacts}}
			AND i.occurred_at >= (SELECT min(week) FROM kr_weeks)::TIMESTAMPTZ -- implied by the line below; skips the older row groups
			AND date_trunc('week', i.occurred_at::DATE)::DATE IN (SELECT week FROM kr_weeks)
			AND i.account_id IN (SELECT account_id FROM kr_pressure_accounts)
		UNION ALL
		-- the look-back: the week before each week touched, the instants alone (not counted, not kept)
		SELECT ka.ak, NULL, NULL, NULL, NULL, NULL, i.occurred_at, NULL
		FROM interactions i JOIN kpi_accounts ka USING (account_id)
		WHERE i.direction = 'outbound' AND i.occurred_at >= (SELECT min(week) - 7 FROM kr_weeks)::TIMESTAMPTZ
			AND date_trunc('week', i.occurred_at::DATE)::DATE + 7 IN (SELECT week FROM kr_weeks)
			AND date_trunc('week', i.occurred_at::DATE)::DATE NOT IN (SELECT week FROM kr_weeks)
			AND i.account_id IN (SELECT account_id FROM kr_pressure_accounts)
	)
	{{include:summary/pressure}}
)
WHERE day IS NOT NULL
GROUP BY ALL;

INSERT INTO kpi_contact_combos
SELECT DISTINCT hash(channel, tone, template_id, agent_id), channel, tone, template_id, agent_id
FROM interactions
WHERE direction = 'outbound' AND occurred_at >= (SELECT min(day) FROM kr_days)::TIMESTAMPTZ
	AND occurred_at::DATE IN (SELECT day FROM kr_days)
	AND hash(channel, tone, template_id, agent_id) NOT IN (SELECT combo FROM kpi_contact_combos);

-- kpi_attribute_weeks by difference: the rows of the accounts and weeks rewritten below as they
-- were (sign -1), then as they are (sign +1)
CREATE OR REPLACE TEMP TABLE kr_attribute_rows AS
{{include:summary/attribute_rows}}, -1 AS sign
-- (the rows filtered first: with the filter beside the joins DuckDB read seven times as much)
FROM (SELECT * FROM kpi_account_contacts WHERE week IN (SELECT week FROM kr_weeks) AND ak IN (SELECT ak FROM kr_aks)) c
	JOIN kpi_contact_combos k USING (combo)
	CROSS JOIN LATERAL (VALUES ('channel', k.channel), ('tone', k.tone)) a(attribute, value)
GROUP BY ALL;

-- per account, week and combo: the accounts touched, in the weeks touched
DELETE FROM kpi_account_contacts WHERE week IN (SELECT week FROM kr_weeks) AND ak IN (SELECT ak FROM kr_aks);
INSERT INTO kpi_account_contacts BY NAME
SELECT d.combo, date_trunc('week', d.day)::DATE AS week, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms,
	bit_or((1 << (isodow(d.day) - 1))::UTINYINT) AS days_mask,
	sum(d.outbound_contacts)::INTEGER AS contacts,
	bit_or(d.pressure_mask) AS pressure_mask,
	coalesce(sum(d.fatigue_index), 0)::DECIMAL(9,2) AS fatigue_index
FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
WHERE d.ak IN (SELECT ak FROM kr_aks)
GROUP BY ALL
ORDER BY d.combo, week;

INSERT INTO kr_attribute_rows
{{include:summary/attribute_rows}}, 1 AS sign
-- (the rows filtered first: with the filter beside the joins DuckDB read seven times as much)
FROM (SELECT * FROM kpi_account_contacts WHERE week IN (SELECT week FROM kr_weeks) AND ak IN (SELECT ak FROM kr_aks)) c
	JOIN kpi_contact_combos k USING (combo)
	CROSS JOIN LATERAL (VALUES ('channel', k.channel), ('tone', k.tone)) a(attribute, value)
GROUP BY ALL;

-- per account and week: the accounts touched, from their first week touched on (a later week's
-- previous_last_day may have changed): the weeks touched from the raw table, the others as they were
CREATE OR REPLACE TEMP TABLE kr_first_week AS
SELECT ka.ak, min(date_trunc('week', c.day)::DATE) AS week
FROM kr_contact_days c JOIN kpi_accounts ka USING (account_id)
GROUP BY 1;

CREATE OR REPLACE TEMP TABLE cw_combo_shifts AS
SELECT combo, {{metrics:value_shift(channel, channel)}} AS channel_shift, {{metrics:value_shift(tone, tone)}} AS tone_shift
FROM kpi_contact_combos;

CREATE OR REPLACE TEMP TABLE kr_account_weeks AS
WITH w AS (
	SELECT c.ak, date_trunc('week', c.day)::DATE AS week,
		sum(c.outbound_contacts)::INTEGER AS contacts,
		bit_or((1 << (isodow(c.day) - 1))::UTINYINT) AS days_mask,
		max(c.day) AS last_day,
		sum(c.fatigue_index) AS fatigue_index,
		bit_or(c.pressure_mask) AS pressure_mask,
		coalesce(bit_or((1 << (isodow(c.day) - 1))::UBIGINT << s.channel_shift), 0)::UBIGINT AS channel_days,
		coalesce(bit_or((1 << (isodow(c.day) - 1))::UINTEGER << s.tone_shift), 0)::UINTEGER AS tone_days
	FROM cw_contact_days c JOIN kr_first_week f ON c.ak = f.ak AND c.day >= f.week
		JOIN cw_combo_shifts s USING (combo)
	GROUP BY ALL
	UNION ALL
	SELECT k.ak, k.week, k.contacts, k.days_mask, k.last_day, k.fatigue_index, k.pressure_mask, k.channel_days, k.tone_days
	FROM kpi_account_weeks k JOIN kr_first_week f ON k.ak = f.ak AND k.week >= f.week
	WHERE k.week NOT IN (SELECT week FROM kr_weeks)
),
-- the last contact day before the first week computed again
seed AS (
	SELECT k.ak, max(k.last_day) AS last_day
	FROM kpi_account_weeks k JOIN kr_first_week f ON k.ak = f.ak AND k.week < f.week
	GROUP BY 1
)
SELECT w.week, a.account_id, a.ak, a.segment, a.product, a.region, a.vulnerable, a.arms, w.contacts, w.days_mask, w.last_day,
	coalesce(lag(w.last_day) OVER (PARTITION BY w.ak ORDER BY w.week), s.last_day, DATE '1900-01-01') AS previous_last_day,
	-- a week touched: from the contacts again; another: as it was
	coalesce(w.fatigue_index, 0)::DECIMAL(9,2) AS fatigue_index,
	w.pressure_mask, w.channel_days, w.tone_days
FROM w JOIN kpi_accounts a USING (ak) LEFT JOIN seed s USING (ak);

DELETE FROM kpi_account_weeks k USING kr_first_week f WHERE k.ak = f.ak AND k.week >= f.week;
INSERT INTO kpi_account_weeks BY NAME SELECT * FROM kr_account_weeks ORDER BY week, ak;

-- per day, attributes, arms and combo: the days touched, for every account
DELETE FROM kpi_contact_combo_days WHERE day IN (SELECT day FROM kr_days);
INSERT INTO kpi_contact_combo_days BY NAME
SELECT day, a.segment, a.product, a.region, a.vulnerable, a.arms, combo,
	sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(outbound_calls)::BIGINT AS outbound_calls, sum(conversations)::BIGINT AS conversations,
	{{metrics:engagement_sums}},
	{{metrics:pressure_packed_sums}}
FROM cw_contact_days d JOIN kpi_accounts a USING (ak)
WHERE d.day IN (SELECT day FROM kr_days)
GROUP BY ALL
ORDER BY d.combo, d.day;

DELETE FROM kpi_contact_days WHERE day IN (SELECT day FROM kr_days);
INSERT INTO kpi_contact_days BY NAME
SELECT day, segment, product, region, vulnerable, arms,
	sum(outbound_contacts)::BIGINT AS outbound_contacts, sum(outbound_calls)::BIGINT AS outbound_calls, sum(conversations)::BIGINT AS conversations,
	{{metrics:pressure_packed_sums}}
FROM kpi_contact_combo_days
WHERE day IN (SELECT day FROM kr_days)
GROUP BY ALL
ORDER BY day;

-- the pressure chart's packed counts hold up to {{metrics:pressure_field_max}} messages per field: a
-- day with more contacts for one combination of account attributes would overflow them
SELECT CASE WHEN max(outbound_contacts) > {{metrics:pressure_field_max}}
	THEN error('a day holds more outbound contacts for one group of accounts than the pressure summary can count (src/lib/metrics/sql.ts, PRESSURE_FIELD_MAX)') END
FROM kpi_contact_days;

DELETE FROM kpi_contact_weeks WHERE week IN (SELECT week FROM kr_weeks);
INSERT INTO kpi_contact_weeks BY NAME
SELECT week, segment, product, region, vulnerable, arms, contacts, {{metrics:count(account_weeks)}}
FROM kpi_account_weeks
WHERE week IN (SELECT week FROM kr_weeks)
GROUP BY ALL
ORDER BY week;

-- each (week, attributes, attribute, value, contacts) the account-weeks rewritten moved out of or
-- into: its count of account-weeks ({{metrics:count(account_weeks)}}) plus the difference
CREATE OR REPLACE TEMP TABLE kr_attribute_delta AS
SELECT week, segment, product, region, vulnerable, arms, attribute, value, contacts, sum(sign) AS delta
FROM kr_attribute_rows
GROUP BY ALL
HAVING sum(sign) <> 0;

CREATE OR REPLACE TEMP TABLE kr_attribute_weeks AS
SELECT d.week, d.segment, d.product, d.region, d.vulnerable, d.arms, d.attribute, d.value, d.contacts,
	(coalesce(w.account_weeks, 0) + d.delta)::BIGINT AS account_weeks
FROM kr_attribute_delta d LEFT JOIN kpi_attribute_weeks w
	ON w.week = d.week AND w.segment = d.segment AND w.product = d.product AND w.region = d.region AND w.vulnerable = d.vulnerable
	AND w.arms = d.arms AND w.attribute = d.attribute AND w.value IS NOT DISTINCT FROM d.value AND w.contacts = d.contacts;

DELETE FROM kpi_attribute_weeks w USING kr_attribute_delta d
WHERE w.week = d.week AND w.segment = d.segment AND w.product = d.product AND w.region = d.region AND w.vulnerable = d.vulnerable
	AND w.arms = d.arms AND w.attribute = d.attribute AND w.value IS NOT DISTINCT FROM d.value AND w.contacts = d.contacts;
INSERT INTO kpi_attribute_weeks BY NAME
SELECT * FROM kr_attribute_weeks WHERE account_weeks > 0 ORDER BY attribute, week;

DROP TABLE cw_contact_days;
DROP TABLE cw_combo_shifts;
DROP TABLE kr_pressure_accounts;
DROP TABLE kr_attribute_rows;
DROP TABLE kr_attribute_delta;
DROP TABLE kr_attribute_weeks;
DROP VIEW cw_accounts;
