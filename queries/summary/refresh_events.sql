-- summary/refresh_events: the incremental refresh of kpi_events when the imports since the last
-- refresh brought no complaint, contact preference or account (else summary/events rebuilds it
-- whole) but contacts in the 7 days before a complaint of their account (kr_contact_days,
-- summary/refresh_changes; a replaced contact counts at the day it had too): those complaints'
-- pressure, the bucket of their account's outbound contacts in the 7 days before them, is set
-- again as summary/events computes it (summary/complaint_pressure). No parameters.
UPDATE kpi_events e SET pressure = {{metrics:pressure_bucket(p.prior)}}::UTINYINT
FROM (
	WITH pressure_complaints AS (
		SELECT k.* FROM complaints k
		WHERE k.complaint_id IN (
			SELECT k.complaint_id FROM complaints k JOIN kr_contact_days c ON c.account_id = k.account_id
				AND c.day BETWEEN k.received_at::DATE - 7 AND k.received_at::DATE
		)
	)
	{{include:summary/complaint_pressure}}
) p
WHERE e.kind = 'complaint' AND e.event_id = p.complaint_id;
