-- The compliance audit, before the rules: the contact preferences (opt-outs, opt-ins, cease requests,
-- ruled-out and agreed times, consents, attorneys) with the numbers the rules join on, made once
-- for every rule: cid, the person as the contact index hashes it (hash(customer_id)), and aid, the
-- number of the event's debt (aud_a; NULL for an event about every debt of the person, or a debt
-- not in the store). The rules run with the join sides fixed as written (audit.ts), and each
-- rule's own LEFT JOIN of a few thousand events to the accounts built its hash table on every
-- account (a million names at 1M accounts) instead; here the optimizer picks the small side.
CREATE OR REPLACE TEMP TABLE aud_pref AS
SELECT p.*, hash(p.customer_id) AS cid, pa.aid
FROM contact_preferences p LEFT JOIN aud_a pa ON pa.account_id = p.account_id;
