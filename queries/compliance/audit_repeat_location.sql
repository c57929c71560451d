-- The compliance audit, rule type repeat_location (12 CFR 1006.10(c)): a debt collector must not
-- communicate with any one person other than the consumer more than once about the consumer's
-- location. The counted communications (the rule names the parties and the outcomes that are a
-- communication, not an attempt) are grouped by the consumer (the customer of the debt's account,
-- across their debts) and the third party (the interaction's customer_id, which names the third
-- party); each one after the first is a finding, unless its purpose says it is allowed
-- (interactions.purpose, aud_purpose): location_requested (that person asked to be contacted again)
-- or location_correction (the collector believes the earlier answer was wrong or incomplete and that
-- the person now has the right information). The finding is the consumer's and lists the first
-- communication and the repeated one. The earlier communications count whenever they were: read from
-- the whole contact index (an audit of a period keeps the findings dated in it).
WITH t AS (
	SELECT c.rid, c.cid, c.ts, c.la, hash(a.customer_id) AS owner, p.purpose
	FROM contact_index c
	JOIN aud_a a ON a.aid = c.aid
	LEFT JOIN aud_purpose p ON p.rid = c.rid
	WHERE {{counted}}
), n AS (
	SELECT *,
		row_number() OVER w AS k,
		first_value(rid) OVER w AS first_rid,
		first_value(ts) OVER w AS first_ts
	FROM t
	WINDOW w AS (PARTITION BY owner, cid ORDER BY ts, rid)
)
SELECT n.rid, true AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, n.la // 86400000000 AS ld, [n.first_rid, n.rid] AS rids,
	printf('communication number %d with the same third party about the person''s location (the first was on %s)', n.k,
		strftime(make_timestamp(n.first_ts), '%-d %b %Y %H:%M UTC')) AS detail
FROM n
WHERE n.k > 1 AND coalesce(n.purpose NOT IN ('location_requested', 'location_correction'), true)
