-- The compliance audit, step 3: the accounts with a row number (aid) the rules join on instead
-- of the account id, the number of their address's zone (aud_zone) and of their region
-- (aud_region; a pack's regions become a list of these numbers), and its locality (a pack with
-- localities, such as New York City's, counts the accounts in them only).
CREATE OR REPLACE TEMP TABLE aud_a AS
SELECT a.rowid::INTEGER AS aid, a.account_id, a.customer_id, r.rg, a.region, z.zid, a.locality
FROM accounts a JOIN aud_zone z ON z.zone = a.timezone JOIN aud_region r ON r.region = a.region;
