-- The compliance audit, step 3: the accounts with a row number (aid) the rules join on instead
-- of the account id, the number of their address's zone (aud_zone) and of their region
-- (aud_region; a pack's regions become a list of these numbers), and its locality (a pack with
-- localities, such as New York City's, counts the accounts in them only).
CREATE OR REPLACE TEMP TABLE aud_a AS
SELECT a.rowid::INTEGER AS aid, a.account_id, a.customer_id, r.rg, a.region, z.zid, a.locality
FROM accounts a JOIN aud_zone z ON z.zone = a.timezone JOIN aud_region r ON r.region = a.region;
-- The zones of the addresses over time (account_zones): aud_hz, the intervals of the accounts
-- whose zone changed (from_ts ≤ instant < to_ts, µs since the epoch), for the index to read a
-- contact's address zone as it was; aud_pz, every address zone of each person who has known more
-- than one (several debts, or a move), for the time of day to check every zone known for the
-- person at the time of a contact.
CREATE OR REPLACE TEMP TABLE aud_hz AS
WITH h AS (
	SELECT h.account_id, h.timezone,
		CASE WHEN h.valid_from = '-infinity'::TIMESTAMPTZ THEN -9223372036854775807 ELSE epoch_us(h.valid_from) END AS from_ts
	FROM account_zones h
	WHERE h.account_id IN (SELECT account_id FROM account_zones GROUP BY account_id HAVING count(*) > 1)
)
SELECT a.aid, a.customer_id, z.zid, h.from_ts,
	coalesce(lead(h.from_ts) OVER (PARTITION BY h.account_id ORDER BY h.from_ts), 9223372036854775807) AS to_ts
FROM h JOIN aud_a a ON a.account_id = h.account_id JOIN aud_zone z ON z.zone = h.timezone;
CREATE OR REPLACE TEMP TABLE aud_pz AS
WITH iv AS (
	-- every account's zone intervals: the changed ones from aud_hz, the others one interval for all time
	SELECT customer_id, zid, from_ts, to_ts FROM aud_hz
	UNION ALL
	SELECT a.customer_id, a.zid, -9223372036854775807, 9223372036854775807 FROM aud_a a WHERE a.aid NOT IN (SELECT aid FROM aud_hz)
)
SELECT hash(customer_id) AS cid, zid, from_ts, to_ts FROM iv
-- (more than one zone: min <> max, no distinct count; zid is never NULL here)
WHERE customer_id IN (SELECT customer_id FROM iv GROUP BY customer_id HAVING min(zid) <> max(zid));
