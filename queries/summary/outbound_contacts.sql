-- summary/outbound_contacts: the outbound interactions as the contact summary tables group them,
-- one row each: the account's number ak and attribute group g (the temporary cw_accounts, made
-- from kpi_accounts by the step that includes this), the UTC day, the combo (a hash of channel,
-- tone, template and agent: numbers rather than texts to group on) and the columns the contact
-- counts read, its instant and id (the fatigue index orders a week's contacts). Included inside
-- FROM (…) by summary/account_weeks (every interaction) and summary/refresh_contacts (which adds
-- AND conditions after it: the weeks an import touched).
SELECT ka.ak, ka.g, i.occurred_at::DATE AS day, hash(i.channel, i.tone, i.template_id, i.agent_id) AS combo, i.channel, i.outcome,
	i.occurred_at, i.interaction_id
FROM interactions i JOIN cw_accounts ka USING (account_id)
WHERE i.direction = 'outbound'
