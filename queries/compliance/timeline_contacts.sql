-- Every contact about the debts $account_ids (the person's, or the one debt asked for), with
-- its local date and time at the consumer's address (accounts.timezone) and, when the contact
-- point implies another zone (contact_timezone), its local time there too. Local times come
-- from DuckDB's ICU time zones (timezone(zone, instant)), so daylight saving and zones without
-- it follow the IANA rules of that date. offset_minutes is local minus UTC, from which the
-- zone's abbreviation (EST/EDT) is named.
--
-- Filtering on account_id rather than customer_id: the interactions are stored mostly in
-- account order, so the zone maps of account_id skip almost every row group (a filter on
-- customer_id would read the whole column). Third-party and attorney records are about the
-- person's own debts, so account_id finds them too; their customer_id is the other party's.
WITH mine AS (
	SELECT unnest($account_ids::VARCHAR[]) AS account_id, unnest($zones::VARCHAR[]) AS zone
)
SELECT
	i.interaction_id,
	i.account_id,
	i.customer_id AS party_id,
	i.party,
	i.channel,
	i.direction,
	strftime(i.occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at,
	i.outcome,
	i.contact_point,
	i.contact_timezone,
	i.template_id,
	i.tone,
	i.experiment_id,
	i.variant,
	i.agent_id,
	m.zone,
	strftime(timezone(m.zone, i.occurred_at), '%Y-%m-%d') AS local_date,
	strftime(timezone(m.zone, i.occurred_at), '%H:%M:%S') AS local_time,
	((epoch(timezone(m.zone, i.occurred_at)) - epoch(i.occurred_at)) / 60)::INTEGER AS offset_minutes,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> m.zone
		THEN strftime(timezone(i.contact_timezone, i.occurred_at), '%Y-%m-%d') END AS contact_local_date,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> m.zone
		THEN strftime(timezone(i.contact_timezone, i.occurred_at), '%H:%M:%S') END AS contact_local_time,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> m.zone
		THEN ((epoch(timezone(i.contact_timezone, i.occurred_at)) - epoch(i.occurred_at)) / 60)::INTEGER END AS contact_offset_minutes
FROM interactions i
JOIN mine m ON i.account_id = m.account_id
ORDER BY i.occurred_at, i.interaction_id
