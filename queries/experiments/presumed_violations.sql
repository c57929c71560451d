-- experiments/presumed_violations: per assigned account (k of exp_units, queries/
-- experiments/units.sql), the number of presumed violations the compliance audit found while
-- assigned: the findings of kind presumed_violation (the rules a pack marks so: Regulation F's
-- 7-in-7 and after-conversation prongs, per person and debt, with consent windows, wrong numbers
-- and the excluded parties) of the latest finished audit of all interactions
-- (src/lib/server/compliance/audit.ts, which runs after every import), about the account, dated
-- (their local date) from the account's first day in the experiment (ws) to $as_of. Violations
-- of other rules (time of day, opt-outs, state packs) and risk flags are on the Compliance pages,
-- not in this metric. Only accounts with at least one are returned (the others have 0).
-- Parameters: $as_of (date).
WITH a AS (
	SELECT max(audit_id) AS audit_id FROM compliance_audits
	WHERE status = 'done' AND period_from IS NULL AND period_to IS NULL
)
SELECT u.k, count(*) AS n_violations
FROM compliance_findings f
JOIN a ON f.audit_id = a.audit_id
JOIN exp_units u ON u.account_id = f.account_id
WHERE f.kind = 'presumed_violation'
  AND f.local_date >= u.ws AND f.local_date <= $as_of::DATE
GROUP BY u.k;
