-- The compliance audit, step 4: contact points found to be a wrong number for a person (any
-- call to them with outcome wrong_number): calls to them do not count for that consumer.
CREATE OR REPLACE TEMP TABLE aud_wrong AS
SELECT DISTINCT cust, cpoint FROM aud_c WHERE channel IN ('call', 'ringless_voicemail') AND outcome = 'wrong_number';
