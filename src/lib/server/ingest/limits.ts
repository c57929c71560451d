/**
 * The importer's limits on the shape of a file, in one place (docs/importing.md: "Importing" and
 * "Security"). A header with more columns than MAX_COLUMNS is refused before DuckDB reads the
 * file (130,000 columns ran DuckDB out of memory after 11 s); a row with a value longer than its
 * column's limit is quarantined with the reason (one 1 MB cell made every Overview 3.2 MB).
 */
import type { Column } from '../../contract.ts';

/** columns in a file's header: the contract's and extra ones together (the widest table has 15) */
export const MAX_COLUMNS = 500;

/**
 * bytes of a CSV file read to find the end of its header line; also DuckDB's limit on one line
 * (its max_line_size), so no longer row can be read either
 */
export const MAX_LINE_BYTES = 2_000_000;

/**
 * characters in a value of a contract column. The contract has no free text: its text columns
 * are ids, names, codes and masked contact points (account_id, template_id, agent_id,
 * contact_point, …), and its other columns are dates, numbers and enum values, far shorter.
 * Also the limit on a column's name in the header.
 */
export const MAX_VALUE_CHARS = 1_000;

/** characters in a value of an extra column (kept as JSON in `extra`): free text such as notes or a message body */
export const MAX_EXTRA_VALUE_CHARS = 10_000;

/** the length limit of a contract column's values (one for all today; per column if the contract ever gets free text) */
export const maxChars = (_c: Column): number => MAX_VALUE_CHARS;
