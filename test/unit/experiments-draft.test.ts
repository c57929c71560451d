/**
 * The draft form's model: a stored definition shown in the form and saved again is the same
 * definition; empty fields are left out so that the schema names what is missing, at the
 * field the form shows the message next to.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import YAML from 'yaml';
import { fromDefinition, newDraft, toDefinition, validateDraft } from '../../src/lib/experiments/draft.ts';
import { experimentSchema } from '../../src/lib/experiments/schema.ts';

const demo = (id: string) => experimentSchema.parse(YAML.parse(readFileSync(`experiments/${id}.yaml`, 'utf8')));

test.each(['supportive-reminder', 'daily-call-cadence'])('%s: form → definition gives back the same definition (as a draft)', (id) => {
	const e = demo(id);
	const again = experimentSchema.parse(toDefinition(fromDefinition(e)));
	const { status: _s, launched: _l, stopped: _t, decision: _d, ...rest } = e;
	const { status, ...back } = again;
	expect(status).toBe('draft');
	expect(back).toEqual({ ...rest, hypothesis: rest.hypothesis.trim(), arms: rest.arms.map((a) => ({ ...a, message: a.message.map((m) => ({ ...m, text: m.text.trim(), cadence: m.cadence?.trim() })) })) });
});

test('a copy is a new draft: new id and owner, no salt', () => {
	const f = fromDefinition(demo('supportive-reminder'), { id: 'supportive-reminder-v2', owner: 'carol' });
	expect(f).toMatchObject({ id: 'supportive-reminder-v2', version: 2, owner: 'carol', salt: '' });
	expect(validateDraft(f).issues).toEqual([]);
});

test('a new draft names what is missing, field by field', () => {
	const f = newDraft('carol', '2026-07-01');
	const paths = validateDraft(f).issues.map((i) => i.path);
	expect(paths).toEqual(expect.arrayContaining(['id', 'title', 'hypothesis', 'arms.0.message.0.template_id', 'arms.1.id']));
	f.arms[1]!.weight = 1.5;
	expect(validateDraft(f).issues).toContainEqual({ path: 'arms.1.weight', message: 'weight must be at most 1' });
	f.arms[1]!.weight = null;
	expect(validateDraft(f).issues).toContainEqual({ path: 'arms.1.weight', message: 'weight is a number between 0 and 1' });
	f.id = 'alerts';
	expect(validateDraft(f).issues[0]).toEqual({ path: 'id', message: 'id alerts is the name of a page (/experiments/alerts): choose another' });
});

test('lists and switches: regions, products, vulnerable, share, the cadence plan', () => {
	const f = newDraft('carol', '2026-07-01');
	Object.assign(f.population, { region: 'US-NY, US-CA', region_not_in: '', product: ['card'], vulnerable: 'false', share_percent: 50 });
	f.arms[1]!.messages[0]!.plan = { contacts_per_day: 1, days_per_week: 5, hour_from: 9, hour_to: 20 };
	const d = toDefinition(f) as any;
	expect(d.population).toEqual({
		delinquency: { episode_started_on_or_after: '2026-07-01' },
		accounts: { product: ['card'], region: ['US-NY', 'US-CA'], vulnerable: false },
		exclude_experiments: [],
		share_of_new_episodes: 0.5
	});
	expect(d.arms[1].message[0].plan).toEqual({ contacts_per_day: 1, days_per_week: 5, hours: [9, 20] });
	f.population.region = 'all';
	expect((toDefinition(f) as any).population.accounts.region).toBe('all');
});
