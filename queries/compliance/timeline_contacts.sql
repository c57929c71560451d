-- Every contact about the debts $account_ids (the person's, or the one debt asked for), with
-- its local date and time at the consumer's address as it was when the contact was made (the zone
-- history, account_zones: the zone in force at the contact, the latest valid_from at or before
-- it; the account's current zone, $zones, where the history has none) and, when the contact
-- point implies another zone (contact_timezone), its local time there too. zone is that zone (a
-- person who moved from Los Angeles to New York: a call before the move is shown in Pacific
-- time, as the audit judged it). Local times come from DuckDB's ICU time zones
-- (timezone(zone, instant)), so daylight saving and zones without it follow the IANA rules of
-- that date. offset_minutes is local minus UTC, from which the zone's abbreviation (EST/EDT) is
-- named.
--
-- Filtering on account_id rather than customer_id: the interactions are stored mostly in
-- account order, so the zone maps of account_id skip almost every row group (a filter on
-- customer_id would read the whole column). Third-party and attorney records are about the
-- person's own debts, so account_id finds them too; their customer_id is the other party's.
WITH mine AS (
	SELECT unnest($account_ids::VARCHAR[]) AS account_id, unnest($zones::VARCHAR[]) AS zone
),
hist AS (
	SELECT z.account_id, z.timezone, z.valid_from FROM account_zones z SEMI JOIN mine USING (account_id)
),
c AS (
	SELECT i.*, coalesce(h.timezone, m.zone) AS zone
	FROM interactions i
	JOIN mine m ON i.account_id = m.account_id
	ASOF LEFT JOIN hist h ON h.account_id = i.account_id AND i.occurred_at >= h.valid_from
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
	i.zone,
	strftime(timezone(i.zone, i.occurred_at), '%Y-%m-%d') AS local_date,
	strftime(timezone(i.zone, i.occurred_at), '%H:%M:%S') AS local_time,
	((epoch(timezone(i.zone, i.occurred_at)) - epoch(i.occurred_at)) / 60)::INTEGER AS offset_minutes,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> i.zone
		THEN strftime(timezone(i.contact_timezone, i.occurred_at), '%Y-%m-%d') END AS contact_local_date,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> i.zone
		THEN strftime(timezone(i.contact_timezone, i.occurred_at), '%H:%M:%S') END AS contact_local_time,
	CASE WHEN i.contact_timezone IS NOT NULL AND i.contact_timezone <> i.zone
		THEN ((epoch(timezone(i.contact_timezone, i.occurred_at)) - epoch(i.occurred_at)) / 60)::INTEGER END AS contact_offset_minutes
FROM c i
ORDER BY i.occurred_at, i.interaction_id
