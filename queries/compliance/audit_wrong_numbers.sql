-- The compliance audit, step 5: contact points found to be a wrong number for a person (any
-- call to them with outcome wrong_number), and the calls to the consumer at them (their row
-- ids): those do not count for that consumer (a rule's exclude_wrong_numbers).
CREATE OR REPLACE TEMP TABLE aud_wrong AS
SELECT DISTINCT cid, pk FROM aud_c WHERE outcome = 'wrong_number'::contact_outcome AND channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel);
CREATE OR REPLACE TEMP TABLE aud_wrong_calls AS
SELECT c.rid FROM aud_c c JOIN aud_wrong w ON w.cid = c.cid AND w.pk = c.pk
WHERE c.party = 'consumer'::contact_party AND c.channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel);
