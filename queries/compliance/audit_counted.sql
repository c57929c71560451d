-- The compliance audit: the contacts a rule counts (spliced as {{counted}} into the rule
-- queries): its channels and direction, minus the excluded outcomes and parties, only the listed
-- outcomes when there is a list, accounts in the pack's regions (and localities, when it names
-- some: accounts.locality), local dates from the pack's
-- effective_from, minus calls to wrong numbers and calls inside consent_to_call windows when the
-- rule says so (a line marked "only if X" is part of the fragment when the rule's X is true).
-- The rule's channels and a regional pack's region numbers are written in as constants
-- ({{channel_test}}: c.channel IN (the rule's channels), or true when it counts every channel;
-- {{regions}}: see ruleQuery in audit.ts), so that the scan skips the row groups of other
-- channels and regions; every other value is a bound parameter. A set of outcomes or
-- parties is bound as a bit set over the enum's codes (bit n set = the value with code n is in
-- the set): a shift and a mask per row, where a list of text would cast every row's value to text;
-- a test that cannot fail (no outcome or party excluded, no list of outcomes) is left out.
{{channel_test}}
AND ($any_direction OR c.direction = 'outbound'::contact_direction)
AND (CAST($exclude_outcome_bits AS INTEGER) >> enum_code(c.outcome)) & 1 = 0 -- only if excludes_outcomes
AND (CAST($exclude_party_bits AS INTEGER) >> enum_code(c.party)) & 1 = 0 -- only if excludes_parties
AND (CAST($only_outcome_bits AS INTEGER) >> enum_code(c.outcome)) & 1 = 1 -- only if lists_outcomes
AND c.rg IN ({{regions}}) -- only if regional
AND c.aid IN (SELECT aid FROM aud_a WHERE list_contains($localities, locality)) -- only if local
AND c.la >= $effective_day * 86400000000
AND NOT (c.party = 'consumer'::contact_party AND c.channel IN ('call'::contact_channel, 'ringless_voicemail'::contact_channel) AND (c.cid, c.pk) IN (SELECT (cid, pk) FROM aud_wrong)) -- only if exclude_wrong_numbers
AND c.rid NOT IN (SELECT rid FROM aud_consented) -- only if exclude_consent_windows
