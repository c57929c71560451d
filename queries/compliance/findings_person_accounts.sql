-- compliance/findings_person_accounts: the debts a customer-or-account search ($person, exact)
-- covers, for the contacts behind "findings per 10,000 contacts": the person's accounts (or
-- the account), and the accounts of audit $audit_id's findings that name that id (a third
-- party's findings are about the consumer's debts).
-- Parameters: $person, $audit_id.
SELECT account_id FROM accounts WHERE customer_id = $person OR account_id = $person
UNION
SELECT account_id FROM compliance_findings
WHERE audit_id = $audit_id AND account_id IS NOT NULL AND (customer_id = $person OR account_id = $person);
