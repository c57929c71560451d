-- The compliance audit, step 5: contact points found to be a wrong number for a person (any
-- call to them with outcome wrong_number): calls to them do not count for that consumer.
CREATE OR REPLACE TEMP TABLE aud_wrong AS
SELECT DISTINCT cid, pk FROM aud_c WHERE outcome = 'wrong_number' AND channel IN ('call', 'ringless_voicemail');
UPDATE aud_c SET wrong = true FROM aud_wrong w WHERE aud_c.cid = w.cid AND aud_c.pk = w.pk;
