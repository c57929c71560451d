/**
 * The experiment charts' ECharts modules (error bars and points), registered on the same
 * tree-shaken core as the Overview's (../echarts.ts) only when an experiment page loads.
 * Also the arms' colours: the same arm has the same colour on every chart of an experiment.
 */
import { CustomChart, ScatterChart } from 'echarts/charts';
import { echarts, PALETTE } from '../echarts';

echarts.use([CustomChart, ScatterChart]);

/** control is always the first colour (blue); the other arms follow in the order of the definition */
export function armColours(armIds: readonly string[]): Record<string, string> {
	const others = armIds.filter((a) => a !== 'control');
	return Object.fromEntries([['control', PALETTE[0]!], ...others.map((a, i) => [a, PALETTE[(i + 1) % PALETTE.length]!])]);
}

export { echarts };
