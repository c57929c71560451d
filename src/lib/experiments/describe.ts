/** An experiment's definition in words, for the pages (the list, the experiment page, the alerts). */
import { formatDate } from '../format.ts';
import { EXPERIMENT_METRICS, type Experiment, type Guardrail } from './schema.ts';

export const metricName = (m: string) => (EXPERIMENT_METRICS as Record<string, { label: string }>)[m]?.label ?? m;

/** "50%" for 0.5, "33.3%" for a third */
export const weightText = (w: number) => `${+(w * 100).toFixed(1)}%`;

/** the population, one condition a line */
export function populationText(p: Experiment['population']): string[] {
	const out: string[] = [];
	const d = p.delinquency;
	if (d.episode_started_on_or_after && d.episode_started_on_or_before) out.push(`delinquency episode started from ${formatDate(d.episode_started_on_or_after)} to ${formatDate(d.episode_started_on_or_before)}`);
	else if (d.episode_started_on_or_after) out.push(`delinquency episode started on or after ${formatDate(d.episode_started_on_or_after)}`);
	else if (d.episode_started_on_or_before) out.push(`delinquency episode started on or before ${formatDate(d.episode_started_on_or_before)}`);
	const a = p.accounts;
	if (a.segment?.length) out.push(`segment ${a.segment.join(', ')}`);
	if (a.product?.length) out.push(`product ${a.product.map((x) => x.replace(/_/g, ' ')).join(', ')}`);
	if (a.region === 'all') out.push('all regions');
	else if (a.region?.length) out.push(`regions ${a.region.join(', ')}`);
	if (a.region_not_in?.length) out.push(`not in ${a.region_not_in.join(', ')}`);
	if (a.vulnerable === true) out.push('vulnerable customers only');
	if (a.vulnerable === false) out.push('vulnerable customers left out');
	if (p.exclude_experiments.length) out.push(`not in the experiment${p.exclude_experiments.length === 1 ? '' : 's'} ${p.exclude_experiments.join(', ')}`);
	if (p.share_of_new_episodes < 1) out.push(`${weightText(p.share_of_new_episodes)} of the eligible accounts enter (the rest is held out)`);
	if (!out.length) out.push('every account');
	return out;
}

const RULE: Record<string, string> = { harm: 'harm detected', non_inferiority: 'non-inferiority margin', hard_limit: 'hard limit' };
export const ruleName = (kind: string) => RULE[kind] ?? kind;

/** "Complaints per 1,000 accounts may not rise by more than 0.5 (non-inferiority margin)" */
export function guardrailText(g: Guardrail): string {
	const m = metricName(g.metric);
	const worse = g.direction === 'lower_is_better' ? 'rise' : 'fall';
	switch (g.rule.kind) {
		case 'harm':
			return `${m}: an alert when an arm is significantly worse than control (one-sided)`;
		case 'non_inferiority':
			return `${m} may not ${worse} by more than ${g.rule.threshold} against control`;
		default:
			return `${m}: an alert on any count above ${g.rule.threshold} in an arm${g.stop_on_breach ? '; the experiment stops itself' : ''}`;
	}
}

export const DECISION_TEXT: Record<string, string> = { ship: 'Ship', do_not_ship: 'Do not ship', iterate: 'Iterate' };

/** a guardrail message without the "arm: Label: " it starts with, where the page already shows both */
export function messageBody(message: string, arm: string, label: string): string {
	let m = message.startsWith(`${arm}: `) ? message.slice(arm.length + 2) : message;
	if (m.startsWith(`${label}: `)) m = m.slice(label.length + 2);
	return m.charAt(0).toUpperCase() + m.slice(1);
}
