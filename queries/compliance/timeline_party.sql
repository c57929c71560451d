-- The owner of debt $account_id when $party_id (a customer_id with no debt of its own) was
-- contacted about it, e.g. a third party: the account timeline then shows the owner's debt,
-- where the contacts with the third party are marked by party. Reads the interactions of the
-- one account only (zone maps on account_id).
SELECT a.customer_id
FROM accounts a
WHERE a.account_id = $account_id
	AND EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = $account_id AND i.customer_id = $party_id)
