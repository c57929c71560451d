/**
 * Posts a guardrail alert to the webhook configured in CUREWISE_ALERT_WEBHOOK_URL (the caller
 * passes the URL and the body): JSON over HTTP POST, a timeout per attempt, retries with a
 * doubling backoff. Knows nothing of alerts or the store.
 */

export interface WebhookOptions {
	/** per attempt (default 5,000 ms) */
	timeoutMs?: number;
	/** attempts after the first (default 3) */
	retries?: number;
	/** wait before the first retry, doubled before each next one (default 1,000 ms) */
	backoffMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs `body` as JSON: a timeout per attempt, retries with a doubling backoff on network
 * errors, timeouts, 429 and 5xx (a 4xx other than 429 is not retried). Returns `delivered`
 * or `failed: <why>`.
 */
export async function postWebhook(url: string, body: unknown, o: WebhookOptions = {}): Promise<string> {
	const timeoutMs = o.timeoutMs ?? 5000;
	const retries = o.retries ?? 3;
	let wait = o.backoffMs ?? 1000;
	let why = '';
	for (let attempt = 0; attempt <= retries; attempt++) {
		if (attempt > 0) {
			await sleep(wait);
			wait *= 2;
		}
		try {
			const res = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'user-agent': 'curewise-alerts' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(timeoutMs)
			});
			await res.arrayBuffer().catch(() => undefined);
			if (res.ok) return 'delivered';
			why = `HTTP ${res.status}`;
			if (res.status < 500 && res.status !== 429) return `failed: ${why} (not retried)`;
		} catch (err) {
			const name = err instanceof Error ? err.name : '';
			why = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${timeoutMs} ms` : `${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
		}
	}
	return `failed: ${why} after ${retries + 1} attempts`;
}
