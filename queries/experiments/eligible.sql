-- experiments/eligible: the accounts an experiment's population selects, each with its
-- assignment hash h: the first 15 hex digits of md5(experiment id || ':' || salt || ':' ||
-- account id) as a number in [0, 2^60) (md5 is the same in every DuckDB version; hash() is
-- not). The same account always gets the same h in the same experiment. An account is
-- eligible when it matches every account filter, had a delinquency episode that started in
-- the window (when the population names one), is not assigned to an excluded experiment, and
-- its h falls in the experiment's share: h < $share_bound (= share_of_new_episodes × 2^60), so
-- the held-out part is decided by the same hash and the arms (experiments/assign.sql) split
-- the selected range [0, $share_bound) by weight.
-- Parameters: $experiment_id, $salt (text); $segment, $product, $region (VARCHAR[], NULL =
-- any); $region_not_in (VARCHAR[], NULL = none); $vulnerable (BOOLEAN, NULL = either);
-- $started_from, $started_to (dates as text, NULL = open; both NULL = no condition on
-- episodes); $exclude_experiments (VARCHAR[], may be empty); $share_bound (BIGINT).
SELECT account_id, h
FROM (
	SELECT a.account_id,
		('0x' || left(md5($experiment_id || ':' || $salt || ':' || a.account_id), 15))::BIGINT AS h
	FROM accounts a
	WHERE ($segment IS NULL OR list_contains($segment, a.segment))
		AND ($product IS NULL OR list_contains($product, a.product))
		AND ($region IS NULL OR list_contains($region, a.region))
		AND ($region_not_in IS NULL OR NOT list_contains($region_not_in, a.region))
		AND ($vulnerable IS NULL OR a.vulnerable = $vulnerable)
		AND (($started_from IS NULL AND $started_to IS NULL)
			OR a.account_id IN (
				SELECT d.account_id FROM delinquencies d
				WHERE ($started_from IS NULL OR d.started_on >= $started_from::DATE)
					AND ($started_to IS NULL OR d.started_on <= $started_to::DATE)))
		AND a.account_id NOT IN (
			SELECT x.account_id FROM experiment_assignments x
			WHERE list_contains($exclude_experiments, x.experiment_id))
) e
WHERE h < $share_bound
