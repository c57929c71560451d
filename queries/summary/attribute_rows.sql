-- summary/attribute_rows: the select list of one row per account-week, contact attribute
-- ('channel' or 'tone') and value, with the week's outbound contacts of that value: over
-- kpi_account_contacts c joined to kpi_contact_combos k and the attribute-value pairs a (each
-- combo's channel and tone). summary/refresh_contacts puts a sign after it and the FROM, WHERE
-- and GROUP BY ALL: kpi_attribute_weeks is refreshed by difference.
SELECT c.week, c.ak, c.segment, c.product, c.region, c.vulnerable, c.arms, a.attribute, a.value, sum(c.contacts)::INTEGER AS contacts
