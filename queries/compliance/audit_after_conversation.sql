-- The compliance audit, rule type after_conversation (Regulation F prong B): a counted call
-- placed within $window_days consecutive local dates after a telephone conversation with the
-- person about the debt (the conversation's date is day 1), inbound or outbound. One finding per
-- such call, with the latest conversation before it.
WITH conv AS (
	SELECT c.cid, c.aid, c.ts, c.rid, c.la // 86400000000 AS ld
	FROM aud_c c
	WHERE c.channel = 'call' AND c.outcome = 'conversation' AND NOT list_contains($exclude_parties, c.party)
	  AND ($all_regions OR list_contains($regions, c.region))
), calls AS (
	SELECT c.rid, c.cid, c.aid, c.ts, c.la // 86400000000 AS ld
	FROM aud_c c
	WHERE {{counted}}
)
SELECT calls.rid, false AS use_owner,
	(DATE '1970-01-01' + conv.ld::INTEGER) AS window_start,
	(DATE '1970-01-01' + (conv.ld + $window_days - 1)::INTEGER) AS window_end,
	calls.ld,
	[conv.rid, calls.rid] AS rids,
	printf('a call placed on day %d after a conversation on %s; calls may resume on day %d',
		(calls.ld - conv.ld + 1)::BIGINT, strftime(DATE '1970-01-01' + conv.ld::INTEGER, '%-d %b %Y'), $window_days + 1) AS detail
FROM calls ASOF JOIN conv ON conv.cid = calls.cid AND conv.aid = calls.aid AND calls.ts > conv.ts
WHERE calls.ld - conv.ld < $window_days
