/** Test helpers: real DuckDB files in temporary folders, and a fingerprint of everything stored. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TABLE_NAMES } from '../../src/lib/contract.ts';
import { Store } from '../../src/lib/server/db/store.ts';

export interface TempStore {
	dir: string;
	dbPath: string;
	store: Store;
	/** writes a file into the temp folder and returns its path */
	file(name: string, content: string | Buffer): string;
	close(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
	const dir = mkdtempSync(join(tmpdir(), 'curewise-test-'));
	const dbPath = join(dir, 'test.duckdb');
	const store = await Store.open({ path: dbPath, memoryLimit: '1GB' });
	return {
		dir,
		dbPath,
		store,
		file(name, content) {
			const p = join(dir, name);
			writeFileSync(p, content);
			return p;
		},
		async close() {
			await store.close().catch(() => {});
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** CSV text from rows of cells (no quoting: for tests that want exact bytes, write them by hand) */
export const csv = (rows: (string | number | null)[][], eol = '\n') => rows.map((r) => r.map((c) => (c === null ? '' : String(c))).join(',')).join(eol) + eol;

/** an order-independent fingerprint of every table the importer writes */
export async function fingerprint(store: Store): Promise<Record<string, string>> {
	const out: Record<string, string> = {};
	for (const t of [...TABLE_NAMES, 'quarantine', 'import_batches']) {
		const [r] = await store.rows<{ n: number; h: string }>(`SELECT count(*) AS n, coalesce(sum(hash(t::VARCHAR)), 0)::VARCHAR AS h FROM ${t} t`);
		out[t] = `${r!.n}:${r!.h}`;
	}
	return out;
}

export const accountsHeader = ['account_id', 'customer_id', 'segment', 'product', 'region', 'timezone', 'opened_on', 'currency', 'risk_score', 'vulnerable', 'closed_on', 'closed_reason'];

/** a valid accounts row; override cells by name */
export function accountRow(id: string, over: Record<string, string | number | null> = {}): (string | number | null)[] {
	const base: Record<string, string | number | null> = {
		account_id: id,
		customer_id: 'C-' + id,
		segment: 'retail',
		product: 'card',
		region: 'US-MA',
		timezone: 'America/New_York',
		opened_on: '2024-01-15',
		currency: 'USD',
		risk_score: 500,
		vulnerable: 'false',
		closed_on: null,
		closed_reason: null,
		...over
	};
	return accountsHeader.map((h) => base[h] ?? null);
}

export const interactionsHeader = ['interaction_id', 'account_id', 'customer_id', 'party', 'channel', 'direction', 'occurred_at', 'outcome', 'contact_point', 'contact_timezone', 'template_id', 'tone', 'experiment_id', 'variant', 'agent_id'];

export function interactionRow(id: string, account: string, over: Record<string, string | number | null> = {}): (string | number | null)[] {
	const base: Record<string, string | number | null> = {
		interaction_id: id,
		account_id: account,
		customer_id: 'C-' + account,
		party: 'consumer',
		channel: 'call',
		direction: 'outbound',
		occurred_at: '2026-03-02T14:05:00-05:00',
		outcome: 'no_answer',
		contact_point: '+1-617-***-0001',
		contact_timezone: 'America/New_York',
		template_id: 'T1',
		tone: 'neutral',
		experiment_id: null,
		variant: null,
		agent_id: 'agent-1',
		...over
	};
	return interactionsHeader.map((h) => base[h] ?? null);
}
