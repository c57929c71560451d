-- What a person asked for (contact_preferences), as events over time, for the timeline: every
-- event of $customer_id that covers the debts shown ($account_ids; an event without account_id
-- covers every debt of the person), with the local date and time of effective_at and until_at
-- at the address of the debt it names (or of the person's first debt shown, for an event about
-- every debt), in the zone in force when the event took effect (the zone history,
-- account_zones; the current zone, $zones or $home_zone, where it has none): a window set before
-- a move reads in the zone the person lived in then (both of its ends, in that one zone, which is
-- zone). local_start/local_end are the clock range a person ruled out or agreed to, as written:
-- each contact is compared with them at its own local time (timeline_contacts.sql).
WITH mine AS (
	SELECT unnest($account_ids::VARCHAR[]) AS account_id, unnest($zones::VARCHAR[]) AS zone
),
hist AS (
	SELECT z.account_id, z.timezone, z.valid_from FROM account_zones z SEMI JOIN mine USING (account_id)
),
ev AS (
	SELECT p.*, coalesce(m.zone, $home_zone) AS now_zone, coalesce(p.account_id, ($account_ids::VARCHAR[])[1]) AS zone_account
	FROM contact_preferences p
	LEFT JOIN mine m ON p.account_id = m.account_id
	WHERE p.customer_id = $customer_id
		AND (p.account_id IS NULL OR m.account_id IS NOT NULL)
),
events AS (
	SELECT ev.*, coalesce(h.timezone, ev.now_zone) AS zone
	FROM ev ASOF LEFT JOIN hist h ON h.account_id = ev.zone_account AND ev.effective_at >= h.valid_from
)
SELECT
	event_id,
	account_id,
	channel,
	kind,
	zone,
	strftime(effective_at, '%Y-%m-%dT%H:%M:%SZ') AS effective_at,
	strftime(until_at, '%Y-%m-%dT%H:%M:%SZ') AS until_at,
	strftime(timezone(zone, effective_at), '%Y-%m-%d') AS effective_local_date,
	strftime(timezone(zone, effective_at), '%H:%M:%S') AS effective_local_time,
	((epoch(timezone(zone, effective_at)) - epoch(effective_at)) / 60)::INTEGER AS effective_offset_minutes,
	strftime(timezone(zone, until_at), '%Y-%m-%d') AS until_local_date,
	strftime(timezone(zone, until_at), '%H:%M:%S') AS until_local_time,
	((epoch(timezone(zone, until_at)) - epoch(until_at)) / 60)::INTEGER AS until_offset_minutes,
	local_start::VARCHAR AS local_start,
	local_end::VARCHAR AS local_end
FROM events
ORDER BY effective_at, event_id
