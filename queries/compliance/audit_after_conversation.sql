-- The compliance audit, rule type after_conversation (Regulation F prong B): a counted call
-- placed within $window_days consecutive local dates after a telephone conversation with the
-- person about the debt (the conversation's date is day 1), inbound or outbound. One finding per
-- such call, with the latest conversation before it. The exclusions (calls to wrong numbers,
-- inside consent windows) are tested on the calls found (m), not on every call.
WITH conv AS (
	SELECT c.cid, c.aid, c.ts, c.rid, c.la // 86400000000 AS ld
	FROM aud_c c
	WHERE c.channel = 'call'::contact_channel AND c.outcome = 'conversation'::contact_outcome AND (CAST($exclude_party_bits AS INTEGER) >> enum_code(c.party)) & 1 = 0
	  AND ($all_regions OR c.rg IN ({{regions}}))
), calls AS (
	SELECT c.rid, c.cid, c.aid, c.ts, c.la // 86400000000 AS ld, c.pk, c.party, c.channel
	FROM aud_c c
	WHERE {{counted_base}}
), m AS MATERIALIZED (
	SELECT calls.rid, calls.ld, calls.cid, calls.pk, calls.party, calls.channel,
		arg_max(conv.rid, conv.ts) AS conv_rid, arg_max(conv.ld, conv.ts) AS conv_ld
	FROM calls JOIN conv ON conv.cid = calls.cid AND conv.aid = calls.aid
	WHERE conv.ts < calls.ts AND calls.ld - conv.ld < $window_days
	GROUP BY ALL
)
SELECT c.rid, false AS use_owner,
	(DATE '1970-01-01' + c.conv_ld::INTEGER) AS window_start,
	(DATE '1970-01-01' + (c.conv_ld + $window_days - 1)::INTEGER) AS window_end,
	c.ld,
	[c.conv_rid, c.rid] AS rids,
	printf('a call placed on day %d after a conversation on %s; calls may resume on day %d',
		(c.ld - c.conv_ld + 1)::BIGINT, strftime(DATE '1970-01-01' + c.conv_ld::INTEGER, '%-d %b %Y'), $window_days + 1) AS detail
FROM m c
WHERE {{exclusions}}
