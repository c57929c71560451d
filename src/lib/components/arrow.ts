/** Fetches a named Overview query as Arrow IPC and returns plain column arrays. */
import { tableFromIPC } from 'apache-arrow';

export type Columns = Record<string, (string | number | null)[]>;

/** how many times a chart asks again after a 429 or a busy 503 (each after its Retry-After, about 2 s) */
const RETRIES = 90;

const wait = (ms: number, signal?: AbortSignal) =>
	new Promise<void>((resolve, reject) => {
		const timer = setTimeout(resolve, ms);
		signal?.addEventListener('abort', () => {
			clearTimeout(timer);
			reject(signal.reason);
		});
	});

/**
 * The query's columns. A refusal that says when to ask again (Retry-After: the user's heavy
 * requests are all in flight, or the server is busy) is asked again then, until `signal` ends
 * the wait (the page asks for other charts); any other refusal is an error with the server's words.
 */
export async function fetchColumns(name: string, search: string, signal?: AbortSignal): Promise<Columns> {
	for (let attempt = 0; ; attempt++) {
		const res = await fetch(`/overview/data/${name}${search}`, { headers: { accept: 'application/vnd.apache.arrow.stream' }, signal });
		const retryAfter = Number(res.headers.get('retry-after'));
		if ((res.status === 429 || res.status === 503) && retryAfter > 0 && attempt < RETRIES) {
			await wait(retryAfter * 1000, signal);
			continue;
		}
		if (!res.ok) {
			const said = await res
				.json()
				.then((b: { message?: string }) => b.message)
				.catch(() => null);
			throw new Error(`the ${name.replace('_', ' ')} data could not be loaded (${res.status}${said ? `: ${said}` : ''})`);
		}
		const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
		const out: Columns = {};
		for (const field of table.schema.fields) out[field.name] = [...(table.getChild(field.name) ?? [])] as (string | number | null)[];
		return out;
	}
}
