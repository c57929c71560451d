/**
 * Experiments from file to assignments on a real store: a demo store (4,000 accounts, with the
 * two demo experiments' assignments) and a temporary copy of experiments/. The registry's
 * problems, saving a draft, launching it (deterministic, weights, eligibility, exclusions,
 * once only, frozen afterwards, undone when its file cannot be written), stopping and
 * concluding (who, when, why, in the file and in the trail), and the assignments file
 * in CSV and Parquet read back with DuckDB.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { listTrail, verifyTrail } from '../../src/lib/server/trail/trail.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { assignmentsFile, concludeExperiment, eligibleAccounts, launchExperiment, previewAssignment, stopExperiment } from '../../src/lib/server/experiments/lifecycle.ts';
import { definitionHash, ExperimentError, getExperiment, loadExperiments, saveDraft } from '../../src/lib/server/experiments/registry.ts';
import { freshSummaries, refreshSummaries } from '../../src/lib/server/kpi/summary-tables.ts';
import { getBatch, listBatches } from '../../src/lib/server/data/batches.ts';
import { storeOverview } from '../../src/lib/server/data/overview.ts';
import { launchChecks } from '../../src/lib/experiments/checks.ts';
import { checkRules } from '../../src/lib/server/compliance/message-rules.ts';
import { projectRoot } from '../../src/lib/server/paths.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const LAUNCH_AT = '2026-06-30T12:00:00Z'; // inside the demo's data, so the data's as-of date stays
const ann = { username: 'ann', role: 'strategist' };

let t: TempStore;
let dir: string; // the experiments folder of the tests (a copy of experiments/)
let second: Store; // a second store with the same demo data, opened from a copy of the first

const rows = <T = Record<string, unknown>>(sql: string, store: Store = t.store) => store.rows<T>(sql);
const yamlOf = (id: string, folder = dir) => YAML.parse(readFileSync(join(folder, `${id}.yaml`), 'utf8'));

/** a new draft as the experiment page would send it: three arms, new episodes since April, outside supportive-reminder */
function planOfferDraft(over: Record<string, unknown> = {}) {
	const base = YAML.parse(readFileSync('experiments/supportive-reminder.yaml', 'utf8'));
	return {
		id: 'plan-offer',
		title: 'Payment-plan offer in the first SMS',
		hypothesis: 'Offering a payment plan in the first reminder cures more episodes within 30 days.',
		owner: 'collections-strategy@curewise.example',
		population: {
			delinquency: { episode_started_on_or_after: '2026-04-01' },
			accounts: { segment: ['retail', 'sme'] },
			exclude_experiments: ['supportive-reminder']
		},
		arms: [
			{ ...base.arms[0], weight: 0.5 },
			{ ...base.arms[1], id: 'plan_offer', weight: 0.3, description: 'the supportive reminder with a plan offer' },
			{ ...base.arms[1], id: 'supportive', weight: 0.2 }
		],
		start: '2026-04-01',
		planned_end: '2026-09-30',
		primary_metric: 'cure_rate_30d',
		secondary_metrics: ['payment_plan_uptake', 'days_to_pay'],
		guardrails: base.guardrails,
		analysis: { alpha: 0.05, mode: 'sequential' },
		...over
	};
}

/** the assignment rule written independently: md5 in node, the first 15 hex digits as a fraction of 2^60 */
function expectedArm(id: string, salt: string, account: string, share: number, arms: { id: string; weight: number }[]): string | null {
	const u = Number(BigInt('0x' + createHash('md5').update(`${id}:${salt}:${account}`).digest('hex').slice(0, 15))) / 2 ** 60;
	if (u >= share) return null;
	let c = 0;
	for (const a of arms) {
		c += a.weight * share;
		if (u < c) return a.id;
	}
	return arms[arms.length - 1]!.id;
}

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 4000, seed: 5, outDir: join(t.dir, 'demo') });
	await refreshSummaries(t.store); // the Overview's summary tables, fresh (imports rebuild them too)
	await t.store.close();
	copyFileSync(t.dbPath, join(t.dir, 'second.duckdb'));
	// a keyed trail goes with its key (src/lib/server/trail/key.ts)
	copyFileSync(`${t.dbPath}.trail-key`, join(t.dir, 'second.duckdb.trail-key'));
	t.store = await Store.open({ path: t.dbPath, memoryLimit: '1GB' });
	second = await Store.open({ path: join(t.dir, 'second.duckdb'), memoryLimit: '1GB' });
	dir = join(t.dir, 'experiments');
	cpSync('experiments', dir, { recursive: true });
}, 180_000);
afterAll(async () => {
	await second?.close().catch(() => {});
	await t.close();
});

