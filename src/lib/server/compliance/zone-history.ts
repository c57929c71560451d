/**
 * The history of the accounts' zones (account_zones, migration 19): the importer records, in the
 * import's transaction, the zone of every new account and every zone a re-export changes, so that
 * the audit judges each contact by the zone of the address as it was when the contact was made
 * (12 CFR 1006.6(b)(1)(i): a convenient time at the consumer's location, at the time), not by
 * where the person lives now. queries/compliance/account_zones_record.sql.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rows } from '../db/store.ts';
import { querySql } from '../paths.ts';

/** records the zones of the accounts the import batch wrote (new accounts, and changed zones) */
export async function recordZoneChanges(conn: DuckDBConnection, batch: bigint): Promise<void> {
	await rows(conn, querySql('compliance/account_zones_record'), { batch });
}
