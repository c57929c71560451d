-- compliance/findings_ranked_reshape: drops the tables of the counted ranked views when they are
-- not as migration 21 makes them now (findings_ranked_shape.sql), before ranked.ts makes them
-- again with migration 21's own statements. They hold only counts of the findings, made again
-- when an audit is next counted.
-- Parameters: none.
DROP TABLE IF EXISTS compliance_ranked_groups;
DROP TABLE IF EXISTS compliance_ranked_scope;
DROP TABLE IF EXISTS compliance_ranked_values;
