/**
 * The schema of experiments/<id>.yaml: the demo definitions are valid, and every kind of
 * mistake gets a message that names the file, the field and the problem.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { describeIssues, experimentSchema, isCalendarDay, METRIC_NAMES } from '../../src/lib/experiments/schema.ts';

const demo = (id: string) => YAML.parse(readFileSync(`experiments/${id}.yaml`, 'utf8'));

/** the messages for the supportive-reminder definition after a change */
function messages(change: (e: any) => void): string[] {
	const e = structuredClone(demo('supportive-reminder'));
	change(e);
	const r = experimentSchema.safeParse(e);
	return r.success ? [] : describeIssues(r.error, 'supportive-reminder.yaml');
}

describe('the demo definitions', () => {
	test.each(['supportive-reminder', 'daily-call-cadence'])('%s.yaml is valid, with the defaults filled in', (id) => {
		const r = experimentSchema.safeParse(demo(id));
		expect(r.success ? [] : describeIssues(r.error)).toEqual([]);
		const e = r.data!;
		expect(e.id).toBe(id);
		expect(e.status).toBe('running');
		expect(e.arms.map((a) => a.id)[0]).toBe('control');
		expect(e.arms.reduce((s, a) => s + a.weight, 0)).toBe(1);
		expect(e.arms.every((a) => a.message.length >= 1)).toBe(true); // one message or a list: always a list
		expect(e.primary_metric).toBe('cure_rate_30d');
		expect(e.analysis).toMatchObject({ alpha: 0.05, mode: 'sequential', variance_reduction: 'cuped', correction: 'holm' });
	});

	test('the population of the two demo experiments', () => {
		const s = experimentSchema.parse(demo('supportive-reminder'));
		expect(s.population).toEqual({
			delinquency: { episode_started_on_or_after: '2026-03-02' },
			accounts: { segment: ['retail', 'sme', 'corporate'], region: 'all' },
			exclude_experiments: [],
			share_of_new_episodes: 0.5
		});
		const d = experimentSchema.parse(demo('daily-call-cadence'));
		expect(d.population.exclude_experiments).toEqual(['supportive-reminder']);
		expect(d.population.accounts.region_not_in).toEqual(['US-MA', 'US-WA']);
		expect(d.start).toBe('2026-04-01');
	});
});

