-- The compliance audit, step 3: the interactions to audit ($scan_from_us ≤ occurred_at <
-- $scan_to_us in µs since epoch, NULL for no bound), slimmed to what the rules read, with the
-- local time at the account's address (la) and, when the contact point's zone differs, at the
-- contact point (lc), as µs since the local epoch: local date = la // 86400000000, clock time =
-- la % 86400000000. pch is the preference channel a contact falls under (ringless voicemail under
-- call; push and in_app only under 'all'). owner is the account's customer.
CREATE OR REPLACE TEMP TABLE aud_c AS
WITH i AS (
	SELECT rowid AS rid, interaction_id, customer_id, account_id, party, channel, direction, outcome, contact_point,
		contact_timezone, epoch_us(occurred_at) AS ts
	FROM interactions
	WHERE ($scan_from_us IS NULL OR epoch_us(occurred_at) >= $scan_from_us)
	  AND ($scan_to_us IS NULL OR epoch_us(occurred_at) < $scan_to_us)
)
SELECT i.rid, i.interaction_id AS iid, i.customer_id AS cust, a.customer_id AS owner, i.account_id AS acct,
	i.party, i.channel, CASE WHEN i.channel = 'ringless_voicemail' THEN 'call' ELSE i.channel END AS pch,
	i.direction, i.outcome, i.contact_point AS cpoint, a.region, i.ts,
	za.zid AS za, zc.zid AS zc,
	i.ts + CASE WHEN i.ts >= oa.t_change THEN oa.off1 ELSE oa.off0 END AS la,
	CASE WHEN zc.zid IS NOT NULL THEN i.ts + CASE WHEN i.ts >= oc.t_change THEN oc.off1 ELSE oc.off0 END END AS lc
FROM i
JOIN accounts a ON a.account_id = i.account_id
JOIN aud_zone za ON za.zone = a.timezone
JOIN aud_off oa ON oa.zid = za.zid AND oa.day = i.ts // 86400000000
LEFT JOIN aud_zone zc ON zc.zone = i.contact_timezone AND i.contact_timezone <> a.timezone
LEFT JOIN aud_off oc ON oc.zid = zc.zid AND oc.day = i.ts // 86400000000;
