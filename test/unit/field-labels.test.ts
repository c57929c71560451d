import { expect, test } from 'vitest';
import { newDraft, validateDraft } from '../../src/lib/experiments/draft.ts';
import { experimentFieldLabel, plainFieldMessage } from '../../src/lib/experiments/field-labels.ts';

const form = { arms: [{ id: 'control' }, { id: 'supportive' }], guardrails: [{ metric: 'opt_outs_per_1k_assigned' }] };

test('a problem of the draft form names the field as the form shows it, never the schema path', () => {
	expect(experimentFieldLabel('arms.1.message.0.template_id', form)).toBe('Arm 2 (Supportive), message 1: template');
	expect(experimentFieldLabel('arms.0.weight', form)).toBe('Arm 1 (Control): weight');
	expect(experimentFieldLabel('arms.2.id', form)).toBe('Arm 3: arm id');
	expect(experimentFieldLabel('guardrails.0.rule.threshold', form)).toBe('Guardrail 1 (Opt-outs per 1,000 assigned accounts): threshold');
	expect(experimentFieldLabel('population.delinquency.episode_started_on_or_after', form)).toBe('Population: delinquency episode started on or after');
	expect(experimentFieldLabel('population.accounts.segment.0', form)).toBe('Population: segments');
	expect(experimentFieldLabel('planned_end', form)).toBe('Planned end');
	expect(experimentFieldLabel('analysis.alpha', form)).toBe('Analysis: alpha');
	expect(experimentFieldLabel('', form)).toBe('The definition');
	expect(plainFieldMessage('an arm needs a message: channel, template_id and text')).toBe('an arm needs a message: channel, template and text');
	expect(plainFieldMessage('only a hard_limit guardrail can stop the experiment by itself')).toBe('only a hard limit guardrail can stop the experiment by itself');
});

test("every problem of an empty draft is labelled without a path's dots, digits or underscores", () => {
	const f = newDraft('someone@example.com', '2026-07-01');
	f.arms[1]!.id = 'supportive';
	for (const m of f.arms.flatMap((a) => a.messages)) m.template_id = '';
	const { issues } = validateDraft(f);
	expect(issues.length).toBeGreaterThan(2);
	for (const i of issues) {
		const label = experimentFieldLabel(i.path, f);
		expect(label, i.path).not.toMatch(/\.\d|_|^\w+\.\w+/);
		expect(plainFieldMessage(i.message), i.message).not.toMatch(/\b[a-z]+_[a-z]+\b/);
	}
	expect(issues.map((i) => experimentFieldLabel(i.path, f))).toContain('Arm 2 (Supportive), message 1: template');
});
