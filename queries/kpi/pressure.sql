-- kpi/pressure: opt-outs and complaints by the contact pressure an account was under: the
-- number of outbound contacts it received in the 7 days before (occurred_at in [x − 7 days,
-- x), by exact instant), in buckets 0, 1, 2, 3–4, 5–7, 8+.
-- - messages: outbound messages (sms, email, letter, push, in_app) sent in [$from, $to],
--   each in the bucket of the contacts before it (itself not counted); opt_outs: those
--   messages whose outcome is opted_out.
-- - complaints: complaints received in [$from, $to], each in the bucket of the contacts
--   before its received_at; accounts: the accounts seen at that pressure in the period, at
--   one of their outbound contacts (the contacts before it) or at a complaint (an account can
--   be seen at several pressures, so the buckets' accounts do not add up to the accounts).
-- The contacts counted (messages, contacts before, contacts where an account is seen) are
-- those matching the contact filters; with a contact filter set, complaints count only for
-- the accounts with at least one matching outbound contact in [$from, $to].
-- Rows: bucket (0…5, the order), prior_contacts (the bucket's label), messages, opt_outs,
-- accounts, complaints; only buckets with messages or accounts.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent the contacts counted. NULL means no
-- filter.
WITH acc AS (
	SELECT a.account_id FROM accounts a
	WHERE true
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
-- the matching outbound contacts, from 7 days before the period for the look-back
o AS (
	SELECT i.account_id, i.occurred_at, i.channel, i.outcome
	FROM interactions i JOIN acc USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ - INTERVAL 7 DAY AND i.occurred_at < $to::DATE + 1
		AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
),
sent AS (
	SELECT account_id, occurred_at, channel, outcome,
		count(*) OVER (PARTITION BY account_id ORDER BY occurred_at RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING) AS prior
	FROM o
),
contact_seen AS (
	SELECT account_id, prior, channel NOT IN ('call', 'ringless_voicemail') AS is_message, outcome = 'opted_out' AS opted_out
	FROM sent WHERE occurred_at >= $from::TIMESTAMPTZ
),
complaint_seen AS (
	SELECT k.complaint_id, k.account_id,
		(SELECT count(*) FROM o WHERE o.account_id = k.account_id AND o.occurred_at >= k.received_at - INTERVAL 7 DAY AND o.occurred_at < k.received_at) AS prior
	FROM complaints k JOIN acc USING (account_id)
	WHERE k.received_at >= $from::TIMESTAMPTZ AND k.received_at < $to::DATE + 1
		AND (($channel IS NULL AND $tone IS NULL AND $template IS NULL AND $agent IS NULL)
			OR k.account_id IN (SELECT account_id FROM o WHERE occurred_at >= $from::TIMESTAMPTZ))
),
seen AS (
	SELECT account_id, prior, is_message, opted_out, false AS complained FROM contact_seen
	UNION ALL
	SELECT account_id, prior, false, false, true FROM complaint_seen
),
bucketed AS (
	SELECT *, CASE WHEN prior = 0 THEN 0 WHEN prior = 1 THEN 1 WHEN prior = 2 THEN 2 WHEN prior <= 4 THEN 3 WHEN prior <= 7 THEN 4 ELSE 5 END AS bucket
	FROM seen
)
SELECT bucket,
	['0', '1', '2', '3–4', '5–7', '8+'][bucket + 1] AS prior_contacts,
	count(*) FILTER (WHERE is_message) AS messages,
	count(*) FILTER (WHERE is_message AND opted_out) AS messages_opted_out,
	count(DISTINCT account_id) AS accounts,
	count(*) FILTER (WHERE complained) AS complaints_seen
FROM bucketed
GROUP BY bucket
ORDER BY bucket;
