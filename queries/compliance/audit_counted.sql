-- The compliance audit: the contacts a rule counts (spliced as {{counted}} into the rule
-- queries; every value is a bound parameter of the rule): its channels and direction, minus the
-- excluded outcomes and parties, only the listed outcomes when there is a list, accounts in the
-- pack's regions, local dates from the pack's effective_from, minus calls to wrong numbers and
-- calls inside consent_to_call windows when the rule says so.
list_contains($channels, c.channel)
AND ($any_direction OR c.direction = 'outbound')
AND NOT list_contains($exclude_outcomes, c.outcome)
AND NOT list_contains($exclude_parties, c.party)
AND ($all_outcomes OR list_contains($only_outcomes, c.outcome))
AND ($all_regions OR list_contains($region_ids, c.rg))
AND c.la // 86400000000 >= $effective_day
AND NOT ($exclude_wrong_numbers AND c.wrong AND c.party = 'consumer' AND c.channel IN ('call', 'ringless_voicemail'))
AND NOT ($exclude_consent_windows AND c.consented)
