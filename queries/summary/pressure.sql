-- summary/pressure: the outbound contacts of `pressure_source` (summary/outbound_contacts' rows:
-- ak, day, combo, channel, outcome, occurred_at, …), each with `pressure`, the bucket
-- (src/lib/pressure.ts) of the account's outbound contacts in the 7 days before it ([occurred_at −
-- 7 days, occurred_at), by exact instant; itself not counted). Put after `WITH pressure_source AS
-- (…)` by summary/account_weeks (every contact) and summary/refresh_contacts (the weeks an
-- import touched and the week before each, for the look-back).
SELECT *, {{metrics:pressure_bucket(prior)}} AS pressure
FROM (
	-- (the instant as microseconds: a range over integers ran in half the time of one over
	-- timestamps and intervals, 6.5 s against 12.6 s over the 28 million contacts of 1M accounts)
	SELECT *, count(*) OVER (PARTITION BY ak ORDER BY epoch_us(occurred_at) RANGE BETWEEN {{metrics:pressure_window_us}} PRECEDING AND 1 PRECEDING) AS prior
	FROM pressure_source
)
