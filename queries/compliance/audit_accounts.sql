-- The compliance audit, step 3: the accounts with a row number (aid) the rules join on instead
-- of the account id, the zone number of their address and a hash of their customer (oid).
CREATE OR REPLACE TEMP TABLE aud_a AS
SELECT a.rowid AS aid, a.account_id, a.customer_id, hash(a.customer_id) AS oid, a.region, z.zid
FROM accounts a JOIN aud_zone z ON z.zone = a.timezone;
