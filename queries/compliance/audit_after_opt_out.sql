-- The compliance audit, rule type after_opt_out: a counted contact on a channel after the
-- person opted out of it (contact_preferences kind opt_out; 'all' covers every channel, call covers
-- ringless voicemail) for the debts the event covers, from effective_at until until_at (a temporary
-- opt-out), unless a later opt_in lifted it for that channel and that debt. An opt-in lifts an
-- opt-out only as far as it reaches (12 CFR 1006.14(h)): an opt-out of every channel followed by
-- an opt-in of SMS still covers calls and e-mail; an opt-out of every debt followed by an opt-in
-- for one debt still covers the others. So the opt-ins are matched per contact, on the contact's
-- channel and debt, not per opt-out event. The exceptions of 1006.14(h)(2): (i) the collector may
-- respond once, through the same medium, to the person's own contact through it (the latest earlier
-- contact of the person on that channel is their inbound one, after the opt-out and at most
-- $reply_within_us before: the rule's reply_within_hours; -1 when the rule allows no reply); (ii) it may reply
-- once to confirm the opt-out (interactions.purpose opt_out_confirmation, aud_purpose: the first such
-- contact after the opt-out).
WITH o AS (
	SELECT event_id, cid, aid, account_id, channel AS pch, epoch_us(effective_at) AS start_ts,
		coalesce(epoch_us(until_at), 9223372036854775807) AS until_ts
	FROM aud_pref WHERE kind = 'opt_out'
), w AS (
	SELECT o.event_id, o.cid, o.aid, o.account_id IS NULL AS every_debt, o.pch, o.start_ts, o.until_ts AS end_ts
	FROM o
), wc AS (
	-- one row per channel the opt-out covers, as the code of the contacts' channel enum
	-- ($channel_names: its values in the order of their codes), so that the join matches on it
	SELECT w.*, unnest(CASE WHEN w.pch = 'all' THEN range(len($channel_names))
		WHEN w.pch = 'call' THEN [list_position($channel_names, 'call') - 1, list_position($channel_names, 'ringless_voicemail') - 1]
		ELSE [list_position($channel_names, w.pch) - 1] END) AS ch
	FROM w
), ic AS (
	-- the opt-ins, one row per channel each covers (the same rule as the opt-outs)
	SELECT i.cid, i.aid, i.every_debt, i.ts, unnest(CASE WHEN i.pch = 'all' THEN range(len($channel_names))
		WHEN i.pch = 'call' THEN [list_position($channel_names, 'call') - 1, list_position($channel_names, 'ringless_voicemail') - 1]
		ELSE [list_position($channel_names, i.pch) - 1] END) AS ch
	FROM (
		SELECT p.cid, p.aid, p.account_id IS NULL AS every_debt, p.channel AS pch, epoch_us(p.effective_at) AS ts
		FROM aud_pref p
		WHERE p.kind = 'opt_in'
	) i
), hits0 AS (
	SELECT c.rid, c.cid, c.aid, c.ts, c.la, c.channel, w.pch, w.start_ts, w.event_id
	FROM aud_c c
	JOIN wc w ON w.cid = c.cid AND w.ch = enum_code(c.channel) AND (w.every_debt OR w.aid = c.aid)
	  AND c.ts >= w.start_ts AND c.ts < w.end_ts
	WHERE {{counted}}
), confirmed AS (
	-- (h)(2)(ii): the first confirmation after each opt-out
	SELECT h.rid FROM hits0 h JOIN aud_purpose p ON p.rid = h.rid AND p.purpose = 'opt_out_confirmation'
	QUALIFY row_number() OVER (PARTITION BY h.event_id ORDER BY h.ts, h.rid) = 1
), prior AS (
	SELECT c.cid, c.channel, c.ts, c.direction FROM aud_c c WHERE c.cid IN (SELECT cid FROM hits0)
), hits AS (
	-- (h)(2)(i): a single reply to the person's own contact through the opted-out channel
	SELECT h.* FROM hits0 h ASOF LEFT JOIN prior pr ON pr.cid = h.cid AND pr.channel = h.channel AND h.ts > pr.ts
	WHERE NOT coalesce(pr.direction = 'inbound'::contact_direction AND pr.ts >= h.start_ts AND h.ts - pr.ts <= $reply_within_us, false)
	  AND h.rid NOT IN (SELECT rid FROM confirmed)
)
SELECT h.rid, false AS use_owner, NULL::DATE AS window_start, NULL::DATE AS window_end, h.la // 86400000000 AS ld, [h.rid] AS rids,
	printf('%s after the person''s %s opt-out of %s (%s)', h.channel,
		CASE WHEN h.pch = 'all' THEN 'all-channel' ELSE h.pch END, strftime(make_timestamp(h.start_ts), '%-d %b %Y %H:%M UTC'), h.event_id) AS detail
FROM hits h
-- lifted: an opt-in after the opt-out, at or before the contact, for its channel and its debt
WHERE NOT EXISTS (
	SELECT 1 FROM ic WHERE ic.cid = h.cid AND ic.ch = enum_code(h.channel) AND (ic.every_debt OR ic.aid = h.aid)
	  AND ic.ts > h.start_ts AND ic.ts <= h.ts
)
QUALIFY row_number() OVER (PARTITION BY h.rid ORDER BY h.start_ts, h.event_id) = 1
