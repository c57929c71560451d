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
	AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
	AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
GROUP BY i.channel
ORDER BY list_position(['sms', 'email', 'push', 'in_app'], i.channel);
