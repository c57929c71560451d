-- Every IANA zone the data points to (account addresses and interactions' contact_timezone),
-- numbered, as the temp table aud_zone for audit_offsets.sql, for the compliance overview's
-- contact counts (findings_contacts.sql). The audit itself numbers zones once and for all in the
-- contact index (contact_index_dictionaries.sql makes aud_zone a view of those numbers).
CREATE OR REPLACE TEMP TABLE aud_zone AS
SELECT (row_number() OVER (ORDER BY zone))::USMALLINT AS zid, zone
FROM (
	SELECT DISTINCT timezone AS zone FROM accounts
	UNION
	SELECT DISTINCT contact_timezone FROM interactions WHERE contact_timezone IS NOT NULL
);