describe('the registry', () => {
	test('the demo experiments load without problems', () => {
		const r = loadExperiments(dir);
		expect(r.problems).toEqual([]);
		expect(r.experiments.map((e) => [e.id, e.status])).toEqual([
			['daily-call-cadence', 'running'],
			['supportive-reminder', 'running']
		]);
		expect(getExperiment('daily-call-cadence', dir)?.arms.map((a) => a.id)).toEqual(['control', 'daily_call']);
		expect(getExperiment('no-such-experiment', dir)).toBeNull();
		expect(() => getExperiment('../etc/passwd', dir)).toThrow(ExperimentError);
	});

	test('problems name the file, the line of a YAML syntax error, the field, a misnamed file and a duplicate id', () => {
		const bad = join(t.dir, 'bad-experiments');
		cpSync('experiments', bad, { recursive: true });
		writeFileSync(join(bad, 'broken.yaml'), 'id: broken\ntitle: A broken file\narms:\n  - id: control\n    weight: [0.5\n');
		writeFileSync(join(bad, 'copy.yaml'), readFileSync(join(bad, 'supportive-reminder.yaml')));
		const weights = yamlOf('daily-call-cadence', bad);
		weights.id = 'heavy';
		weights.arms[1].weight = 0.6;
		writeFileSync(join(bad, 'heavy.yaml'), YAML.stringify(weights));
		writeFileSync(join(bad, 'empty.yaml'), '# nothing yet\n');
		writeFileSync(join(bad, 'notes.txt'), 'not an experiment');
		writeFileSync(join(bad, 'later.yml'), 'id: later\n');
		const r = loadExperiments(bad);
		expect(r.experiments.map((e) => e.id)).toEqual(['daily-call-cadence']);
		const problems = Object.fromEntries(r.problems.map((p) => [p.file, p.messages]));
		expect(r.problems.map((p) => p.file)).toEqual(['broken.yaml', 'copy.yaml', 'empty.yaml', 'heavy.yaml', 'later.yml', 'supportive-reminder.yaml']);
		expect(problems['later.yml']).toEqual(['later.yml: is not read: experiment definitions are <id>.yaml files; rename it later.yaml']);
		expect(problems['broken.yaml']![0]).toMatch(/^broken\.yaml: YAML syntax error at line 6, column 1: /);
		expect(problems['copy.yaml']).toEqual([
			'copy.yaml: id is supportive-reminder but the file is named copy.yaml: a definition lives in <id>.yaml, here supportive-reminder.yaml',
			'copy.yaml: id supportive-reminder is also used by supportive-reminder.yaml: every experiment needs its own id'
		]);
		expect(problems['supportive-reminder.yaml']).toEqual(['supportive-reminder.yaml: id supportive-reminder is also used by copy.yaml: every experiment needs its own id']);
		expect(problems['heavy.yaml']).toEqual(['heavy.yaml: arms: the arm weights add up to 1.1, not 1']);
		expect(problems['empty.yaml']).toEqual(['empty.yaml: holds no experiment definition (expected fields such as id, title, hypothesis, arms)']);
		expect(() => getExperiment('heavy', bad)).toThrow(/heavy\.yaml is not a valid experiment definition:\nheavy\.yaml: arms: the arm weights add up to 1\.1, not 1/);
		expect(loadExperiments(join(t.dir, 'nowhere')).problems[0]!.messages[0]).toMatch(/the experiments folder .*nowhere does not exist/);
	});
});

