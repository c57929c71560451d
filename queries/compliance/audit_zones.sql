-- The compliance audit, step 1: every IANA zone the data points to (account addresses and
-- interactions' contact_timezone), numbered, and per zone and UTC day its UTC offset at the
-- start and the end of the day, with the instant of a change inside the day (daylight saving,
-- found to the quarter hour). Local time of a contact = epoch + offset: integer arithmetic on
-- 30 M rows instead of 60 M time-zone conversions; the offsets come from DuckDB's ICU rules.
CREATE OR REPLACE TEMP TABLE aud_zone AS
SELECT (row_number() OVER (ORDER BY zone))::USMALLINT AS zid, zone
FROM (
	SELECT DISTINCT timezone AS zone FROM accounts
	UNION
	SELECT DISTINCT contact_timezone FROM interactions WHERE contact_timezone IS NOT NULL
);
