-- compliance/findings_contacts: the contacts behind "findings per 10,000 contacts". A contact
-- is an outbound interaction (every channel, party and outcome: what the collector sent or
-- placed) whose local date at the consumer's address (accounts.timezone, as for findings)
-- falls in the audited period [$from, $to] (NULL: open end). Counted per local date (day, days
-- since 1970-01-01), region, the account's segment, channel, agent_id, template_id, experiment_id and variant, so that
-- the findings pages can sum them under any filter without scanning the interactions again
-- (findings.ts keeps the result per audit). region is kept only where one of the audit's packs
-- names it ($regions, VARCHAR[]), with the account's locality when it has one (US-NY/new_york_city,
-- for a pack with localities); other regions are NULL (packs that apply everywhere count them).
--
-- The local date is the audit's own: the temp tables aud_zone and aud_off of
-- queries/compliance/audit_zones.sql and audit_offsets.sql (UTC offsets per zone and UTC day from
-- DuckDB's ICU rules, with the instant of a daylight-saving change), created on the same
-- connection just before; integer arithmetic instead of one zone conversion per contact.
-- Parameters: $from, $to (DATE or NULL), $regions (VARCHAR[] or NULL).
WITH acc AS (
	SELECT a.account_id, z.zid, a.segment, CASE WHEN list_contains($regions::VARCHAR[], a.region) THEN a.region || coalesce('/' || a.locality, '') END AS region
	FROM accounts a JOIN aud_zone z ON z.zone = a.timezone
),
-- one key per zone and UTC day, so that the offsets can only be joined once the account's zone is known
off AS (SELECT zid::BIGINT * 1000000 + day AS zday, off0, off1, t_change FROM aud_off),
i AS (
	SELECT epoch_us(occurred_at) AS ts, account_id, channel, agent_id, template_id, experiment_id, variant
	FROM interactions
	WHERE direction = 'outbound'
		AND ($from IS NULL OR occurred_at >= $from::DATE - 1)
		AND ($to IS NULL OR occurred_at < $to::DATE + 2)
),
c AS (
	SELECT (i.ts + CASE WHEN i.ts >= o.t_change THEN o.off1 ELSE o.off0 END) // 86400000000 AS day,
		a.region, a.segment, i.channel, i.agent_id, i.template_id, i.experiment_id, i.variant
	FROM i
	JOIN acc a USING (account_id)
	JOIN off o ON o.zday = a.zid::BIGINT * 1000000 + i.ts // 86400000000
)
SELECT day::INTEGER AS day, region, segment, channel, agent_id, template_id, experiment_id, variant, count(*) AS contacts
FROM c
WHERE ($from IS NULL OR day >= epoch($from::DATE)::BIGINT // 86400) AND ($to IS NULL OR day <= epoch($to::DATE)::BIGINT // 86400)
GROUP BY ALL;
