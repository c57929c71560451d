-- summary/contact_weeks: rebuilds kpi_contact_weeks from kpi_account_weeks: per calendar
-- week, account attributes (and experiment arms) and number of outbound contacts in the week, how many
-- account-weeks had that many: the contact-load distribution. Rebuilt after every import,
-- after kpi_account_weeks, by the number g of the accounts' attributes and arms (cw_accounts and
-- cw_groups, made by summary/account_weeks, dropped here). No parameters.
CREATE OR REPLACE TABLE kpi_contact_weeks AS
SELECT x.week, g.segment, g.product, g.region, g.vulnerable, g.arms, x.contacts, x.account_weeks
FROM (
	SELECT w.week, a.g, w.contacts, {{metrics:count(account_weeks)}}
	FROM kpi_account_weeks w JOIN cw_accounts a USING (ak)
	GROUP BY ALL
) x JOIN cw_groups g USING (g)
ORDER BY x.week;

DROP TABLE cw_accounts;
DROP TABLE cw_groups;
