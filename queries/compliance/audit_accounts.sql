-- The compliance audit, step 3: the regions of the accounts, numbered (a pack's regions become a
-- list of these numbers), and the accounts with a row number (aid) the rules join on instead of
-- the account id, the zone number of their address and their region's number.
CREATE OR REPLACE TEMP TABLE aud_region AS
SELECT (row_number() OVER (ORDER BY region))::USMALLINT AS rg, region FROM (SELECT DISTINCT region FROM accounts);
CREATE OR REPLACE TEMP TABLE aud_a AS
SELECT a.rowid::INTEGER AS aid, a.account_id, a.customer_id, r.rg, a.region, z.zid
FROM accounts a JOIN aud_zone z ON z.zone = a.timezone JOIN aud_region r ON r.region = a.region;
