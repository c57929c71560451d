/**
 * A trail record's details (canonical JSON in the store) as a readable list of label: value, for
 * the trail page: keys as words, lists joined, nested objects one level down as "key value",
 * yes/no for booleans. The JSON itself stays in the store and the CSV export. Pure.
 */
import { humanize, ROLE } from './vocabulary.ts';

const KEY_LABELS: Record<string, string> = {
	audit_id: 'Audit',
	batch_id: 'Import batch',
	rows: 'Rows',
	via: 'Through',
	args: 'Arguments',
	key_id: 'Trail key',
	plain_records: 'Records before the key',
	sessions_ended: 'Sessions ended',
	from: 'From',
	to: 'To',
	at: 'At',
	format: 'Format',
	role: 'Role',
	users: 'Users',
	reason: 'Reason',
	comment: 'Comment',
	version: 'Version',
	tables: 'Tables',
	file: 'File',
	files: 'Files',
	source: 'Source',
	seq: 'Record',
	filters: 'Filters',
	account: 'Account',
	pack_id: 'Pack',
	rule_id: 'Rule',
	experiment_id: 'Experiment',
	alert_id: 'Alert',
	hash: 'Fingerprint'
};

export const detailLabel = (key: string) => KEY_LABELS[key] ?? humanize(key);

function valueText(key: string, v: unknown, depth = 0): string {
	if (v === null || v === undefined || v === '') return 'none';
	if (typeof v === 'boolean') return v ? 'yes' : 'no';
	if (typeof v === 'number') return v.toLocaleString('en-US');
	if (typeof v === 'string') return key === 'role' ? ROLE.label(v) : v;
	if (Array.isArray(v)) return v.length ? v.map((x) => valueText(key, x, depth + 1)).join(', ') : 'none';
	if (typeof v === 'object') {
		const entries = Object.entries(v as Record<string, unknown>);
		if (!entries.length) return 'none';
		if (depth > 1) return JSON.stringify(v);
		return entries.map(([k, x]) => `${detailLabel(k).toLowerCase()} ${valueText(k, x, depth + 1)}`).join('; ');
	}
	return String(v);
}

/** the details as label: value pairs; a text that is not a JSON object is one pair, "Details" */
export function detailsList(details: string | null | undefined): { label: string; value: string }[] {
	if (!details) return [];
	let parsed: unknown;
	try {
		parsed = JSON.parse(details);
	} catch {
		return [{ label: 'Details', value: details }];
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [{ label: 'Details', value: valueText('details', parsed) }];
	return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => ({ label: detailLabel(k), value: valueText(k, v) }));
}
