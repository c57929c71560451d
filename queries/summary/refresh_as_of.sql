-- summary/refresh_as_of: when an import moved the data's as-of date, the facts of kpi_episodes
-- that are judged at that date (the times to event of the episodes still open, censored at it)
-- are judged again at the new date from the base columns the table keeps beside them
-- ({{metrics:episode_asof_update}}, generated from the metric catalogue). The episodes of the
-- accounts the import touched were computed at the new date already. Valid because the as-of
-- date is the latest date anywhere in the data: an account the import did not touch has no row
-- after the old as-of date, so its base columns are the same at the new one.
-- Parameters: $as_of (the data's new as-of date).
UPDATE kpi_episodes SET {{metrics:episode_asof_update}}
WHERE account_id NOT IN (SELECT account_id FROM kr_accounts);
