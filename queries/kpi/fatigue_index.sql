-- kpi/fatigue_index: the contact-fatigue index per account-week (src/lib/fatigue.ts), over the
-- calendar weeks (Monday–Sunday, UTC) that overlap [$from, $to], each week counted whole (as the
-- contact load). A week's outbound contacts, all of them, are put in time order (occurred_at, ties
-- by interaction_id); the contacts after the first $threshold each add their channel's weight
-- ({{metrics:fatigue_weight}}, generated from FATIGUE_WEIGHTS). The fatigue is the account's, from
-- every contact it received: a filter on contacts chooses the account-weeks counted (those with a
-- matching contact) and the contacts whose weights are added (the matching ones after the first
-- $threshold of all), never the order. The raw-table path; kpi/summary_fatigue_index gives the
-- same row from the summary tables (at the default threshold). Row: as kpi/fatigue_totals says.
-- Parameters: $from, $to (dates), $threshold (contacts a week); $segment, $product, $region,
-- $vulnerable, $experiment, $arm filter the accounts; $channel, $tone, $template, $agent the
-- contacts counted. NULL means no filter.
WITH c AS (
	SELECT i.account_id, i.interaction_id, i.occurred_at, i.channel, date_trunc('week', i.occurred_at::DATE)::DATE AS week,
		kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent) AS matches
	FROM interactions i JOIN accounts a USING (account_id)
	WHERE i.direction = 'outbound'
		AND i.occurred_at >= date_trunc('week', $from::DATE)::TIMESTAMPTZ AND i.occurred_at < date_trunc('week', $to::DATE)::DATE + 7
		AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
),
weeks AS (
	SELECT account_id, week, count(*) AS contacts, bool_or(matches) AS matched FROM c GROUP BY account_id, week
),
-- only the weeks over the threshold need their contacts in order
beyond AS (
	SELECT c.account_id, c.week, c.channel, c.matches,
		row_number() OVER (PARTITION BY c.account_id, c.week ORDER BY c.occurred_at, c.interaction_id) AS nth
	FROM c SEMI JOIN (SELECT account_id, week FROM weeks WHERE matched AND contacts > $threshold::INTEGER) busy USING (account_id, week)
),
scored AS (
	SELECT account_id, week, sum({{metrics:fatigue_weight(channel)}}) AS fatigue_index
	FROM beyond
	WHERE nth > $threshold::INTEGER AND matches
	GROUP BY account_id, week
),
w AS (
	SELECT weeks.account_id, weeks.week, coalesce(scored.fatigue_index, 0) AS fatigue_index
	FROM weeks LEFT JOIN scored USING (account_id, week)
	WHERE weeks.matched
)
{{include:kpi/fatigue_totals}}
