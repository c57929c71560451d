/** ECharts, tree-shaken: only the charts and components the Overview draws. */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, ToolboxComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, ToolboxComponent, VisualMapComponent, MarkLineComponent, CanvasRenderer]);

export { echarts };
export type { EChartsOption } from 'echarts';

/** Okabe–Ito: colour-blind safe, the same colour for the same series everywhere */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/** PNG download and readable defaults for every chart */
export const baseOption = (title: string) => ({
	color: PALETTE,
	// a short entry animation: the numbers matter, not the motion (and a chart counts as drawn when it ends)
	animationDuration: 200,
	animationDurationUpdate: 200,
	toolbox: { feature: { saveAsImage: { title: 'Download PNG', name: title.toLowerCase().replace(/\W+/g, '_') } } },
	tooltip: { trigger: 'axis' as const },
	grid: { left: 48, right: 16, top: 40, bottom: 40 }
});
