-- The debts of one person (compliance timeline, src/lib/server/compliance/timeline.ts): every
-- account of $customer_id with its region (and locality) and the IANA zone of the address, in which the
-- timeline shows local dates and times. accounts is small (one row per debt) and stored in
-- account order, so the customer's few rows come from a handful of row groups.
SELECT
	account_id,
	customer_id,
	segment,
	product,
	region,
	timezone,
	strftime(opened_on, '%Y-%m-%d') AS opened_on,
	strftime(closed_on, '%Y-%m-%d') AS closed_on,
	closed_reason,
	vulnerable,
	locality
FROM accounts
WHERE customer_id = $customer_id
ORDER BY account_id
