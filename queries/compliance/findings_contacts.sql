-- compliance/findings_contacts: the contacts behind "findings per 10,000 contacts". A contact
-- is an outbound interaction (every channel, party and outcome: what the collector sent or
-- placed) whose local date at the consumer's address (accounts.timezone, as for findings)
-- falls in the audited period [$from, $to] (NULL: open end). Counted per local date, region,
-- channel, agent_id, template_id, experiment_id and variant, so that the findings pages can
-- sum them under any filter without scanning the interactions again (findings.ts keeps the
-- result per audit). region is kept only where one of the audit's packs names it
-- ($regions, VARCHAR[]); other regions are NULL (the packs that apply everywhere count them).
--
-- The local date comes from a table of UTC offsets per zone and UTC quarter hour, computed
-- with DuckDB's ICU zones (timezone(zone, instant)) for the span of the data: the same IANA
-- rules (daylight saving, zones without it) as one ICU call per contact, at a fraction of the
-- cost on tens of millions of rows.
-- Parameters: $from, $to (DATE or NULL), $regions (VARCHAR[]).
WITH acc AS (
	SELECT account_id, timezone AS zone, CASE WHEN list_contains($regions::VARCHAR[], region) THEN region END AS region
	FROM accounts
),
zones AS (SELECT DISTINCT zone FROM acc),
span AS (
	SELECT time_bucket(INTERVAL 15 MINUTE, min(occurred_at)) AS lo, max(occurred_at) AS hi
	FROM interactions
	WHERE ($from IS NULL OR occurred_at >= $from::DATE - 1) AND ($to IS NULL OR occurred_at < $to::DATE + 2)
),
ticks AS (SELECT unnest(generate_series(lo, hi, INTERVAL 15 MINUTE)) AS tick FROM span),
offsets AS (
	SELECT z.zone, t.tick, (epoch(timezone(z.zone, t.tick)) - epoch(t.tick))::BIGINT AS secs
	FROM zones z CROSS JOIN ticks t
),
c AS (
	SELECT (i.occurred_at + to_seconds(o.secs))::DATE AS local_date, a.region, i.channel, i.agent_id,
		i.template_id, i.experiment_id, i.variant
	FROM interactions i
	JOIN acc a USING (account_id)
	JOIN offsets o ON o.zone = a.zone AND o.tick = time_bucket(INTERVAL 15 MINUTE, i.occurred_at)
	WHERE i.direction = 'outbound'
		AND ($from IS NULL OR i.occurred_at >= $from::DATE - 1)
		AND ($to IS NULL OR i.occurred_at < $to::DATE + 2)
)
SELECT strftime(local_date, '%Y-%m-%d') AS local_date, region, channel, agent_id, template_id, experiment_id, variant,
	count(*) AS contacts
FROM c
WHERE ($from IS NULL OR local_date >= $from::DATE) AND ($to IS NULL OR local_date <= $to::DATE)
GROUP BY ALL;
