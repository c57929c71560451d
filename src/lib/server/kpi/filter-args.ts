/**
 * The filters every KPI query takes, as bound parameters (NULL: no filter). Its own module so
 * that the summary tables' refresh (summary-tables.ts) and the KPI counts (counts.ts) both use it
 * without importing each other.
 */
import { FILTER_KEYS, type FilterKey } from '../../vocabulary.ts';

export function filterArgs(p: Partial<Record<FilterKey, string | boolean | undefined>>): Record<FilterKey, string | boolean | null> {
	return Object.fromEntries(FILTER_KEYS.map((k) => [k, p[k] ?? null])) as Record<FilterKey, string | boolean | null>;
}
