-- summary/contact_weeks: rebuilds kpi_contact_weeks from kpi_account_weeks: per calendar
-- week, account attributes (and experiment arms) and number of outbound contacts in the week, how many
-- account-weeks had that many: the contact-load distribution. Rebuilt after every import,
-- after kpi_account_weeks. No parameters.
CREATE OR REPLACE TABLE kpi_contact_weeks AS
SELECT week, segment, product, region, vulnerable, arms, contacts, {{metrics:count(account_weeks)}}
FROM kpi_account_weeks
GROUP BY ALL
ORDER BY week;
