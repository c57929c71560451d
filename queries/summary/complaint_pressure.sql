-- summary/complaint_pressure: per complaint of the relation `pressure_complaints` (complaints,
-- all or some, put before this in a WITH by the file that includes it), `prior`: its account's
-- outbound contacts in the 7 days before it was received (the pressure chart puts it in a bucket).
-- Included by summary/events (every complaint) and summary/refresh_events (those a new contact
-- may have raised).
SELECT k.complaint_id, count(i.account_id) AS prior
FROM pressure_complaints k LEFT JOIN interactions i ON i.account_id = k.account_id AND i.direction = 'outbound'
	AND i.occurred_at >= k.received_at - INTERVAL 7 DAY AND i.occurred_at < k.received_at
GROUP BY 1
