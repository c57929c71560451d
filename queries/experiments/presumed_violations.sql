-- experiments/presumed_violations: per assigned account (k of exp_units, queries/
-- experiments/units.sql), the number of presumed call-frequency violations while assigned.
-- Only accounts with at least one are returned (the others have 0).
--
-- A documented proxy of Regulation F's 7-in-7 presumption (12 CFR 1006.14(b)(2)(i)(A),
-- shared/spec/compliance.md) until the compliance audit exists: then replace this query by
-- one over the audit's findings (same output: k, presumed_violations). Definition:
-- - a call attempt is an outbound `call` or `ringless_voicemail` to the consumer
--   (party = 'consumer') about the debt (the account), in any outcome except those that did
--   not reach the person's number (`busy`, `not_in_service`) or reached a wrong number
--   (`wrong_number`) (collected by queries/experiments/contacts.sql as call_days);
-- - days are the customer's local dates (accounts.timezone); only attempts on local dates
--   from the account's first day in the experiment (ws) to $as_of count;
-- - a presumed violation is a window of 7 consecutive dates (both ends included), ending
--   on a date with an attempt, that holds more than 7 attempts. Each date on which an
--   attempt was the 8th or later in 7 days counts once (verdict 2 of compliance.md: one
--   finding, on the Tuesday). With the attempts' dates sorted, d₁ ≤ d₂ ≤ …, the window
--   ending on d_j holds more than 7 when d_j − d_(j−7) ≤ 6.
-- Not modelled (the audit will): consent-to-call windows, prong (B) (a call within 7 days
-- after a conversation), counting per person across a customer's several debts.
-- Parameters: $as_of (date).
WITH d AS (
	SELECT c.k, list_sort(list_filter(c.call_days, x -> x >= (u.ws - DATE '1970-01-01') AND x <= ($as_of::DATE - DATE '1970-01-01'))) AS days
	FROM exp_contacts c JOIN exp_units u USING (k)
	-- fewer than 8 attempts in all: no window can hold more than 7
	WHERE len(c.call_days) > 7
)
SELECT k, len(list_distinct(list_filter(list_transform(range(8, len(days) + 1), j -> CASE WHEN days[j] - days[j - 7] <= 6 THEN days[j] END), x -> x IS NOT NULL))) AS presumed_violations
FROM d
WHERE len(days) > 7 AND presumed_violations > 0;