describe('saving a draft', () => {
	test('validates, writes a readable <id>.yaml with a header comment, records experiment.draft_saved', async () => {
		const saved = await saveDraft(planOfferDraft(), ann, dir, t.store);
		expect(saved.created).toBe(true);
		expect(saved.path).toBe(join(dir, 'plan-offer.yaml'));
		const text = readFileSync(saved.path, 'utf8');
		expect(text).toMatch(/^# Message experiment: Payment-plan offer in the first SMS\n# Draft saved by ann \(strategist\) at /);
		expect(text).toMatch(/\nid: plan-offer\n/);
		expect(text).toMatch(/\nstatus: draft\n/);
		const e = getExperiment('plan-offer', dir)!;
		expect(e).toEqual(saved.experiment);
		expect(e.arms.map((a) => [a.id, a.weight])).toEqual([
			['control', 0.5],
			['plan_offer', 0.3],
			['supportive', 0.2]
		]);
		expect(e.analysis).toEqual({ alpha: 0.05, mode: 'sequential', variance_reduction: 'cuped', correction: 'holm', power: 0.8 });
		const [audit] = await listTrail(t.store, { action: 'experiment.draft_saved' });
		expect(audit).toMatchObject({ actor: 'ann', role: 'strategist', target: 'plan-offer' });
		expect(JSON.parse(audit!.details!)).toEqual({ created: true, definition_hash: definitionHash(e), file: 'plan-offer.yaml' });

		// editing the draft again is fine
		const again = await saveDraft(planOfferDraft({ title: 'Payment-plan offer in the first reminder' }), ann, dir, t.store);
		expect(again.created).toBe(false);
		expect(getExperiment('plan-offer', dir)!.title).toBe('Payment-plan offer in the first reminder');
		expect(loadExperiments(dir).problems).toEqual([]);
	});

	test('an invalid draft is refused with every message, and nothing is written', async () => {
		const bad = planOfferDraft({ id: 'bad-draft', primary_metric: 'nps' });
		delete (bad.arms as { message?: unknown }[])[2]!.message;
		const err = await saveDraft(bad, ann, dir, t.store).catch((e) => e);
		expect(err).toBeInstanceOf(ExperimentError);
		expect(err.problems).toEqual(['arms.2.message: an arm needs a message: channel, template_id and text', expect.stringMatching(/^primary_metric: unknown metric "nps"; the metrics are cure_rate_30d, /)]);
		const heavy = planOfferDraft({ id: 'bad-draft' });
		(heavy.arms as { weight: number }[])[2]!.weight = 0.3;
		await expect(saveDraft(heavy, ann, dir, t.store)).rejects.toThrow('the definition of bad-draft is not valid:\narms: the arm weights add up to 1.1, not 1');
		expect(err.message).toMatch(/^the definition of bad-draft is not valid:\narms\.2\.message: an arm needs a message: channel, template_id and text\nprimary_metric: unknown metric "nps"/);
		expect(getExperiment('bad-draft', dir)).toBeNull();
		await expect(saveDraft(planOfferDraft({ id: 'bad-draft', status: 'running' }), ann, dir, t.store)).rejects.toThrow(/a draft is saved with status draft, not running/);
	});

	test('a running experiment is not a draft: its weights, metrics and population cannot change', async () => {
		const running = yamlOf('supportive-reminder');
		running.status = 'draft';
		running.arms[0].weight = 0.6;
		running.arms[1].weight = 0.4;
		running.primary_metric = 'cure_rate_60d';
		running.secondary_metrics = ['days_to_pay'];
		await expect(saveDraft(running, ann, dir, t.store)).rejects.toThrow(
			'experiment supportive-reminder is running: its weights, metrics cannot change after launch. Stopping and relaunching is a new version: save it under a new id.'
		);
		const justTitle = { ...yamlOf('supportive-reminder'), status: 'draft', title: 'Renamed' };
		await expect(saveDraft(justTitle, ann, dir, t.store)).rejects.toThrow(/experiment supportive-reminder is running: only a draft can be edited/);
		expect(getExperiment('supportive-reminder', dir)!.title).toBe('Supportive reminder instead of the firm SMS and call script');
	});
});

describe('launching', () => {
	test('the eligible population: account filters, episode window, exclusions, computed independently', async () => {
		const e = getExperiment('plan-offer', dir)!;
		const got = await eligibleAccounts(t.store, e);
		const expected = await rows<{ account_id: string }>(`
			SELECT DISTINCT a.account_id FROM accounts a JOIN delinquencies d USING (account_id)
			WHERE a.segment IN ('retail', 'sme') AND d.started_on >= DATE '2026-04-01'
			EXCEPT SELECT account_id FROM experiment_assignments WHERE experiment_id = 'supportive-reminder'
			ORDER BY 1`);
		expect(got.length).toBeGreaterThan(300);
		expect(got).toEqual(expected.map((r) => r.account_id));
		// the other account filters and the window's end
		const narrow = { ...e, population: { ...e.population, delinquency: { episode_started_on_or_after: '2026-04-01', episode_started_on_or_before: '2026-04-30' }, accounts: { region_not_in: ['US-NY', 'US-CA'], vulnerable: false, product: ['card', 'personal_loan'] } } };
		const narrowExpected = await rows<{ account_id: string }>(`
			SELECT DISTINCT a.account_id FROM accounts a JOIN delinquencies d USING (account_id)
			WHERE a.region NOT IN ('US-NY', 'US-CA') AND NOT a.vulnerable AND a.product IN ('card', 'personal_loan')
				AND d.started_on BETWEEN DATE '2026-04-01' AND DATE '2026-04-30'
			EXCEPT SELECT account_id FROM experiment_assignments WHERE experiment_id = 'supportive-reminder'
			ORDER BY 1`);
		expect(narrowExpected.length).toBeGreaterThan(20);
		expect(await eligibleAccounts(t.store, narrow)).toEqual(narrowExpected.map((r) => r.account_id));
		// no condition at all: every account
		const everyone = { ...e, population: { delinquency: {}, accounts: { region: 'all' as const }, exclude_experiments: [], share_of_new_episodes: 1 } };
		expect((await eligibleAccounts(t.store, everyone)).length).toBe(4000);
	});

	test('share_of_new_episodes holds out accounts by the same hash', async () => {
		const e = getExperiment('plan-offer', dir)!;
		const all = await eligibleAccounts(t.store, e);
		const part = { ...e, population: { ...e.population, share_of_new_episodes: 0.3 } };
		const got = await eligibleAccounts(t.store, part);
		expect(got).toEqual(all.filter((a) => expectedArm('plan-offer', 'plan-offer', a, 0.3, e.arms) !== null));
		expect(Math.abs(got.length - 0.3 * all.length)).toBeLessThan(4 * Math.sqrt(all.length * 0.3 * 0.7));
		const preview = await previewAssignment(t.store, part);
		expect(preview.eligible).toBe(got.length);
		expect(Object.values(preview.arms).reduce((s, n) => s + n, 0)).toBe(got.length);
	});

	test('assigns every eligible account once, by the hash, weights respected; freezes the definition; records the launch', async () => {
		const e = getExperiment('plan-offer', dir)!;
		const eligible = await eligibleAccounts(t.store, e);
		const preview = await previewAssignment(t.store, e);
		const fresh = await freshSummaries(t.store);
		expect(fresh).not.toBeNull();

		const r = await launchExperiment(t.store, 'plan-offer', ann, { reason: 'the test launches it', dir, at: LAUNCH_AT });
		expect(r).toMatchObject({ id: 'plan-offer', launched_at: '2026-06-30T12:00:00.000Z', definition_hash: definitionHash(e), eligible: eligible.length });
		expect(r.assigned).toEqual(preview.arms);
		expect(Object.keys(r.assigned)).toEqual(['control', 'plan_offer', 'supportive']);

		const stored = await rows<{ account_id: string; variant: string; assigned_at: Date; import_batch_id: number }>(
			`SELECT account_id, variant, assigned_at, import_batch_id FROM experiment_assignments WHERE experiment_id = 'plan-offer' ORDER BY account_id`
		);
		// every eligible account exactly once
		expect(stored.map((s) => s.account_id)).toEqual(eligible);
		expect(stored.every((s) => s.assigned_at instanceof Date && s.assigned_at.toISOString() === '2026-06-30T12:00:00.000Z' && s.import_batch_id === r.batch_id)).toBe(true);
		// the arm of each account is the one the hash gives, computed here independently
		for (const s of stored) expect(s.variant, s.account_id).toBe(expectedArm('plan-offer', 'plan-offer', s.account_id, 1, e.arms));
		// weights within sampling error (4 standard deviations)
		const n = stored.length;
		for (const a of e.arms) {
			const k = stored.filter((s) => s.variant === a.id).length;
			expect(k).toBe(r.assigned[a.id]);
			expect(Math.abs(k - n * a.weight), a.id).toBeLessThan(4 * Math.sqrt(n * a.weight * (1 - a.weight)));
		}
		// exclusions honoured
		const [overlap] = await rows<{ n: number }>(`SELECT count(*) AS n FROM experiment_assignments p JOIN experiment_assignments s USING (account_id)
			WHERE p.experiment_id = 'plan-offer' AND s.experiment_id = 'supportive-reminder'`);
		expect(overlap!.n).toBe(0);

		// the batch
		const [batch] = await rows(`SELECT * FROM import_batches WHERE batch_id = ${r.batch_id}`);
		expect(batch).toMatchObject({ source: 'launch', file_name: 'plan-offer launch', table_name: 'experiment_assignments', status: 'imported', rows_read: n, rows_inserted: n, rows_updated: 0, rows_quarantined: 0 });
		// a launch is not an import: not in the import history, not the "last import" of the top bar
		expect((await listBatches(t.store)).map((b) => b.batch_id)).not.toContain(r.batch_id);
		expect(await getBatch(t.store, r.batch_id)).toBeNull();
		const [{ last }] = (await rows<{ last: unknown }>(`SELECT max(finished_at) AS last FROM import_batches WHERE source <> 'launch' AND status = 'imported'`)) as [{ last: Date }];
		expect((await storeOverview(t.store)).last_import_at).toBe((last as Date).toISOString());

		// the file: running, launched by whom, when, with the hash; the header comment kept
		const text = readFileSync(join(dir, 'plan-offer.yaml'), 'utf8');
		expect(text).toMatch(/^# Message experiment: Payment-plan offer in the first reminder\n/);
		const written = getExperiment('plan-offer', dir)!;
		expect(written.status).toBe('running');
		expect(written.launched).toEqual({ by: 'ann', at: '2026-06-30T12:00:00.000Z', definition_hash: definitionHash(e) });

		// the trail
		const [audit] = await listTrail(t.store, { action: 'experiment.launch' });
		expect(audit).toMatchObject({ actor: 'ann', role: 'strategist', target: 'plan-offer' });
		expect(JSON.parse(audit!.details!)).toMatchObject({ launched_at: '2026-06-30T12:00:00.000Z', definition_hash: definitionHash(e), eligible: n, assigned: r.assigned, batch_id: r.batch_id });
		expect((await verifyTrail(t.store)).ok).toBe(true);

		// the Overview's summary tables stay fresh, and offer the new experiment as a filter
		expect(await freshSummaries(t.store)).toEqual(fresh);
		const filters = await rows<{ dimension: string; value: string; n: number }>(`SELECT * FROM kpi_filter_values WHERE value LIKE 'plan-offer%' ORDER BY 1, 2`);
		expect(filters).toEqual([
			{ dimension: 'arm', value: 'plan-offer/control', n: r.assigned.control },
			{ dimension: 'arm', value: 'plan-offer/plan_offer', n: r.assigned.plan_offer },
			{ dimension: 'arm', value: 'plan-offer/supportive', n: r.assigned.supportive },
			{ dimension: 'experiment', value: 'plan-offer', n }
		]);
	});

	test('the same assignment on a second store, even with part of the accounts missing there', async () => {
		const dir2 = join(t.dir, 'experiments-second');
		mkdirSync(dir2);
		const draft = yamlOf('plan-offer');
		draft.status = 'draft';
		delete draft.launched;
		writeFileSync(join(dir2, 'plan-offer.yaml'), YAML.stringify(draft));
		await second.rows(`DELETE FROM accounts WHERE right(account_id, 1) IN ('1', '4', '7')`);
		const r = await launchExperiment(second, 'plan-offer', { username: 'bob', role: 'admin' }, { reason: 'the test launches it', dir: dir2 });
		const one = await rows<{ account_id: string; variant: string }>(`SELECT account_id, variant FROM experiment_assignments WHERE experiment_id = 'plan-offer' ORDER BY 1`);
		const two = await rows<{ account_id: string; variant: string }>(`SELECT account_id, variant FROM experiment_assignments WHERE experiment_id = 'plan-offer' ORDER BY 1`, second);
		expect(two.length).toBe(r.eligible);
		expect(two).toEqual(one.filter((x) => !['1', '4', '7'].includes(x.account_id.slice(-1))));
		expect(getExperiment('plan-offer', dir2)!.launched!.definition_hash).toBe(getExperiment('plan-offer', dir)!.launched!.definition_hash);
	});

	test('a second launch is refused: the experiment is running, or its assignments exist', async () => {
		await expect(launchExperiment(t.store, 'plan-offer', ann, { reason: 'the test launches it', dir })).rejects.toThrow(
			'experiment plan-offer is running: only a draft can be launched (stopping and relaunching is a new version, under a new id)'
		);
		// a file set back to draft by hand: the stored assignments still refuse it
		const other = join(t.dir, 'experiments-reset');
		mkdirSync(other);
		const draft = yamlOf('plan-offer');
		draft.status = 'draft';
		delete draft.launched;
		writeFileSync(join(other, 'plan-offer.yaml'), YAML.stringify(draft));
		const before = await rows(`SELECT count(*) AS n FROM experiment_assignments`);
		await expect(launchExperiment(t.store, 'plan-offer', ann, { reason: 'the test launches it', dir: other })).rejects.toThrow(/^experiment plan-offer already has [\d,]+ stored assignments: it cannot be launched again/);
		expect(await rows(`SELECT count(*) AS n FROM experiment_assignments`)).toEqual(before);
		expect(getExperiment('plan-offer', other)!.status).toBe('draft');
		await expect(launchExperiment(t.store, 'nothing-here', ann, { reason: 'the test launches it', dir })).rejects.toThrow('there is no experiment nothing-here (no nothing-here.yaml in the experiments folder)');
	});

	test('the demo experiments pass the product\'s own message and cadence checks', async () => {
		const demo = loadExperiments(join(projectRoot(), 'experiments')).experiments;
		expect(demo.map((e) => e.id).sort()).toEqual(['daily-call-cadence', 'supportive-reminder']);
		const rules = await checkRules(t.store);
		for (const e of demo) expect(launchChecks(e.arms, rules).mustFix, e.id).toEqual([]);
	});

	test('a guarded launch: a reason is required; a "must fix" check refuses it, unless an admin overrides it with a reason, recorded in the trail', async () => {
		const guarded = join(t.dir, 'experiments-guarded');
		mkdirSync(guarded);
		const draft = yamlOf('plan-offer');
		Object.assign(draft, { id: 'loud-offer', status: 'draft' });
		delete draft.launched;
		// the SMS of the plan_offer arm says neither that it is from a debt collector nor how to opt out
		draft.arms[1].message[0].text = 'Pay today or we will tell your employer.';
		writeFileSync(join(guarded, 'loud-offer.yaml'), YAML.stringify(draft));
		const before = await rows(`SELECT count(*) AS n FROM experiment_assignments`);
		await expect(launchExperiment(t.store, 'loud-offer', ann, { dir: guarded })).rejects.toThrow(/^experiment loud-offer was not launched: say why it is launched now \(a reason is required/);
		await expect(launchExperiment(t.store, 'loud-offer', ann, { reason: '   ', dir: guarded })).rejects.toThrow(/a reason is required/);
		await expect(launchExperiment(t.store, 'loud-offer', ann, { reason: 'plans help', dir: guarded })).rejects.toThrow(
			/^experiment loud-offer was not launched: \d+ checks say "must fix": plan_offer \(message 1\): message check: .*debt collector[^.]*[^.]\. Fix the messages, or an admin may launch it anyway, giving the reason to override the checks$/
		);
		// a strategist cannot override
		await expect(launchExperiment(t.store, 'loud-offer', ann, { reason: 'plans help', override: 'I know', dir: guarded })).rejects.toThrow(/only an admin may launch it although checks say "must fix"/);
		expect(await rows(`SELECT count(*) AS n FROM experiment_assignments`)).toEqual(before);
		expect(getExperiment('loud-offer', guarded)!.status).toBe('draft');
		// an admin with a reason to override
		const r = await launchExperiment(t.store, 'loud-offer', { username: 'bob', role: 'admin' }, { reason: 'plans help', override: 'legal approved the wording for this test', dir: guarded });
		expect(r.eligible).toBeGreaterThan(0);
		const [audit] = await listTrail(t.store, { action: 'experiment.launch', actor: 'bob' });
		expect(JSON.parse(audit!.details!)).toMatchObject({ reason: 'plans help', override_reason: 'legal approved the wording for this test', must_fix_overridden: expect.arrayContaining([expect.stringMatching(/^plan_offer \(message 1\): message check: /)]) });
		await t.store.rows(`DELETE FROM experiment_assignments WHERE experiment_id = 'loud-offer'`);
	});

	test('the running definition cannot be changed: not by saving a draft, not by editing the file', async () => {
		const changed = planOfferDraft({ title: 'Payment-plan offer in the first reminder' });
		(changed.arms as { weight: number }[])[0]!.weight = 0.4;
		(changed.arms as { weight: number }[])[1]!.weight = 0.4;
		(changed.population as { accounts: object }).accounts = { segment: ['retail'] };
		await expect(saveDraft(changed, ann, dir, t.store)).rejects.toThrow('experiment plan-offer is running: its weights, population cannot change after launch');
		expect(getExperiment('plan-offer', dir)!.arms[0]!.weight).toBe(0.5);

		// an edit of the file by hand is caught by the frozen definition's hash
		const path = join(dir, 'plan-offer.yaml');
		const original = readFileSync(path, 'utf8');
		writeFileSync(path, original.replace(/weight: 0\.3\n/, 'weight: 0.25\n').replace(/weight: 0\.2\n/, 'weight: 0.25\n'));
		try {
			const r = loadExperiments(dir);
			expect(r.experiments.map((x) => x.id)).not.toContain('plan-offer');
			expect(r.problems).toEqual([{ file: 'plan-offer.yaml', messages: [expect.stringMatching(/^plan-offer\.yaml: the arms, weights, population, metrics, guardrails or analysis changed after launch/)] }]);
			expect(() => getExperiment('plan-offer', dir)).toThrow(/changed after launch/);
		} finally {
			writeFileSync(path, original);
		}
		expect(loadExperiments(dir).problems).toEqual([]);
	});

	test('when the definition file cannot be written, the assignments are removed again and the experiment stays a draft', async () => {
		await saveDraft(planOfferDraft({ id: 'plan-offer-b', title: 'Plan offer B', population: { delinquency: { episode_started_on_or_after: '2026-05-01' }, exclude_experiments: ['supportive-reminder', 'plan-offer'] } }), ann, dir, t.store);
		const blocker = join(dir, '.plan-offer-b.yaml.tmp');
		mkdirSync(blocker); // the temporary file of the write is a folder: the write fails
		const before = await rows(`SELECT count(*) AS n FROM experiment_assignments`);
		try {
			const err = await launchExperiment(t.store, 'plan-offer-b', ann, { reason: 'the test launches it', dir, at: LAUNCH_AT }).catch((e) => e);
			expect(err).toBeInstanceOf(ExperimentError);
			expect(err.message).toMatch(/^experiment plan-offer-b was not launched: its [\d,]+ assignments were stored, but plan-offer-b\.yaml could not be written \(.*EISDIR.*\); the assignments were removed again and the experiment is still a draft$/);
		} finally {
			rmSync(blocker, { recursive: true });
		}
		expect(await rows(`SELECT count(*) AS n FROM experiment_assignments`)).toEqual(before);
		const [batch] = await rows<{ status: string; error: string }>(`SELECT status, error FROM import_batches WHERE file_name = 'plan-offer-b launch'`);
		expect(batch!.status).toBe('rejected');
		expect(batch!.error).toMatch(/^launch undone: the definition file could not be written/);
		expect(getExperiment('plan-offer-b', dir)!.status).toBe('draft');
		expect(await freshSummaries(t.store)).not.toBeNull();
		expect(await rows(`SELECT * FROM kpi_filter_values WHERE value LIKE 'plan-offer-b%'`)).toEqual([]);
		expect((await listTrail(t.store, { action: 'experiment.launch' })).map((x) => x.target)).not.toContain('plan-offer-b'); // not recorded

		// once the folder is writable again it launches, and plan-offer's accounts are left out
		const r = await launchExperiment(t.store, 'plan-offer-b', ann, { reason: 'the test launches it', dir, at: LAUNCH_AT });
		expect(r.eligible).toBeGreaterThan(0);
		const [overlap] = await rows<{ n: number }>(`SELECT count(*) AS n FROM experiment_assignments b JOIN experiment_assignments p USING (account_id)
			WHERE b.experiment_id = 'plan-offer-b' AND p.experiment_id IN ('plan-offer', 'supportive-reminder')`);
		expect(overlap!.n).toBe(0);
	});
});

describe('the assignments file', () => {
	test('CSV and Parquet, read back with DuckDB, hold exactly the stored assignments', async () => {
		const stored = await rows<{ experiment_id: string; account_id: string; variant: string; assigned_at: string }>(
			`SELECT experiment_id, account_id, variant, strftime(assigned_at, '%Y-%m-%dT%H:%M:%SZ') AS assigned_at FROM experiment_assignments WHERE experiment_id = 'plan-offer' ORDER BY account_id`
		);
		const csvPath = join(t.dir, "plan-offer's assignments.csv");
		const parquetPath = join(t.dir, 'plan-offer.parquet');
		expect(await assignmentsFile(t.store, 'plan-offer', 'csv', csvPath)).toEqual({ path: csvPath, format: 'csv', rows: stored.length });
		expect(await assignmentsFile(t.store, 'plan-offer', 'parquet', parquetPath)).toEqual({ path: parquetPath, format: 'parquet', rows: stored.length });

		const text = readFileSync(csvPath, 'utf8');
		expect(text.split('\n')[0]).toBe('experiment_id,account_id,variant,assigned_at');
		expect(text.split('\n')[1]).toMatch(/^plan-offer,A\d+,(control|plan_offer|supportive),2026-06-30T12:00:00Z$/);

		const db = await DuckDBInstance.create(':memory:');
		const c = await db.connect();
		await c.run(`SET TimeZone = 'UTC'`);
		try {
			const fromCsv = (await c.runAndReadAll(`SELECT * FROM read_csv('${csvPath.replace(/'/g, "''")}', all_varchar = true)`)).getRowObjectsJS();
			expect(fromCsv).toEqual(stored);
			const pq = await c.runAndReadAll(`SELECT experiment_id, account_id, variant, strftime(assigned_at, '%Y-%m-%dT%H:%M:%SZ') AS assigned_at FROM read_parquet('${parquetPath}')`);
			expect(pq.getRowObjectsJS()).toEqual(stored);
			const types = (await c.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${parquetPath}'))`)).getRows();
			expect(types).toEqual([
				['experiment_id', 'VARCHAR'],
				['account_id', 'VARCHAR'],
				['variant', 'VARCHAR'],
				['assigned_at', 'TIMESTAMP WITH TIME ZONE']
			]);
		} finally {
			c.closeSync();
			db.closeSync();
		}
		await expect(assignmentsFile(t.store, 'plan-offer', 'xlsx' as 'csv', csvPath)).rejects.toThrow('the assignments file is csv or parquet, not xlsx');
	});
});

describe('stopping and concluding', () => {
	test('stop records who, when and why in the file and the trail; only a running experiment stops', async () => {
		const before = Date.now();
		const e = await stopExperiment(t.store, 'plan-offer', { actor: ann, reason: 'the dialer vendor changed the SMS template', dir });
		expect(e.status).toBe('stopped');
		expect(e.stopped).toMatchObject({ by: 'ann', reason: 'the dialer vendor changed the SMS template' });
		expect(Date.parse(e.stopped!.at)).toBeGreaterThanOrEqual(before - 1000);
		const file = yamlOf('plan-offer');
		expect(file.status).toBe('stopped');
		expect(file.stopped).toEqual(e.stopped);
		expect(file.launched.by).toBe('ann'); // the launch record stays
		const [audit] = await listTrail(t.store, { action: 'experiment.stop' });
		expect(audit).toMatchObject({ actor: 'ann', role: 'strategist', target: 'plan-offer' });
		expect(JSON.parse(audit!.details!)).toEqual({ at: e.stopped!.at, reason: 'the dialer vendor changed the SMS template', from: 'running' });

		await expect(stopExperiment(t.store, 'plan-offer', { actor: ann, reason: 'again', dir })).rejects.toThrow('experiment plan-offer is stopped: only a running experiment can be stopped');
		await expect(stopExperiment(t.store, 'daily-call-cadence', { actor: ann, reason: '  ', dir })).rejects.toThrow('stopping an experiment needs a reason');
		await expect(launchExperiment(t.store, 'plan-offer', ann, { reason: 'the test launches it', dir })).rejects.toThrow(/is stopped: only a draft can be launched/);
	});

	test('a guardrail stops an experiment under its own name', async () => {
		await stopExperiment(t.store, 'daily-call-cadence', { actor: { username: 'guardrail', role: 'system' }, reason: 'hard limit: presumed_violations in daily_call (3) where control has none', dir });
		expect(yamlOf('daily-call-cadence').stopped).toMatchObject({ by: 'guardrail', reason: 'hard limit: presumed_violations in daily_call (3) where control has none' });
		const [audit] = await listTrail(t.store, { action: 'experiment.stop' });
		expect(audit).toMatchObject({ actor: 'guardrail', role: 'system', target: 'daily-call-cadence' });
		// the author's comments survive the lifecycle's writes
		expect(readFileSync(join(dir, 'daily-call-cadence.yaml'), 'utf8')).toMatch(/^# Message experiment: does calling every day cure more than the current cadence\?\n/);
	});

	test('conclude records the decision, the winner, who, when and why; from running or stopped only', async () => {
		const shipped = await concludeExperiment(t.store, 'plan-offer', { actor: { username: 'carol', role: 'strategist' }, decision: 'ship', winner: 'plan_offer', reason: 'cure rate +3.1 pp, guardrails clean', dir });
		expect(shipped.status).toBe('concluded');
		expect(shipped.decision).toMatchObject({ decision: 'ship', winner: 'plan_offer', by: 'carol', reason: 'cure rate +3.1 pp, guardrails clean' });
		expect(yamlOf('plan-offer').decision).toEqual(shipped.decision);
		const [audit] = await listTrail(t.store, { action: 'experiment.conclude' });
		expect(audit).toMatchObject({ actor: 'carol', role: 'strategist', target: 'plan-offer' });
		expect(JSON.parse(audit!.details!)).toEqual({ at: shipped.decision!.at, decision: 'ship', winner: 'plan_offer', reason: 'cure rate +3.1 pp, guardrails clean', from: 'stopped' });
		await expect(concludeExperiment(t.store, 'plan-offer', { actor: ann, decision: 'iterate', reason: 'again', dir })).rejects.toThrow('experiment plan-offer is concluded: only a running or stopped experiment can be concluded');

		// from running, with the checks on the winner and the reason
		await expect(concludeExperiment(t.store, 'supportive-reminder', { actor: ann, decision: 'ship', winner: 'loud', reason: 'x', dir })).rejects.toThrow('the winner loud is not an arm of supportive-reminder; its arms are control, supportive');
		await expect(concludeExperiment(t.store, 'supportive-reminder', { actor: ann, decision: 'ship', winner: 'control', reason: 'x', dir })).rejects.toThrow(/decide do_not_ship instead/);
		await expect(concludeExperiment(t.store, 'supportive-reminder', { actor: ann, decision: 'do_not_ship', reason: '', dir })).rejects.toThrow('a decision needs its reason');
		const kept = await concludeExperiment(t.store, 'supportive-reminder', { actor: ann, decision: 'ship', reason: 'supportive cures more', dir });
		expect(kept.decision).toMatchObject({ decision: 'ship', winner: 'supportive' }); // the only arm that is not control
		expect(JSON.parse((await listTrail(t.store, { action: 'experiment.conclude' }))[0]!.details!)).toMatchObject({ from: 'running' });
		expect(loadExperiments(dir).problems).toEqual([]);
		expect((await verifyTrail(t.store)).ok).toBe(true);
	});
});
