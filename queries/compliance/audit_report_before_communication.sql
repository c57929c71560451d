-- The compliance audit, rule type report_before_communication (12 CFR 1006.30(a)): a debt collector
-- must not furnish information about a debt to a consumer reporting agency before it communicates
-- with the consumer about the debt, by speaking with them (in person or by telephone: a
-- conversation, placed or received) or by a letter or an electronic message followed by a
-- reasonable period ($wait_us: the rule's wait_days) with no notice that it could not be delivered
-- (the message's outcome is not bounced). A report is a counted contact with the purpose
-- credit_report (interactions.purpose, aud_purpose; the rule counts the credit bureau as party);
-- the communication must be with the consumer (party consumer) about the same debt, at any time
-- before: read from the whole contact index (an audit of a period reads its reports from aud_c).
-- The finding is the consumer's (the debt's customer), not the credit bureau's.
WITH rep AS (
	SELECT c.rid, c.aid, c.ts, c.la
	FROM aud_c c JOIN aud_purpose p ON p.rid = c.rid
	WHERE {{counted}} AND p.purpose = 'credit_report'
), comm AS (
	SELECT c.aid, min(CASE WHEN c.outcome = 'conversation'::contact_outcome THEN c.ts END) AS spoke_ts,
		min(CASE WHEN c.outcome <> 'conversation'::contact_outcome THEN c.ts END) AS sent_ts
	FROM contact_index c
	WHERE c.aid IN (SELECT aid FROM rep) AND c.party = 'consumer'::contact_party
	  AND (c.outcome = 'conversation'::contact_outcome
	    OR (c.direction = 'outbound'::contact_direction
	      AND c.channel IN ('sms'::contact_channel, 'email'::contact_channel, 'letter'::contact_channel, 'push'::contact_channel, 'in_app'::contact_channel)
	      AND c.outcome <> 'bounced'::contact_outcome))
	GROUP BY c.aid
)
SELECT r.rid, true AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, r.la // 86400000000 AS ld, [r.rid] AS rids,
	CASE WHEN m.sent_ts IS NOT NULL AND m.sent_ts < r.ts
		THEN printf('reported to a credit bureau %s after the first letter or message to the person (%s), before the %d days to learn it was not delivered had passed, and without a conversation before',
			CASE WHEN (r.ts - m.sent_ts) // 86400000000 = 1 THEN '1 day' ELSE ((r.ts - m.sent_ts) // 86400000000)::VARCHAR || ' days' END,
			strftime(make_timestamp(m.sent_ts), '%-d %b %Y'), $wait_days)
		ELSE 'reported to a credit bureau before any conversation, letter or message with the person about the debt' END AS detail
FROM rep r LEFT JOIN comm m ON m.aid = r.aid
WHERE NOT coalesce(m.spoke_ts < r.ts, false) AND NOT coalesce(m.sent_ts + $wait_us <= r.ts, false)
