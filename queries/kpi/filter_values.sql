-- kpi/filter_values: the values the Overview's filters offer (product, region, template,
-- agent, experiment, and arm as experiment/arm), from the table the summary rebuild keeps
-- (queries/summary/filter_values.sql); empty until the first import. No parameters.
SELECT dimension, value FROM kpi_filter_values ORDER BY dimension, value;
