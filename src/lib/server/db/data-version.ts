/**
 * The data's version in this process, without a query per request: a counter per store file that
 * goes up whenever a transaction commits on one of the store's connections (an import, an
 * experiment launch or its undoing, an audit, a summary rebuild, a migration: every change of the
 * data the Overview reads is one), read by the result cache (kpi/cache.ts) beside the latest import
 * batch. The counter goes up after the COMMIT has returned, so a result computed before it is
 * filed under the old version, which no one asks for again.
 */

const changes = new Map<string, number>();

/** a transaction committed on the store at `path` in this process */
export function noteDataChanged(path: string): void {
	changes.set(path, (changes.get(path) ?? 0) + 1);
}

/** how many transactions committed on the store at `path` in this process */
export function localChanges(path: string): number {
	return changes.get(path) ?? 0;
}

const COMMIT = /^\s*COMMIT\b/i;

/** whether a statement ends a transaction with its changes kept */
export const isCommit = (sql: unknown): boolean => typeof sql === 'string' && COMMIT.test(sql);
