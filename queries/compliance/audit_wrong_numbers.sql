-- The compliance audit, step 5: contact points found to be a wrong number for a person (any
-- call to them with outcome wrong_number): the calls to the consumer at them do not count for
-- that consumer (a rule's exclude_wrong_numbers, in audit_counted.sql).
CREATE OR REPLACE TEMP TABLE aud_wrong AS
SELECT DISTINCT cid, pk FROM aud_c WHERE outcome = 'wrong_number'::contact_outcome AND channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel);
