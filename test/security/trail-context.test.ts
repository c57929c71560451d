/**
 * Every trail record written while a request is answered carries the request's address (issue 17,
 * item 5): the server hook runs each request in requestContext, and recordTrail reads it, so a
 * pack save or a draft save (which pass no address themselves) are recorded with one.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { requestContext } from '../../src/lib/server/trail/context.ts';
import { listTrail, recordTrail } from '../../src/lib/server/trail/trail.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let t: TempStore;
beforeAll(async () => {
	t = await tempStore();
});
afterAll(() => t.close());

test('a record written inside a request has its address; one given explicitly wins; outside a request there is none', async () => {
	await requestContext.run({ ip: '198.51.100.9' }, async () => {
		await new Promise((r) => setTimeout(r, 5)); // across an await, as in a page's load
		await recordTrail(t.store, { actor: 'cat', role: 'compliance', action: 'policy_pack.save', target: 'us-ma' });
		await recordTrail(t.store, { actor: 'cat', role: 'compliance', action: 'export', ip: '203.0.113.1' });
	});
	await recordTrail(t.store, { actor: 'cli:root', action: 'user_added', target: 'dan' });
	expect((await listTrail(t.store)).map((r) => [r.action, r.ip]).sort()).toEqual([
		['export', '203.0.113.1'],
		['policy_pack.save', '198.51.100.9'],
		['trail_keyed', null],
		['user_added', null]
	]);
});
