/**
 * The experiment charts' ECharts modules (error bars and points), registered on the same
 * tree-shaken core as the Overview's (../echarts.ts) only when an experiment page loads.
 * Also the arms' colours: the same arm has the same colour on every chart of an experiment.
 */
import { CustomChart, ScatterChart } from 'echarts/charts';
import { echarts, PALETTE } from '../echarts';
import type { ChartExport, ExportTable } from '$lib/chart-export';

echarts.use([CustomChart, ScatterChart]);

/** control is always the first colour (blue); the other arms follow in the order of the definition */
export function armColours(armIds: readonly string[]): Record<string, string> {
	const others = armIds.filter((a) => a !== 'control');
	return Object.fromEntries([['control', PALETTE[0]!], ...others.map((a, i) => [a, PALETTE[(i + 1) % PALETTE.length]!])]);
}

export { echarts };

/**
 * What an experiment chart's downloads say about themselves: the experiment, the days from its
 * start to the analysis's as-of date, the as-of date; read from the experiment page's data.
 */
export function experimentExport(pageData: unknown, title: string, what: string, table: () => ExportTable): ChartExport {
	const d = pageData as { experiment?: { id: string; title: string; start: string }; analysis?: { as_of: string } | null };
	const e = d.experiment;
	const asOf = d.analysis?.as_of ?? null;
	return {
		title,
		what: e ? `${e.id} ${what}` : what,
		context: {
			period: e && asOf && e.start <= asOf ? { from: e.start, to: asOf } : null,
			asOf,
			notes: e ? [`Experiment: ${e.title} (${e.id}); every assigned account counts, reached or not`] : []
		},
		table
	};
}
