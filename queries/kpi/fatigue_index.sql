-- kpi/fatigue_index: the contact-fatigue index per account-week (calendar weeks
-- Monday–Sunday, UTC, of the accounts with outbound contacts that week, for the contacts made
-- in [$from, $to]): the week's contacts are put in time order (occurred_at, ties by
-- interaction_id) and the index is the sum of the intrusiveness weights of the contacts after
-- the first $threshold (0 for a week with $threshold contacts or fewer). The weights per
-- channel come as bound parameters from FATIGUE_WEIGHTS in src/lib/fatigue.ts.
-- One row: account_weeks, weeks_over (index > 0), total_index (exact: the weights are
-- decimals), max_index; no row when there is no account-week. The mean is total ÷ weeks.
-- Parameters: $from, $to (dates), $threshold (contacts a week), $weight_call,
-- $weight_ringless_voicemail, $weight_sms, $weight_push, $weight_email, $weight_letter,
-- $weight_in_app (numbers, 2 decimals); $segment, $product, $region, $vulnerable,
-- $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the contacts
-- counted. NULL means no filter.
WITH weights(channel, weight) AS (
	VALUES ('call', $weight_call::DECIMAL(9,2)), ('ringless_voicemail', $weight_ringless_voicemail::DECIMAL(9,2)),
		('sms', $weight_sms::DECIMAL(9,2)), ('push', $weight_push::DECIMAL(9,2)), ('email', $weight_email::DECIMAL(9,2)),
		('letter', $weight_letter::DECIMAL(9,2)), ('in_app', $weight_in_app::DECIMAL(9,2))
),
c AS (
	SELECT i.account_id, i.interaction_id, i.occurred_at, i.channel, date_trunc('week', i.occurred_at::DATE)::DATE AS week
	FROM interactions i JOIN accounts a USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
),
weeks AS (
	SELECT account_id, week, count(*) AS contacts FROM c GROUP BY account_id, week
),
-- only the weeks over the threshold need their contacts in order
beyond AS (
	SELECT c.account_id, c.week, c.channel,
		row_number() OVER (PARTITION BY c.account_id, c.week ORDER BY c.occurred_at, c.interaction_id) AS nth
	FROM c SEMI JOIN (SELECT account_id, week FROM weeks WHERE contacts > $threshold::INTEGER) busy USING (account_id, week)
),
scored AS (
	SELECT b.account_id, b.week, sum(weights.weight) AS fatigue_index
	FROM beyond b LEFT JOIN weights USING (channel)
	WHERE b.nth > $threshold::INTEGER
	GROUP BY b.account_id, b.week
),
w AS (
	SELECT weeks.account_id, weeks.week, coalesce(scored.fatigue_index, 0) AS fatigue_index
	FROM weeks LEFT JOIN scored USING (account_id, week)
)
SELECT {{metrics:count(account_weeks)}},
	count(*) FILTER (WHERE fatigue_index > 0) AS weeks_over,
	sum(fatigue_index)::DOUBLE AS total_index,
	max(fatigue_index)::DOUBLE AS max_index
FROM w
HAVING count(*) > 0;
