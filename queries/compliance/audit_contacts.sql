-- The compliance audit, step 4: the interactions to audit ($scan_from_us ≤ occurred_at <
-- $scan_to_us in µs since epoch, NULL for no bound), slimmed to what the rules read and to
-- numbers where it can (30 M rows stay in memory): rid is the interaction's row id (the findings
-- get their ids and attributes from it at the end), aid the account (aud_a), cid a hash of the
-- person (customer_id), pk a hash of the contact point; la the local time at the account's
-- address and lc, when the contact point's zone differs, there, as µs since the local epoch
-- (local date = la // 86400000000, clock time = la % 86400000000).
CREATE OR REPLACE TEMP TABLE aud_c AS
WITH i AS (
	SELECT i.rowid AS rid, a.aid, a.zid AS za, hash(i.customer_id) AS cid, hash(i.contact_point) AS pk,
		i.party, i.channel, i.direction, i.outcome, a.region, i.contact_timezone, epoch_us(i.occurred_at) AS ts
	FROM interactions i JOIN aud_a a ON a.account_id = i.account_id
	WHERE ($scan_from_us IS NULL OR epoch_us(i.occurred_at) >= $scan_from_us)
	  AND ($scan_to_us IS NULL OR epoch_us(i.occurred_at) < $scan_to_us)
)
SELECT i.rid, i.aid, i.cid, i.pk, i.party, i.channel, i.direction, i.outcome, i.region, i.ts, i.za,
	CASE WHEN zc.zid <> i.za THEN zc.zid END AS zc,
	i.ts + CASE WHEN i.ts >= oa.t_change THEN oa.off1 ELSE oa.off0 END AS la,
	CASE WHEN zc.zid <> i.za THEN i.ts + CASE WHEN i.ts >= oc.t_change THEN oc.off1 ELSE oc.off0 END END AS lc
FROM i
JOIN aud_off oa ON oa.zid = i.za AND oa.day = i.ts // 86400000000
LEFT JOIN aud_zone zc ON zc.zone = i.contact_timezone
LEFT JOIN aud_off oc ON oc.zid = zc.zid AND oc.day = i.ts // 86400000000;
