/**
 * Contact pressure: how many outbound contacts (any channel) an account received in the 7 days
 * before a moment, by exact instant ([t − 7 days, t)). The Overview's pressure chart puts each
 * message and each complaint in the bucket of the pressure its account was under just before it.
 * The buckets are defined here only; the SQL gets them through `{{metrics:pressure_…}}`
 * placeholders (src/lib/metrics/sql.ts).
 */
export const PRESSURE_WINDOW_DAYS = 7;

/** the buckets in order: a pressure p falls in the first whose `max` is ≥ p */
export const PRESSURE_BUCKETS = [
	{ label: '0', max: 0 },
	{ label: '1', max: 1 },
	{ label: '2', max: 2 },
	{ label: '3–4', max: 4 },
	{ label: '5–7', max: 7 },
	{ label: '8+', max: Infinity }
] as const;
