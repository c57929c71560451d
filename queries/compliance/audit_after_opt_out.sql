-- The compliance audit, rule type after_opt_out: a counted contact on a channel after the
-- person opted out of it (contact_preferences kind opt_out; 'all' covers every channel, call covers
-- ringless voicemail) for the debts the event covers, from effective_at until until_at (a temporary
-- opt-out) or a later opt_in that covers the channel ('all' or the same) and the debt.
WITH o AS (
	SELECT event_id, customer_id, account_id, channel AS pch, epoch_us(effective_at) AS start_ts,
		coalesce(epoch_us(until_at), 9223372036854775807) AS until_ts
	FROM contact_preferences WHERE kind = 'opt_out'
), i AS (
	SELECT customer_id, account_id, channel AS pch, epoch_us(effective_at) AS ts
	FROM contact_preferences WHERE kind = 'opt_in'
), e AS (
	SELECT o.event_id, min(i.ts) AS optin_ts
	FROM o JOIN i ON i.customer_id = o.customer_id AND (i.pch = 'all' OR i.pch = o.pch) AND (i.account_id IS NULL OR i.account_id = o.account_id) AND i.ts > o.start_ts
	GROUP BY 1
), w AS (
	SELECT o.event_id, hash(o.customer_id) AS cid, pa.aid, o.account_id IS NULL AS every_debt, o.pch, o.start_ts,
		least(o.until_ts, coalesce(e.optin_ts, 9223372036854775807)) AS end_ts
	FROM o LEFT JOIN e USING (event_id) LEFT JOIN aud_a pa ON pa.account_id = o.account_id
), wc AS (
	-- one row per channel the opt-out covers, as the code of the contacts' channel enum
	-- ($channel_names: its values in the order of their codes), so that the join matches on it
	SELECT w.*, unnest(CASE WHEN w.pch = 'all' THEN range(len($channel_names))
		WHEN w.pch = 'call' THEN [list_position($channel_names, 'call') - 1, list_position($channel_names, 'ringless_voicemail') - 1]
		ELSE [list_position($channel_names, w.pch) - 1] END) AS ch
	FROM w
)
SELECT c.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, c.la // 86400000000 AS ld, [c.rid] AS rids,
	printf('%s after the person''s %s opt-out of %s (%s)', c.channel,
		CASE WHEN w.pch = 'all' THEN 'all-channel' ELSE w.pch END, strftime(make_timestamp(w.start_ts), '%-d %b %Y %H:%M UTC'), w.event_id) AS detail
FROM aud_c c
JOIN wc w ON w.cid = c.cid AND w.ch = enum_code(c.channel) AND (w.every_debt OR w.aid = c.aid)
  AND c.ts >= w.start_ts AND c.ts < w.end_ts
WHERE {{counted}}
QUALIFY row_number() OVER (PARTITION BY c.rid ORDER BY w.start_ts, w.event_id) = 1
