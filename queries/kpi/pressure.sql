-- kpi/pressure: opt-outs and complaints by the contact pressure an account was under: the
-- number of outbound contacts it received in the 7 days before (occurred_at in [x − 7 days,
-- x), by exact instant; every outbound contact of the account, whatever the contact filters), in
-- the buckets of src/lib/pressure.ts (0, 1, 2, 3–4, 5–7, 8+).
-- - messages (the catalogue's `messages`: sms, email, letter, push, in_app) sent in [$from, $to],
--   each in the bucket of the contacts before it (itself not counted); messages_opted_out: those
--   whose outcome is opted_out;
-- - complaints: complaints received in [$from, $to], each in the bucket of the contacts
--   before its received_at; accounts: the accounts seen at that pressure in the period, at
--   one of their outbound contacts (the contacts before it) or at a complaint (an account can
--   be seen at several pressures, so the buckets' accounts do not add up to the accounts).
-- The contact filters choose the contacts counted (messages, and the contacts where an account
-- is seen), never the contacts before them: the pressure is the account's, as the fatigue index
-- orders all of an account's contacts. With a contact filter set, complaints count only for the
-- accounts with at least one matching outbound contact in [$from, $to].
-- This is the test oracle of kpi/summary_pressure (the summary tables), which must agree to the
-- last digit.
-- Rows: bucket (0…5, the order), prior_contacts (the bucket's label), messages, messages_opted_out,
-- accounts, complaints; only buckets with messages or accounts.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent the contacts counted. NULL means no
-- filter.
WITH acc AS (
	SELECT a.account_id FROM accounts a
	WHERE true
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
-- every outbound contact of those accounts, from 7 days before the period for the look-back;
-- matched: whether it matches the contact filters
o AS (
	SELECT i.account_id, i.occurred_at, i.channel, i.outcome,
		kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent) AS matched
	FROM interactions i JOIN acc USING (account_id)
	WHERE i.direction = 'outbound' AND i.occurred_at >= $from::TIMESTAMPTZ - INTERVAL 7 DAY AND i.occurred_at < $to::DATE + 1
),
sent AS (
	SELECT account_id, occurred_at, channel, outcome, matched,
		count(*) OVER (PARTITION BY account_id ORDER BY occurred_at RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 MICROSECOND PRECEDING) AS prior
	FROM o
),
contact_seen AS (
	SELECT account_id, prior, 'contact' AS kind, channel, outcome
	FROM sent WHERE matched AND occurred_at >= $from::TIMESTAMPTZ
),
complaint_seen AS (
	SELECT k.account_id,
		(SELECT count(*) FROM o WHERE o.account_id = k.account_id AND o.occurred_at >= k.received_at - INTERVAL 7 DAY AND o.occurred_at < k.received_at) AS prior,
		'complaint' AS kind, NULL AS channel, NULL AS outcome
	FROM complaints k JOIN acc USING (account_id)
	WHERE k.received_at >= $from::TIMESTAMPTZ AND k.received_at < $to::DATE + 1
		AND (($channel IS NULL AND $tone IS NULL AND $template IS NULL AND $agent IS NULL)
			OR k.account_id IN (SELECT account_id FROM contact_seen))
),
bucketed AS (
	SELECT *, {{metrics:pressure_bucket(prior)}} AS bucket
	FROM (SELECT * FROM contact_seen UNION ALL SELECT * FROM complaint_seen)
)
SELECT bucket,
	{{metrics:pressure_label(bucket)}} AS prior_contacts,
	{{metrics:count(messages)}},
	{{metrics:count(messages_opted_out)}},
	count(DISTINCT account_id) AS accounts,
	{{metrics:count(complaints)}}
FROM bucketed
GROUP BY bucket
ORDER BY bucket;
