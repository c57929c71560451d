/**
 * Guardrail alerts (src/lib/server/experiments/guardrails/) on a real DuckDB store: an alert
 * is raised once per experiment, arm, metric and rule while it is open (a re-evaluation only
 * moves last_seen_at), acknowledged with a reason (an empty one refused, recorded in the audit
 * trail), raised again by a breach after the acknowledgement; the webhook is posted to a local
 * HTTP server (a 500 then a 200 is retried and delivered; a server that never answers times
 * out on every attempt and is recorded as failed); a hard limit with stop_on_breach stops the
 * experiment through the caller's stop function.
 *
 * The data: control A1, A2 and treatment B1, B2, assigned 2026-03-01. B1 gets 9 call attempts
 * in the 7 local dates 11–17 March (two on the 13th and two on the 16th): 2 presumed
 * violations; B2 one complaint. Control has neither, so the hard limits (threshold 0) breach.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { experimentSchema, type Experiment } from '../../src/lib/experiments/schema.ts';
import { listTrail } from '../../src/lib/server/trail/trail.ts';
import { acknowledgeAlert, listAlerts, type ExperimentAlert } from '../../src/lib/server/experiments/guardrails/alerts-store.ts';
import { evaluateRunningExperiments } from '../../src/lib/server/experiments/guardrails/evaluate-running.ts';
import { importFile } from '../../src/lib/server/ingest/index.ts';
import { runAudit } from '../../src/lib/server/compliance/audit.ts';
import { accountRow, accountsHeader, csv, interactionRow, interactionsHeader, tempStore, type TempStore } from '../support/store.ts';

const AS_OF = '2026-06-30';
const IDS = ['alerting', 'hook-retry', 'hook-stall', 'stopper', 'quiet'];

function experiment(id: string, over: { stop?: boolean; status?: string } = {}): Experiment {
	return experimentSchema.parse({
		id,
		title: id,
		hypothesis: 'alerts',
		owner: 'test',
		status: over.status ?? 'running',
		start: '2026-03-01',
		planned_end: '2026-07-31',
		arms: ['control', 'treatment'].map((a) => ({ id: a, weight: 0.5, message: { channel: 'call', template_id: 'T1', text: 'hello' } })),
		primary_metric: 'cure_rate_30d',
		guardrails: [
			{ metric: 'presumed_violations', direction: 'lower_is_better', rule: { kind: 'hard_limit', threshold: 0 }, stop_on_breach: over.stop ?? false },
			{ metric: 'complaints_per_1k_assigned', direction: 'lower_is_better', rule: { kind: 'hard_limit', threshold: 0 } },
			// with four accounts nothing is significant: no alert
			{ metric: 'opt_outs_per_1k_assigned', direction: 'lower_is_better', rule: { kind: 'harm', threshold: 0.05 } }
		]
	});
}

let t: TempStore;

beforeAll(async () => {
	delete process.env.CUREWISE_ALERT_WEBHOOK_URL;
	t = await tempStore();
	const attempts = ['11T15', '12T15', '13T15', '13T16', '14T15', '15T15', '16T15', '17T02:30', '17T15'].map((d) => `2026-03-${d.includes(':') ? d : d + ':00'}:00Z`);
	const files: [string, string][] = [
		['accounts.csv', csv([accountsHeader, accountRow('A1'), accountRow('A2'), accountRow('B1'), accountRow('B2')])],
		[
			'delinquencies.csv',
			csv([
				['episode_id', 'account_id', 'started_on', 'amount_past_due', 'cured_on', 'charged_off_on'],
				['E1', 'A1', '2026-03-10', 100, '2026-03-20', null],
				['E2', 'A2', '2026-03-10', 100, null, null],
				['E3', 'B1', '2026-03-10', 100, '2026-03-25', null],
				['E4', 'B2', '2026-03-10', 100, null, null]
			])
		],
		['interactions.csv', csv([interactionsHeader, ...attempts.map((at, i) => interactionRow(`I${i}`, 'B1', { occurred_at: at }))])],
		['complaints.csv', csv([['complaint_id', 'account_id', 'received_at', 'category', 'source', 'severity'], ['K1', 'B2', '2026-04-02T10:00:00Z', 'contact_frequency', 'phone', 'high']])],
		[
			'experiment_assignments.csv',
			csv([
				['experiment_id', 'account_id', 'variant', 'assigned_at'],
				...IDS.flatMap((id) => [
					[id, 'A1', 'control', '2026-03-01T12:00:00Z'],
					[id, 'A2', 'control', '2026-03-01T12:00:00Z'],
					[id, 'B1', 'treatment', '2026-03-01T12:00:00Z'],
					[id, 'B2', 'treatment', '2026-03-01T12:00:00Z']
				])
			])
		]
	];
	for (const [name, text] of files) {
		const r = await importFile(t.store, { path: t.file(name, text), source: 'cli' });
		expect(r.rows_quarantined, name).toBe(0);
	}
	// the presumed violations come from the compliance audit (importPaths runs it after the files)
	await runAudit(t.store, { trigger: 'import' });
});
afterAll(() => t?.close());

/** a local HTTP server that answers with the given statuses in turn (null: never answers) */
async function hookServer(statuses: (number | null)[]): Promise<{ url: string; bodies: unknown[]; server: Server; close: () => Promise<void> }> {
	const bodies: unknown[] = [];
	const hanging: ServerResponse[] = [];
	let i = 0;
	const server = createServer((req: IncomingMessage, res: ServerResponse) => {
		let text = '';
		req.on('data', (c) => (text += c));
		req.on('end', () => {
			bodies.push({ method: req.method, contentType: req.headers['content-type'], body: JSON.parse(text) });
			const status = statuses[Math.min(i++, statuses.length - 1)];
			if (status === null || status === undefined) hanging.push(res);
			else res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hook`,
		bodies,
		server,
		close: () =>
			new Promise<void>((r) => {
				for (const h of hanging) h.destroy();
				server.closeAllConnections();
				server.close(() => r());
			})
	};
}

const at = (iso: string) => new Date(iso);

describe('raising and acknowledging', () => {
	let first: ExperimentAlert[];

	test('each breach raises one alert, with its evidence, and none without a webhook', async () => {
		first = await evaluateRunningExperiments(t.store, { experiments: [experiment('alerting')], now: at('2026-07-01T06:00:00Z'), asOf: AS_OF });
		expect(first.map((a) => [a.experiment_id, a.arm, a.metric, a.rule_kind]).sort()).toEqual([
			['alerting', 'treatment', 'complaints_per_1k_assigned', 'hard_limit'],
			['alerting', 'treatment', 'presumed_violations', 'hard_limit']
		]);
		const pv = first.find((a) => a.metric === 'presumed_violations')!;
		expect(pv.evidence).toMatchObject({ count_arm: 2, count_control: 0, limit: 0, n_arm: 2, n_control: 2 });
		expect(pv.threshold).toBe(0);
		expect(pv.message).toMatch(/^treatment: 2 .* above the hard limit of 0; control has 0$/);
		expect(pv.fired_at).toBe('2026-07-01T06:00:00.000Z');
		expect(pv.last_seen_at).toBe(pv.fired_at);
		expect(pv.acknowledged_at).toBeNull();
		expect(pv.stopped_experiment).toBe(false);
		expect(pv.webhook_status).toBeNull();
	});

	test('a re-evaluation does not raise them again: it moves last_seen_at', async () => {
		const again = await evaluateRunningExperiments(t.store, { experiments: [experiment('alerting')], now: at('2026-07-02T06:00:00Z'), asOf: AS_OF });
		expect(again).toEqual([]);
		const open = await listAlerts(t.store, { open: true, experiment: 'alerting' });
		expect(open).toHaveLength(2);
		for (const a of open) {
			expect(a.fired_at).toBe('2026-07-01T06:00:00.000Z');
			expect(a.last_seen_at).toBe('2026-07-02T06:00:00.000Z');
		}
	});

	test('an experiment that is not running is not evaluated', async () => {
		expect(await evaluateRunningExperiments(t.store, { experiments: [experiment('quiet', { status: 'stopped' })], asOf: AS_OF })).toEqual([]);
		expect(await listAlerts(t.store, { experiment: 'quiet' })).toEqual([]);
	});

	test('an acknowledgement needs a reason, and is recorded in the trail', async () => {
		const pv = first.find((a) => a.metric === 'presumed_violations')!;
		const actor = { username: 'stella', role: 'strategist' };
		await expect(acknowledgeAlert(t.store, pv.alert_id, { actor, reason: '' })).rejects.toThrow(/needs a reason/);
		await expect(acknowledgeAlert(t.store, pv.alert_id, { actor, reason: '   ' })).rejects.toThrow(/needs a reason/);
		await expect(acknowledgeAlert(t.store, 999_999, { actor, reason: 'x' })).rejects.toThrow(/no alert 999999/);
		const ack = await acknowledgeAlert(t.store, pv.alert_id, { actor, reason: '  dialer misconfigured, fixed on 1 July ' });
		expect(ack.acknowledged_by).toBe('stella');
		expect(ack.ack_reason).toBe('dialer misconfigured, fixed on 1 July');
		expect(ack.acknowledged_at).not.toBeNull();
		await expect(acknowledgeAlert(t.store, pv.alert_id, { actor, reason: 'again' })).rejects.toThrow(/already acknowledged by stella/);
		const [rec] = await listTrail(t.store, { action: 'alert.acknowledge' });
		expect(rec!.actor).toBe('stella');
		expect(rec!.role).toBe('strategist');
		expect(rec!.target).toBe('alerting');
		expect(JSON.parse(rec!.details!)).toEqual({ alert_id: pv.alert_id, arm: 'treatment', metric: 'presumed_violations', reason: 'dialer misconfigured, fixed on 1 July', rule: 'hard_limit' });
		expect((await listAlerts(t.store, { open: true, experiment: 'alerting' })).map((a) => a.metric)).toEqual(['complaints_per_1k_assigned']);
		expect((await listAlerts(t.store, { open: false, experiment: 'alerting' })).map((a) => a.alert_id)).toEqual([pv.alert_id]);
	});

	test('a breach after the acknowledgement raises a new alert', async () => {
		const next = await evaluateRunningExperiments(t.store, { experiments: [experiment('alerting')], now: at('2026-07-03T06:00:00Z'), asOf: AS_OF });
		expect(next.map((a) => a.metric)).toEqual(['presumed_violations']);
		const pv = first.find((a) => a.metric === 'presumed_violations')!;
		expect(next[0]!.alert_id).toBeGreaterThan(pv.alert_id);
		expect(next[0]!.fired_at).toBe('2026-07-03T06:00:00.000Z');
		const all = await listAlerts(t.store, { experiment: 'alerting' });
		expect(all).toHaveLength(3);
		expect(all[0]!.alert_id).toBe(next[0]!.alert_id); // newest first
	});
});

describe('the webhook', () => {
	test('a 500 is retried, then delivered; the body names the alert', async () => {
		const hook = await hookServer([500, 200]);
		try {
			const raised = await evaluateRunningExperiments(t.store, {
				experiments: [experiment('hook-retry')],
				webhookUrl: hook.url,
				now: at('2026-07-04T06:00:00Z'),
				asOf: AS_OF,
				webhook: { timeoutMs: 2000, retries: 3, backoffMs: 20 }
			});
			expect(raised).toHaveLength(2);
			// two alerts: each posted, the first attempt of whichever came first answered 500
			expect(hook.bodies).toHaveLength(3);
			for (const a of raised) expect(a.webhook_status).toBe('delivered');
			const stored = await listAlerts(t.store, { experiment: 'hook-retry' });
			expect(stored.map((a) => a.webhook_status)).toEqual(['delivered', 'delivered']);
			const pv = raised.find((a) => a.metric === 'presumed_violations')!;
			const posts = hook.bodies.filter((b) => (b as { body: { metric: string } }).body.metric === 'presumed_violations') as { method: string; contentType: string; body: Record<string, unknown> }[];
			expect(posts.length).toBeGreaterThanOrEqual(1);
			for (const p of posts) {
				expect(p.method).toBe('POST');
				expect(p.contentType).toBe('application/json');
				expect(p.body).toEqual({
					alert_id: pv.alert_id,
					experiment: 'hook-retry',
					arm: 'treatment',
					metric: 'presumed_violations',
					rule: 'hard_limit',
					threshold: 0,
					evidence: pv.evidence,
					message: pv.message,
					fired_at: '2026-07-04T06:00:00.000Z',
					// the decision the analysis now supports: a breached guardrail stops the arm
					decision: expect.objectContaining({ decision: 'stop', arms: ['treatment'], tone: 'bad', sentence: expect.stringMatching(/^Stop Treatment: presumed contact-rule violations .*above the hard limit\.$/) })
				});
			}
		} finally {
			await hook.close();
		}
	});

	test('a server that never answers times out on every attempt and is recorded as failed', async () => {
		const hook = await hookServer([null]);
		const t0 = Date.now();
		try {
			const raised = await evaluateRunningExperiments(t.store, {
				experiments: [experiment('hook-stall')],
				webhookUrl: hook.url,
				asOf: AS_OF,
				webhook: { timeoutMs: 300, retries: 3, backoffMs: 20 }
			});
			expect(raised).toHaveLength(2);
			// 1 + 3 attempts per alert, each given up after 300 ms
			expect(hook.bodies).toHaveLength(8);
			for (const a of raised) expect(a.webhook_status).toBe('failed: no answer within 300 ms after 4 attempts');
			expect((await listAlerts(t.store, { experiment: 'hook-stall' })).map((a) => a.webhook_status)).toEqual([
				'failed: no answer within 300 ms after 4 attempts',
				'failed: no answer within 300 ms after 4 attempts'
			]);
			expect(Date.now() - t0).toBeGreaterThanOrEqual(4 * 300);
		} finally {
			await hook.close();
		}
	});

	test('CUREWISE_ALERT_WEBHOOK_URL is used when no URL is given; a 400 is not retried', async () => {
		const hook = await hookServer([400]);
		process.env.CUREWISE_ALERT_WEBHOOK_URL = hook.url;
		try {
			// the open alerts of hook-retry are not raised again: nothing to post
			expect(await evaluateRunningExperiments(t.store, { experiments: [experiment('hook-retry')], asOf: AS_OF })).toEqual([]);
			expect(hook.bodies).toHaveLength(0);
			for (const a of await listAlerts(t.store, { open: true, experiment: 'hook-retry' }))
				await acknowledgeAlert(t.store, a.alert_id, { actor: { username: 'stella', role: 'strategist' }, reason: 'seen' });
			const raised = await evaluateRunningExperiments(t.store, { experiments: [experiment('hook-retry')], asOf: AS_OF, webhook: { backoffMs: 10 } });
			expect(raised).toHaveLength(2);
			expect(hook.bodies).toHaveLength(2);
			for (const a of raised) expect(a.webhook_status).toBe('failed: HTTP 400 (not retried)');
		} finally {
			delete process.env.CUREWISE_ALERT_WEBHOOK_URL;
			await hook.close();
		}
	});
});

describe('stop on breach', () => {
	test('a hard-limit breach with stop_on_breach calls stop once and marks the alert', async () => {
		const calls: [string, string][] = [];
		const raised = await evaluateRunningExperiments(t.store, {
			experiments: [experiment('stopper', { stop: true })],
			asOf: AS_OF,
			stop: async (id, reason) => {
				calls.push([id, reason]);
			}
		});
		expect(calls).toHaveLength(1);
		expect(calls[0]![0]).toBe('stopper');
		expect(calls[0]![1]).toMatch(/^guardrail breached: treatment: 2 .*presumed/);
		const pv = raised.find((a) => a.metric === 'presumed_violations')!;
		expect(pv.stopped_experiment).toBe(true);
		// the complaint limit does not stop the experiment
		expect(raised.find((a) => a.metric === 'complaints_per_1k_assigned')!.stopped_experiment).toBe(false);
		const stored = await listAlerts(t.store, { experiment: 'stopper' });
		expect(stored.find((a) => a.metric === 'presumed_violations')!.stopped_experiment).toBe(true);
	});

	test('a failing stop is reported, and the alert stays raised', async () => {
		const errors: string[] = [];
		const e = experimentSchema.parse({ ...experiment('stopper', { stop: true }), id: 'alerting' });
		// alerting's presumed-violation alert is open: only the stop is tried again
		const raised = await evaluateRunningExperiments(t.store, {
			experiments: [e],
			asOf: AS_OF,
			stop: async () => {
				throw new Error('the file is locked');
			},
			onError: (id, err) => errors.push(`${id}: ${(err as Error).message}`)
		});
		expect(raised).toEqual([]);
		expect(errors).toEqual(['alerting: the file is locked']);
		expect((await listAlerts(t.store, { open: true, experiment: 'alerting' })).every((a) => !a.stopped_experiment)).toBe(true);
	});
});
