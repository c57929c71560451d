/**
 * curewise experiments, run as a real process on a demo store and a temporary experiments
 * folder (CUREWISE_EXPERIMENTS_DIR): list, show, launch, stop and analyze; exit codes 0/1/2
 * and --json.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { listTrail } from '../../src/lib/server/trail/trail.ts';
import { Store } from '../../src/lib/server/db/store.ts';
import { runDemo } from '../../src/lib/server/demo/index.ts';
import { tempStore, type TempStore } from '../support/store.ts';

const BIN = resolve('bin/curewise.js');

let t: TempStore;
let dir: string;

function cli(...args: string[]) {
	const r = spawnSync(process.execPath, [BIN, 'experiments', ...args], { encoding: 'utf8', env: { ...process.env, CUREWISE_EXPERIMENTS_DIR: dir } });
	return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
	t = await tempStore();
	await runDemo(t.store, { accounts: 1500, seed: 3, outDir: join(t.dir, 'demo') });
	await t.store.close(); // the CLI opens the file itself
	dir = join(t.dir, 'experiments');
	cpSync('experiments', dir, { recursive: true });
	// a new draft: the supportive reminder against control for the accounts with an episode since May
	const draft = YAML.parse(readFileSync(join(dir, 'supportive-reminder.yaml'), 'utf8'));
	Object.assign(draft, {
		id: 'may-reminder',
		status: 'draft',
		title: 'Supportive reminder, May cohort',
		population: { delinquency: { episode_started_on_or_after: '2026-05-01' } }
	});
	writeFileSync(join(dir, 'may-reminder.yaml'), YAML.stringify(draft));
}, 180_000);
afterAll(() => t.close());

describe('curewise experiments', () => {
	test('list: every definition with its status, arms, dates and assigned counts; --json', () => {
		const text = cli('list', '--db', t.dbPath);
		expect(text.code).toBe(0);
		expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+ARMS\s+START\s+PLANNED END\s+ASSIGNED$/);
		expect(text.stdout).toMatch(/\ndaily-call-cadence\s+running\s+control 50%, daily_call 50%\s+2026-04-01\s+2026-07-31\s+[\d,]+ \(control [\d,]+, daily_call [\d,]+\)\n/);
		expect(text.stdout).toMatch(/\nmay-reminder\s+draft\s+control 50%, supportive 50%\s+2026-03-02\s+2026-08-31\s+—\n/);

		const r = cli('list', '--db', t.dbPath, '--json');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out.folder).toBe(dir);
		expect(out.problems).toEqual([]);
		expect(out.experiments.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
			['daily-call-cadence', 'running'],
			['may-reminder', 'draft'],
			['supportive-reminder', 'running']
		]);
		const s = out.experiments.find((e: { id: string }) => e.id === 'supportive-reminder');
		expect(s).toMatchObject({ title: 'Supportive reminder instead of the firm SMS and call script', start: '2026-03-02', planned_end: '2026-08-31' });
		expect(s.arms.map((a: { id: string; weight: number }) => [a.id, a.weight])).toEqual([
			['control', 0.5],
			['supportive', 0.5]
		]);
		expect(s.assigned).toBeGreaterThan(50);
		expect(s.arms[0].assigned + s.arms[1].assigned).toBe(s.assigned);
	});

	test('list: a file with problems is listed with them, exit 1', () => {
		writeFileSync(join(dir, 'broken.yaml'), 'id: broken\ntitle: [unclosed\n');
		try {
			const r = cli('list', '--db', t.dbPath);
			expect(r.code).toBe(1);
			expect(r.stdout).toMatch(/\n1 file with problems \(left out above\):\n  ✗ broken\.yaml: YAML syntax error at line 3, column 1: /);
			const j = cli('list', '--db', t.dbPath, '--json');
			expect(j.code).toBe(1);
			expect(JSON.parse(j.stdout).problems).toEqual([{ file: 'broken.yaml', messages: [expect.stringMatching(/^broken\.yaml: YAML syntax error at line 3/)] }]);
		} finally {
			rmSync(join(dir, 'broken.yaml'));
		}
	});

	test('show: the file as written, or the validated definition with --json', () => {
		const r = cli('show', 'daily-call-cadence');
		expect(r.code).toBe(0);
		expect(r.stdout).toBe(readFileSync(join(dir, 'daily-call-cadence.yaml'), 'utf8'));
		const j = cli('show', 'daily-call-cadence', '--json');
		expect(j.code).toBe(0);
		expect(JSON.parse(j.stdout)).toMatchObject({ id: 'daily-call-cadence', status: 'running', primary_metric: 'cure_rate_30d', analysis: { alpha: 0.05, mode: 'sequential', correction: 'holm' } });
		const missing = cli('show', 'nope');
		expect(missing.code).toBe(1);
		expect(missing.stderr).toBe(`curewise experiments show: there is no experiment nope (no nope.yaml in ${dir})\n`);
	});

	test('launch: a draft, as the admin cli; a second launch is refused with exit 1', async () => {
		const r = cli('launch', 'may-reminder', '--reason', 'the test launches it', '--db', t.dbPath, '--json');
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ id: 'may-reminder', eligible: expect.any(Number), assigned: { control: expect.any(Number), supportive: expect.any(Number) } });
		expect(out.eligible).toBeGreaterThan(20);
		expect(out.assigned.control + out.assigned.supportive).toBe(out.eligible);
		const file = YAML.parse(readFileSync(join(dir, 'may-reminder.yaml'), 'utf8'));
		expect(file.status).toBe('running');
		expect(file.launched).toMatchObject({ by: 'cli', definition_hash: out.definition_hash });

		const again = cli('launch', 'may-reminder', '--reason', 'again', '--db', t.dbPath);
		expect(again.code).toBe(1);
		expect(again.stderr).toBe('curewise experiments launch: experiment may-reminder is running: only a draft can be launched (stopping and relaunching is a new version, under a new id)\n');

		const list = JSON.parse(cli('list', '--db', t.dbPath, '--json').stdout);
		expect(list.experiments.find((e: { id: string }) => e.id === 'may-reminder').assigned).toBe(out.eligible);

		const store = await Store.open({ path: t.dbPath });
		try {
			const [audit] = await listTrail(store, { action: 'experiment.launch' });
			expect(audit).toMatchObject({ actor: 'cli', role: 'admin', target: 'may-reminder' });
		} finally {
			await store.close();
		}
	});

	test('launch: text output', () => {
		const draft = YAML.parse(readFileSync(join(dir, 'may-reminder.yaml'), 'utf8'));
		Object.assign(draft, { id: 'april-reminder', status: 'draft', population: { delinquency: { episode_started_on_or_after: '2026-04-01', episode_started_on_or_before: '2026-04-30' }, exclude_experiments: ['may-reminder'] } });
		delete draft.launched;
		writeFileSync(join(dir, 'april-reminder.yaml'), YAML.stringify(draft));
		const r = cli('launch', 'april-reminder', '--reason', 'the test launches it', '--db', t.dbPath);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^✓ launched april-reminder: [\d,]+ eligible accounts assigned \(control [\d,]+, supportive [\d,]+\) in \d+\.\d s\n  april-reminder\.yaml is running, launched by cli at \d{4}-\d\d-\d\dT[\d:.]+Z, definition hash [0-9a-f]{12}…\n$/);
	});

	test('stop: needs --reason (exit 2); stops a running experiment; a stopped one cannot stop again (exit 1)', async () => {
		const noReason = cli('stop', 'may-reminder', '--db', t.dbPath);
		expect(noReason.code).toBe(2);
		expect(noReason.stderr).toMatch(/^curewise experiments: --reason is needed: say why the experiment stops\n/);
		const r = cli('stop', 'may-reminder', '--reason', 'template withdrawn by legal', '--db', t.dbPath, '--json');
		expect(r.code).toBe(0);
		const out = JSON.parse(r.stdout);
		expect(out).toMatchObject({ id: 'may-reminder', status: 'stopped', stopped: { by: 'cli', reason: 'template withdrawn by legal' } });
		expect(YAML.parse(readFileSync(join(dir, 'may-reminder.yaml'), 'utf8')).stopped).toEqual(out.stopped);
		const again = cli('stop', 'may-reminder', '--reason', 'again', '--db', t.dbPath);
		expect(again.code).toBe(1);
		expect(again.stderr).toBe('curewise experiments stop: experiment may-reminder is stopped: only a running experiment can be stopped\n');
		const text = cli('stop', 'april-reminder', '--reason', 'enough data', '--db', t.dbPath);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/^✓ stopped april-reminder at \d{4}-\d\d-\d\dT[\d:.]+Z: enough data\n$/);
		const store = await Store.open({ path: t.dbPath });
		try {
			const [audit] = await listTrail(store, { action: 'experiment.stop' });
			expect(audit).toMatchObject({ actor: 'cli', role: 'admin', target: 'april-reminder' });
			expect(JSON.parse(audit!.details!)).toMatchObject({ reason: 'enough data' });
		} finally {
			await store.close();
		}
	});

	test('analyze: the results as JSON, and as a table of arms × metrics', () => {
		const j = cli('analyze', 'supportive-reminder', '--db', t.dbPath, '--json');
		expect(j.stderr).toBe('');
		expect(j.code).toBe(0);
		const a = JSON.parse(j.stdout);
		expect(a.experiment).toBe('supportive-reminder');
		expect(a.srm.assigned.p_value).toBeGreaterThanOrEqual(0);
		const cure = a.metrics.find((m: { metric: string; arm: string }) => m.metric === 'cure_rate_30d' && m.arm === 'supportive');
		expect(Object.keys(cure)).toEqual(expect.arrayContaining(['n_arm', 'arm_value', 'difference', 'relative_lift', 'p_value_fixed', 'p_value_sequential', 'bayes']));
		const text = cli('analyze', 'supportive-reminder', '--db', t.dbPath);
		expect(text.code).toBe(0);
		expect(text.stdout).toMatch(/^supportive-reminder: Supportive reminder instead of the firm SMS and call script\n/);
		expect(text.stdout).toMatch(/\nsample ratio: p = (\d\.\d{4}|<0\.0001)/);
		expect(text.stdout).toMatch(/METRIC\s+ARM\s+N\s+VALUE\s+CONTROL\s+DIFF \[CI\]\s+LIFT \[CI\]\s+P FIXED\s+P SEQ\s+P\(BEAT CONTROL\)\s+GUARDRAIL/);
		expect(text.stdout).toMatch(/\ncure_rate_30d\s+supportive\s+[\d,]+\s/);
		const missing = cli('analyze', 'nope', '--db', t.dbPath);
		expect(missing.code).toBe(1);
	});

	test('wrong usage exits 2 with what is wrong', () => {
		const none = cli();
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/say what to do: list, show, launch, stop, analyze/);
		const bad = cli('restart', 'x');
		expect(bad.code).toBe(2);
		const noId = cli('launch', '--db', t.dbPath);
		expect(noId.code).toBe(2);
		expect(noId.stderr).toMatch(/name the experiment: curewise experiments launch ID/);
		const flag = cli('list', '--frobnicate');
		expect(flag.code).toBe(2);
		expect(flag.stderr).toMatch(/Unknown option '--frobnicate'/);
		const twoIds = cli('show', 'a', 'b');
		expect(twoIds.code).toBe(2);
		const badId = cli('show', '../../etc/passwd');
		expect(badId.code).toBe(1);
		expect(badId.stderr).toMatch(/is not an experiment id/);
		const help = spawnSync(process.execPath, [BIN, 'experiments', '--help'], { encoding: 'utf8' });
		expect(help.status).toBe(0);
		expect(help.stdout).toMatch(/^usage: curewise experiments list/);
	});
});
