-- compliance/findings_contacts_person: findings_contacts.sql for the debts of one search
-- ($account_ids: the accounts of the person or the account searched for, and the accounts of
-- the findings that name that id): the same definition of a contact (an outbound interaction
-- whose local date at the consumer's address falls in [$from, $to]) and the same columns.
-- A few hundred rows at most, so the local date is one ICU call per contact. The join on the
-- listed accounts lets DuckDB skip the row groups of other accounts (the interactions are
-- stored mostly in account order).
-- Parameters: $account_ids (VARCHAR[]), $from, $to (DATE or NULL), $regions (VARCHAR[]).
WITH mine AS (SELECT DISTINCT unnest($account_ids::VARCHAR[]) AS account_id),
acc AS (
	SELECT a.account_id, a.timezone AS zone, a.segment, CASE WHEN list_contains($regions::VARCHAR[], a.region) THEN a.region || coalesce('/' || a.locality, '') END AS region
	FROM accounts a JOIN mine USING (account_id)
),
c AS (
	SELECT timezone(a.zone, i.occurred_at)::DATE AS local_date, a.region, a.segment, i.channel, i.agent_id,
		i.template_id, i.experiment_id, i.variant
	FROM interactions i
	JOIN acc a USING (account_id)
	WHERE i.direction = 'outbound'
)
SELECT strftime(local_date, '%Y-%m-%d') AS local_date, region, segment, channel, agent_id, template_id, experiment_id, variant,
	count(*) AS contacts
FROM c
WHERE ($from IS NULL OR local_date >= $from::DATE) AND ($to IS NULL OR local_date <= $to::DATE)
GROUP BY ALL;
