-- summary/fatigue: the parts of the contact-fatigue index (src/lib/fatigue.ts) per account, week
-- and combo, put after `WITH fatigue_source AS (…),` (the outbound contacts to order, as
-- summary/outbound_contacts gives them: all, or the weeks an import touched) by
-- summary/account_weeks and summary/refresh_contacts: in each account-week of cw_contact_days with
-- more outbound contacts than the default threshold, the contacts after the first ones in time
-- order (occurred_at, ties by interaction_id), each weighing its channel's weight, summed per combo.
busy AS (
	SELECT ak, date_trunc('week', day)::DATE AS week FROM cw_contact_days
	GROUP BY ALL HAVING sum(outbound_contacts) > {{metrics:default_contact_threshold}}
),
c AS (
	SELECT o.ak, date_trunc('week', o.day)::DATE AS week, o.combo, o.channel,
		row_number() OVER (PARTITION BY o.ak, date_trunc('week', o.day) ORDER BY o.occurred_at, o.interaction_id) AS nth
	FROM fatigue_source o SEMI JOIN busy ON busy.ak = o.ak AND busy.week = date_trunc('week', o.day)::DATE
)
SELECT ak, week, combo, sum({{metrics:fatigue_weight(channel)}}) AS fatigue_index
FROM c WHERE nth > {{metrics:default_contact_threshold}}
GROUP BY ALL