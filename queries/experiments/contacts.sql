-- experiments/contacts: one pass over the outbound interactions of the assigned accounts
-- (exp_units, queries/experiments/units.sql) while assigned (from the account's first day
-- in the experiment, ws, to $as_of; UTC dates as in queries/kpi/), per account (k):
-- - contacts: outbound contacts, all channels;
-- - conversation: whether one of them had the outcome `conversation` (right-party contact);
-- - first_contact_on: the day of the first outbound contact in the account's episode (on or
--   after started_on, up to its cure, charge-off or $as_of);
-- - conversation_before_cure: an outbound call or ringless voicemail with the outcome
--   `conversation` between started_on and the cure (a cure after one is not a self-cure);
-- - call_days: the customer's local dates, as day numbers (days since 1970-01-01), of the
--   call attempts the presumed-violation proxy counts, one entry per attempt, unsorted
--   (queries/experiments/presumed_violations.sql says which attempts and why). The local
--   date uses the zone offsets of exp_units (daylight saving included).
-- Accounts without an outbound contact while assigned have no row.
-- Parameters: $from (the earliest ws of the experiment), $as_of (date).
WITH i AS (
	-- day numbers from the instant (a TIMESTAMPTZ → DATE cast costs a time-zone lookup per
	-- row: UTC is the session's zone, so the day is the UTC day either way); the flags are
	-- computed before the join, so that it carries booleans rather than strings
	SELECT i.account_id, (epoch_us(i.occurred_at) // 86400000000)::INTEGER AS d, epoch_us(i.occurred_at) // 1000000 AS at_s,
		i.outcome = 'conversation' AS conv,
		i.outcome = 'conversation' AND i.channel IN ('call', 'ringless_voicemail') AS call_conv,
		i.channel IN ('call', 'ringless_voicemail') AND i.party = 'consumer'
			AND i.outcome NOT IN ('busy', 'not_in_service', 'wrong_number') AS attempt
	FROM interactions i
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $as_of::DATE + 1
)
SELECT u.k,
	count(*) AS contacts,
	bool_or(i.conv) AS conversation,
	(DATE '1970-01-01' + min(i.d) FILTER (WHERE i.d >= u.started_d AND i.d <= u.episode_end_d))::DATE AS first_contact_on,
	bool_or(i.call_conv AND i.d BETWEEN u.started_d AND u.cured_d) AS conversation_before_cure,
	list(((i.at_s + CASE WHEN i.at_s >= u.tz_at4 THEN u.tz_off4 WHEN i.at_s >= u.tz_at3 THEN u.tz_off3
		WHEN i.at_s >= u.tz_at2 THEN u.tz_off2 WHEN i.at_s >= u.tz_at1 THEN u.tz_off1 ELSE u.tz_off0 END) // 86400)::INTEGER)
		FILTER (WHERE i.attempt) AS call_days
FROM i JOIN exp_units u USING (account_id)
WHERE i.d >= u.ws_d
GROUP BY u.k;
