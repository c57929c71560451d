/** Fetches a named Overview query as Arrow IPC and returns plain column arrays. */
import { tableFromIPC } from 'apache-arrow';

export type Columns = Record<string, (string | number | null)[]>;

export async function fetchColumns(name: string, search: string): Promise<Columns> {
	const res = await fetch(`/overview/data/${name}${search}`, { headers: { accept: 'application/vnd.apache.arrow.stream' } });
	if (!res.ok) throw new Error(`the ${name.replace('_', ' ')} data could not be loaded (${res.status})`);
	const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
	const out: Columns = {};
	for (const field of table.schema.fields) out[field.name] = [...(table.getChild(field.name) ?? [])] as (string | number | null)[];
	return out;
}
