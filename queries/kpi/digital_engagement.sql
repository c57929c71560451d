-- kpi/digital_engagement: per digital channel (sms, email, push, in_app), the outbound messages
-- sent in [$from, $to] (occurred_at, UTC) and how many reached each stage, as the metric catalogue
-- counts them ({{metrics:engagement_counts}}: a message has one outcome, its furthest stage, which
-- implies the earlier ones). The raw-table path; kpi/summary_digital_engagement gives the same rows
-- from the summary tables. Rows: channel, digital_messages, digital_delivered, digital_opened,
-- digital_clicked, digital_replied; only
-- channels with messages. The rates (÷ messages) are taken in src/lib/server/kpi/charts.ts.
-- Parameters: $from, $to (dates); $segment, $product, $region, $vulnerable, $experiment, $arm
-- filter the accounts; $channel, $tone, $template, $agent the messages counted. NULL means no
-- filter.
SELECT i.channel,
	{{metrics:engagement_counts}}
FROM interactions i JOIN accounts a USING (account_id)
WHERE i.direction = 'outbound'
	AND i.occurred_at >= $from::TIMESTAMPTZ AND i.occurred_at < $to::DATE + 1
	AND kpi_account_match(a.account_id, a.segment, a.product, a.region, a.vulnerable, $segment, $product, $region, $vulnerable, $experiment, $arm)
	AND kpi_contact_match(i.channel, i.tone, i.template_id, i.agent_id, $channel, $tone, $template, $agent)
GROUP BY i.channel
HAVING digital_messages > 0
ORDER BY list_position(['sms', 'email', 'push', 'in_app'], i.channel);
