-- The compliance audit, step 5: the interactions to audit ($scan_from_us ≤ occurred_at <
-- $scan_to_us in µs since epoch, NULL for no bound), slimmed to what the rules read, with the
-- local time at the account's address (la) and, when the contact point's zone differs, at the
-- contact point (lc), as µs since the local epoch: local date = la // 86400000000, clock time =
-- la % 86400000000. pch is the preference channel a contact falls under (ringless voicemail under
-- call; push and in_app only under 'all'). owner is the account's customer. wrong: a call to a
-- number found to be a wrong number for this person; consented: a call inside a consent window.
CREATE OR REPLACE TEMP TABLE aud_c AS
WITH i AS (
	SELECT i.rowid AS rid, i.interaction_id, i.customer_id, i.account_id, i.party, i.channel, i.direction, i.outcome, i.contact_point,
		CASE WHEN i.contact_timezone <> a.timezone THEN i.contact_timezone END AS ctz, a.timezone AS azone,
		a.customer_id AS owner, a.region, epoch_us(i.occurred_at) AS ts
	FROM interactions i JOIN accounts a ON a.account_id = i.account_id
	WHERE ($scan_from_us IS NULL OR epoch_us(i.occurred_at) >= $scan_from_us)
	  AND ($scan_to_us IS NULL OR epoch_us(i.occurred_at) < $scan_to_us)
)
SELECT i.rid, i.interaction_id AS iid, i.customer_id AS cust, i.owner, i.account_id AS acct,
	i.party, i.channel, CASE WHEN i.channel = 'ringless_voicemail' THEN 'call' ELSE i.channel END AS pch,
	i.direction, i.outcome, i.contact_point AS cpoint, i.region, i.ts,
	za.zid AS za, zc.zid AS zc,
	i.ts + CASE WHEN i.ts >= oa.t_change THEN oa.off1 ELSE oa.off0 END AS la,
	CASE WHEN zc.zid IS NOT NULL THEN i.ts + CASE WHEN i.ts >= oc.t_change THEN oc.off1 ELSE oc.off0 END END AS lc,
	(w.cust IS NOT NULL) AS wrong,
	(k.rid IS NOT NULL) AS consented
FROM i
JOIN aud_zone za ON za.zone = i.azone
JOIN aud_off oa ON oa.zid = za.zid AND oa.day = i.ts // 86400000000
LEFT JOIN aud_zone zc ON zc.zone = i.ctz
LEFT JOIN aud_off oc ON oc.zid = zc.zid AND oc.day = i.ts // 86400000000
LEFT JOIN aud_wrong w ON w.cust = i.customer_id AND w.cpoint = i.contact_point
LEFT JOIN aud_consented k ON k.rid = i.rid;
