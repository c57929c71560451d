-- The compliance audit of a period, step 4: the contacts it reads (aud_c), the contact index's
-- rows with $scan_from_us ≤ ts < $scan_to_us (µs since the epoch; NULL for no bound). A full
-- audit reads the index itself (aud_c is then a view of contact_index).
CREATE OR REPLACE TEMP TABLE aud_c AS
SELECT * FROM contact_index
WHERE ($scan_from_us IS NULL OR ts >= $scan_from_us) AND ($scan_to_us IS NULL OR ts < $scan_to_us);
