-- summary/pressure: the outbound contacts of `pressure_source` (summary/outbound_contacts' rows:
-- ak, day, combo, channel, outcome, occurred_at, interaction_id), each with
-- - `pressure`, the bucket (src/lib/pressure.ts) of the account's outbound contacts in the 7 days
--   before it ([occurred_at − 7 days, occurred_at), by exact instant; itself not counted);
-- - `fatigue`, its weight in the contact-fatigue index (src/lib/fatigue.ts) when it comes after the
--   first ones of its calendar week (the default threshold, in time order: occurred_at, ties by
--   interaction_id), else NULL: it does when the account's contact that many places before it, in
--   that order, is in the same week (the week's contacts are consecutive in it).
-- Both are windows over each account's contacts in time order: one sort serves the two (a row
-- number per account and week took a second sort of every contact). Put after
-- `WITH pressure_source AS (…)` by summary/account_weeks (every contact) and
-- summary/refresh_contacts (the weeks an import touched, whole, and the week before each for the
-- look-back: rows with a NULL day, which are never in a week touched).
SELECT * EXCLUDE (prior, earlier_day), {{metrics:pressure_bucket(prior)}} AS pressure,
	CASE WHEN date_trunc('week', earlier_day) = date_trunc('week', day) THEN {{metrics:fatigue_weight(channel)}} END AS fatigue
FROM (
	-- (the instant as microseconds: a range over integers ran in half the time of one over
	-- timestamps and intervals, 6.5 s against 12.6 s over the 28 million contacts of 1M accounts)
	SELECT *, count(*) OVER (PARTITION BY ak ORDER BY epoch_us(occurred_at) RANGE BETWEEN {{metrics:pressure_window_us}} PRECEDING AND 1 PRECEDING) AS prior,
		lag(day, {{metrics:default_contact_threshold}}) OVER (PARTITION BY ak ORDER BY epoch_us(occurred_at), interaction_id) AS earlier_day
	FROM pressure_source
)
