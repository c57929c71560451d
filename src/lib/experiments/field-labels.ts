/**
 * The experiment draft form's problems in the form's own words: a schema path such as
 * "arms.0.message.0.template_id" becomes "Arm 1 (Supportive), message 1: template", and the
 * file's field names inside a message ("planned_end", "hard_limit", "cure_rate_30d") become
 * the words the form shows. The YAML file and the CLI keep the paths. Pure. docs/wording.md.
 */
import { metricDef } from '../metrics/catalogue.ts';
import { humanize } from '../vocabulary.ts';

/** what the label needs of the form: the arms' ids and the guardrails' metrics, as typed */
export interface LabelledForm {
	arms?: readonly { id?: string }[];
	guardrails?: readonly { metric?: string }[];
}

const TOP: Record<string, string> = {
	id: 'Id',
	title: 'Title',
	hypothesis: 'Hypothesis',
	owner: 'Owner',
	start: 'Start',
	planned_end: 'Planned end',
	status: 'Status',
	unit: 'Unit',
	salt: 'Salt',
	arms: 'Arms',
	primary_metric: 'Primary metric',
	secondary_metrics: 'Secondary metrics',
	guardrails: 'Guardrails',
	decision: 'Decision',
	version: 'Version'
};
const POPULATION: Record<string, string> = {
	'delinquency.episode_started_on_or_after': 'delinquency episode started on or after',
	'delinquency.episode_started_on_or_before': 'delinquency episode started on or before',
	share_of_new_episodes: 'share that enters the experiment',
	'accounts.vulnerable': 'vulnerable customers',
	'accounts.segment': 'segments',
	'accounts.product': 'products',
	'accounts.region': 'only these regions',
	'accounts.region_not_in': 'leave out these regions',
	exclude_experiments: 'leave out the accounts of these experiments'
};
const ARM: Record<string, string> = { id: 'arm id', weight: 'weight', description: 'description', message: 'messages' };
const MESSAGE: Record<string, string> = { channel: 'channel', tone: 'tone', template_id: 'template', text: 'text', cadence: 'cadence', plan: 'planned cadence' };
const GUARDRAIL: Record<string, string> = { metric: 'metric', direction: 'direction', rule: 'rule', 'rule.kind': 'rule', 'rule.threshold': 'threshold', threshold: 'threshold', stop_on_breach: 'stop the experiment on a breach' };
const ANALYSIS: Record<string, string> = {
	alpha: 'alpha',
	power: 'power',
	mode: 'analysis',
	variance_reduction: 'variance reduction',
	correction: 'multiple comparisons',
	mde: 'smallest effect worth finding',
	min_run_days: 'minimum run',
	prior: 'prior'
};

const isIndex = (s: string | undefined) => s !== undefined && /^\d+$/.test(s);

/** the arm's name as the form shows it: "Arm 1 (Supportive)" */
function armName(i: number, form: LabelledForm): string {
	const id = form.arms?.[i]?.id?.trim();
	return `Arm ${i + 1}${id ? ` (${humanize(id)})` : ''}`;
}

/** a field of the draft form by the label the form shows, never the schema's path */
export function experimentFieldLabel(path: string, form: LabelledForm = {}): string {
	if (!path) return 'The definition';
	const parts = path.split('.');
	const [head, ...rest] = parts;
	const tail = rest.filter((p) => !isIndex(p)).join('.');
	if (head === 'population') return `Population: ${POPULATION[rest.join('.')] ?? POPULATION[tail] ?? humanize(rest.filter((p) => !isIndex(p)).join(' ')).toLowerCase()}`;
	if (head === 'analysis') return `Analysis: ${ANALYSIS[rest[0] ?? ''] ?? humanize(rest.join(' ')).toLowerCase()}`;
	if (head === 'arms' && isIndex(rest[0])) {
		const arm = armName(Number(rest[0]), form);
		if (rest.length === 1) return arm;
		if (rest[1] === 'message' && isIndex(rest[2])) {
			const msg = `${arm}, message ${Number(rest[2]) + 1}`;
			if (rest.length === 3) return msg;
			return `${msg}: ${MESSAGE[rest[3]!] ?? humanize(rest.slice(3).filter((p) => !isIndex(p)).join(' ')).toLowerCase()}`;
		}
		return `${arm}: ${ARM[rest[1]!] ?? humanize(rest[1]!).toLowerCase()}`;
	}
	if (head === 'guardrails' && isIndex(rest[0])) {
		const i = Number(rest[0]);
		const m = form.guardrails?.[i]?.metric;
		const g = `Guardrail ${i + 1}${m ? ` (${metricDef(m)?.label ?? humanize(m)})` : ''}`;
		const field = rest.slice(1).join('.');
		return field ? `${g}: ${GUARDRAIL[field] ?? humanize(field).toLowerCase()}` : g;
	}
	if (head === 'secondary_metrics') return 'Secondary metrics';
	return TOP[head!] ?? humanize(parts.filter((p) => !isIndex(p)).join(' '));
}

const WORDS: Record<string, string> = {
	template_id: 'template',
	planned_end: 'planned end',
	primary_metric: 'primary metric',
	secondary_metrics: 'secondary metrics',
	stop_on_breach: 'stop on a breach',
	hard_limit: 'hard limit',
	non_inferiority: 'non-inferiority',
	lower_is_better: 'lower is better',
	higher_is_better: 'higher is better',
	share_of_new_episodes: 'share that enters',
	episode_started_on_or_after: 'episode started on or after',
	episode_started_on_or_before: 'episode started on or before',
	region_not_in: 'leave out these regions',
	exclude_experiments: 'leave out these experiments',
	variance_reduction: 'variance reduction',
	min_run_days: 'minimum run'
};

/** a problem's message with the file's field names and metric names in the form's words */
export function plainFieldMessage(message: string): string {
	return message
		.replace(/\bpopulation\.delinquency\.(episode_started_on_or_(?:after|before))\b/g, '$1')
		.replace(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g, (w) => WORDS[w] ?? metricDef(w)?.label.toLowerCase() ?? w.replaceAll('_', ' '));
}