describe('messages name the file, the field and the problem', () => {
	test('weights that do not add up to 1', () => {
		expect(messages((e) => (e.arms[1].weight = 0.4))).toEqual(['supportive-reminder.yaml: arms: the arm weights add up to 0.9, not 1']);
		expect(messages((e) => (e.arms[1].weight = 0))).toEqual([
			'supportive-reminder.yaml: arms.1.weight: weight must be above 0',
			'supportive-reminder.yaml: arms: the arm weights add up to 0.5, not 1'
		]);
		expect(messages((e) => (e.arms[1].weight = 'half'))).toEqual(['supportive-reminder.yaml: arms.1.weight: weight is a number between 0 and 1']);
		// three arms of a third each add up to 1 within rounding
		expect(messages((e) => (e.arms = [{ ...e.arms[0], weight: 1 / 3 }, { ...e.arms[1], weight: 1 / 3 }, { ...e.arms[1], id: 'plan_offer', weight: 1 / 3 }]))).toEqual([]);
	});

	test('an unknown metric, as primary, secondary or guardrail metric, with the list of metrics', () => {
		const list = METRIC_NAMES.join(', ');
		expect(
			messages((e) => {
				e.primary_metric = 'cure_rate_45d';
				e.secondary_metrics.push('nps');
				e.guardrails[1].metric = 'unsubscribes';
			})
		).toEqual([
			`supportive-reminder.yaml: primary_metric: unknown metric "cure_rate_45d"; the metrics are ${list}`,
			`supportive-reminder.yaml: secondary_metrics.5: unknown secondary metric "nps"; the metrics are ${list}`,
			`supportive-reminder.yaml: guardrails.1.metric: unknown guardrail metric "unsubscribes"; the metrics are ${list}`
		]);
		expect(messages((e) => e.secondary_metrics.push('cure_rate_30d'))).toEqual(['supportive-reminder.yaml: secondary_metrics: cure_rate_30d is already the primary metric']);
	});

	test('a duplicate arm id', () => {
		expect(messages((e) => (e.arms[1].id = 'control'))).toEqual(['supportive-reminder.yaml: arms.1.id: arm id control is used twice']);
	});

	test('an arm without a message, and a message without text or with an unknown channel', () => {
		expect(messages((e) => delete e.arms[1].message)).toEqual(['supportive-reminder.yaml: arms.1.message: an arm needs a message: channel, template_id and text']);
		expect(messages((e) => (e.arms[1].message = []))).toEqual(['supportive-reminder.yaml: arms.1.message: an arm needs a message: channel, template_id and text']);
		expect(
			messages((e) => {
				delete e.arms[0].message[0].text;
				e.arms[0].message[1].channel = 'fax';
			})
		).toEqual([
			'supportive-reminder.yaml: arms.0.message.0.text: text is missing: the message or script the arm sends',
			'supportive-reminder.yaml: arms.0.message.1.channel: channel must be one of call, sms, email, letter, push, in_app, ringless_voicemail'
		]);
	});

	test('no control arm, and fewer than two arms', () => {
		expect(messages((e) => (e.arms[0].id = 'firm'))).toEqual(['supportive-reminder.yaml: arms: one arm must have the id control: every other arm is compared with it']);
		expect(messages((e) => (e.arms = [{ ...e.arms[0], weight: 1 }]))).toEqual(['supportive-reminder.yaml: arms: an experiment needs at least two arms, one of them control']);
	});

	test('dates: written YYYY-MM-DD, real days, planned end not before the start', () => {
		expect(messages((e) => (e.start = '2026-09-01'))).toEqual(['supportive-reminder.yaml: planned_end: planned_end 2026-08-31 is before start 2026-09-01']);
		expect(messages((e) => (e.start = '2026-08-31'))).toEqual([]); // a one-day experiment
		expect(
			messages((e) => {
				e.start = '2026/03/02';
				delete e.planned_end;
			})
		).toEqual(['supportive-reminder.yaml: start: start is a date written YYYY-MM-DD', 'supportive-reminder.yaml: planned_end: planned_end is missing']);
		expect(messages((e) => (e.planned_end = '2026-09-31'))).toEqual(['supportive-reminder.yaml: planned_end: planned_end 2026-09-31 is not a day of the calendar']);
		expect(messages((e) => (e.population.delinquency.episode_started_on_or_after = '2026-13-01'))).toEqual([
			'supportive-reminder.yaml: population.delinquency.episode_started_on_or_after: population.delinquency.episode_started_on_or_after 2026-13-01 is not a day of the calendar'
		]);
		// YAML 1.1 readers turn 2026-03-02 into a Date: accepted as that day
		expect(messages((e) => (e.start = new Date('2026-03-02T00:00:00Z')))).toEqual([]);
		expect([isCalendarDay('2024-02-29'), isCalendarDay('2026-02-29'), isCalendarDay('2026-04-31')]).toEqual([true, false, false]);
	});

	test('status, decision and the other fields', () => {
		expect(messages((e) => (e.status = 'paused'))).toEqual(['supportive-reminder.yaml: status: status must be one of draft, running, stopped, concluded']);
		expect(messages((e) => (e.status = 'concluded'))).toEqual(['supportive-reminder.yaml: decision: a concluded experiment records its decision, who made it, when and why']);
		expect(messages((e) => delete e.title)).toEqual(['supportive-reminder.yaml: title: title is missing']);
		expect(messages((e) => (e.id = 'Supportive Reminder'))).toEqual(['supportive-reminder.yaml: id: id is lower-case letters, digits, - or _ (up to 63), starting with a letter or digit']);
		expect(messages((e) => (e.guardrails[0].stop_on_breach = true))).toEqual(['supportive-reminder.yaml: guardrails.0.stop_on_breach: only a hard_limit guardrail can stop the experiment by itself']);
		expect(messages((e) => (e.analysis.alpha = 0.6))).toEqual(['supportive-reminder.yaml: analysis.alpha: alpha is below 0.5']);
	});

	test('without a file name, the messages start with the field', () => {
		const r = experimentSchema.safeParse({ ...demo('daily-call-cadence'), unit: 'customer' });
		expect(r.success).toBe(false);
		expect(describeIssues(r.error!)).toEqual(['unit: unit must be account']);
	});
});

describe('metric names of an earlier release', () => {
	test('an old name is refused by the schema with the new name and why', () => {
		const r = experimentSchema.safeParse({ ...demo('supportive-reminder'), primary_metric: 'complaints_per_1k_contacted' });
		expect(r.success).toBe(false);
		expect(describeIssues(r.error!)).toEqual([
			"primary_metric: complaints_per_1k_contacted was renamed complaints_per_1k_assigned (an experiment counts complaints per 1,000 assigned accounts; complaints_per_1k_contacted is the Overview's rate per contacted account)"
		]);
	});

	test('an old file loads under the new names, with a notice per renamed field', async () => {
		const { mkdtempSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const { loadExperiments } = await import('../../src/lib/server/experiments/registry.ts');
		const dir = mkdtempSync(join(tmpdir(), 'curewise-old-names-'));
		try {
			const text = readFileSync('experiments/daily-call-cadence.yaml', 'utf8')
				.replace('  - right_party_reach', '  - right_party_contact_rate')
				.replace('  - contacts_per_account_week', '  - contact_load')
				.replace('metric: complaints_per_1k_assigned', 'metric: complaints_per_1k_contacted')
				.replace('metric: opt_outs_per_1k_assigned', 'metric: opt_out_rate');
			writeFileSync(join(dir, 'daily-call-cadence.yaml'), text);
			const reg = loadExperiments(dir);
			expect(reg.problems).toEqual([]);
			const e = reg.experiments[0]!;
			expect(e.secondary_metrics).toContain('right_party_reach');
			expect(e.secondary_metrics).toContain('contacts_per_account_week');
			expect(e.guardrails.map((g) => g.metric)).toEqual(expect.arrayContaining(['complaints_per_1k_assigned', 'opt_outs_per_1k_assigned']));
			const lines = reg.notices[0]!.messages;
			expect(lines).toHaveLength(4);
			expect(lines).toContain(
				"daily-call-cadence.yaml: guardrails.0.metric: complaints_per_1k_contacted was renamed complaints_per_1k_assigned (an experiment counts complaints per 1,000 assigned accounts; complaints_per_1k_contacted is the Overview's rate per contacted account); write complaints_per_1k_assigned"
			);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
