-- kpi/load_histogram: the end of kpi/contact_load_distribution and its summary variants, put after
-- their CTEs, which end in `account_weeks` (channel, contacts, n: n account-weeks had that many
-- outbound contacts on that channel, or on all channels for channel 'all'). The top bucket gathers
-- every count from greatest(15, $threshold + 1) up ('15+' at the default threshold).
-- Rows: channel, contacts (the count as text: '1', '2', …, '15+'), n (account-weeks), over_threshold
-- (true when the bucket's counts are above $threshold); only buckets with account-weeks.
capped AS (
	SELECT channel, least(contacts, greatest(15, $threshold::INTEGER + 1)) AS bucket, contacts > $threshold::INTEGER AS over_threshold, n
	FROM account_weeks
)
SELECT channel,
	CASE WHEN bucket = greatest(15, $threshold::INTEGER + 1) THEN bucket || '+' ELSE bucket::VARCHAR END AS contacts,
	sum(n)::BIGINT AS n,
	bool_and(over_threshold) AS over_threshold
FROM capped
GROUP BY channel, bucket
HAVING sum(n) > 0
ORDER BY list_position(['all', 'call', 'ringless_voicemail', 'sms', 'email', 'push', 'in_app', 'letter'], channel), bucket;
