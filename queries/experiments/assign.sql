-- experiments/assign: the arm of each eligible account, from its hash h alone (no random
-- state, so a second run or a second store gives the same arms). Reads cw_eligible, the
-- temporary table (account_id, h) built from experiments/eligible.sql on the same
-- connection. The arms own consecutive ranges of h in the order of the definition, each as
-- wide as its weight: arm k takes h in [$arm_bounds[k-1], $arm_bounds[k]), where
-- $arm_bounds are the cumulative weights × the share bound (the last one is the share bound
-- itself, so every eligible account gets an arm).
-- Parameters: $arm_ids (VARCHAR[], the arm ids in order), $arm_bounds (BIGINT[], same length).
SELECT account_id, $arm_ids[1 + len(list_filter($arm_bounds, b -> b <= h))] AS variant
FROM cw_eligible
