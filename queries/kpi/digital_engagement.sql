-- kpi/digital_engagement: per message channel (sms, email, push, in_app), the outbound
-- messages sent in [$from, $to] (occurred_at, UTC) and how many reached each stage. A message
-- has one outcome, its furthest stage, and an outcome implies the earlier stages:
-- delivered = delivered, opened, clicked, replied or opted_out (an opt-out answers a message
-- that arrived); opened = opened or clicked (a click implies an open); clicked = clicked;
-- replied = replied (a reply implies delivery, not a tracked open: SMS has no opens).
-- sent and bounced reach no stage. Rows: channel, messages, delivered, opened, clicked,
-- replied; only channels with messages. The rates (÷ messages) are taken in
-- src/lib/server/kpi/charts.ts.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent the messages counted. NULL means no
-- filter.
SELECT i.channel,
	count(*) AS messages,
	count(*) FILTER (WHERE i.outcome IN ('delivered', 'opened', 'clicked', 'replied', 'opted_out')) AS delivered,
	count(*) FILTER (WHERE i.outcome IN ('opened', 'clicked')) AS opened,
	count(*) FILTER (WHERE i.outcome = 'clicked') AS clicked,
	count(*) FILTER (WHERE i.outcome = 'replied') AS replied
FROM interactions i JOIN accounts a USING (account_id)
WHERE i.direction = 'outbound' AND i.channel IN ('sms', 'email', 'push', 'in_app')
	AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
	AND ($segment IS NULL OR a.segment = $segment)
	AND ($product IS NULL OR a.product = $product)
	AND ($region IS NULL OR a.region = $region)
	AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
	AND ($experiment IS NULL OR a.account_id IN (SELECT x.account_id FROM experiment_assignments x WHERE x.experiment_id = $experiment AND ($arm IS NULL OR x.variant = $arm)))
	AND ($channel IS NULL OR i.channel = $channel)
	AND ($tone IS NULL OR i.tone = $tone)
	AND ($template IS NULL OR i.template_id = $template)
	AND ($agent IS NULL OR i.agent_id = $agent)
GROUP BY i.channel
ORDER BY list_position(['sms', 'email', 'push', 'in_app'], i.channel);
