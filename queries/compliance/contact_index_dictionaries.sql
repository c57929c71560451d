-- The contact index, step 1: the numbers it uses for zones and regions. Zones the accounts'
-- addresses (now and before: account_zones) or the new interactions' contact_timezone name ($after_rid: the largest row id
-- already in the index, -1 for none), and the accounts' regions, that have no number yet get the
-- next ones; numbers never change. Then the audit's names for them (temp views on this
-- connection): aud_zone (zid, zone) and aud_region (rg, region).
INSERT INTO contact_index_zones
SELECT (SELECT coalesce(max(zid), 0) FROM contact_index_zones) + row_number() OVER (ORDER BY zone), zone
FROM (
	SELECT DISTINCT timezone AS zone FROM accounts
	UNION
	SELECT DISTINCT timezone FROM account_zones
	UNION
	SELECT DISTINCT contact_timezone FROM interactions WHERE rowid > $after_rid AND contact_timezone IS NOT NULL
)
WHERE zone NOT IN (SELECT zone FROM contact_index_zones);
INSERT INTO contact_index_regions
SELECT (SELECT coalesce(max(rg), 0) FROM contact_index_regions) + row_number() OVER (ORDER BY region), region
FROM (SELECT DISTINCT region FROM accounts)
WHERE region NOT IN (SELECT region FROM contact_index_regions);
CREATE OR REPLACE TEMP VIEW aud_zone AS SELECT zid, zone FROM contact_index_zones;
CREATE OR REPLACE TEMP VIEW aud_region AS SELECT rg, region FROM contact_index_regions;
