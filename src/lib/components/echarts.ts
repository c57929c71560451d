/** ECharts, tree-shaken: only the charts and components the Overview draws. */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, MarkLineComponent, CanvasRenderer]);

export { echarts };
export type { EChartsOption } from 'echarts';

/** Okabe–Ito: colour-blind safe, the same colour for the same series everywhere */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
/** the same on a dark ground, where Okabe–Ito's black would vanish: a light grey in its place */
export const PALETTE_DARK = [...PALETTE.slice(0, 7), '#D0D5DB'];
/** the palette of the light or the dark theme */
export const palette = (dark: boolean) => (dark ? PALETTE_DARK : PALETTE);

/** readable defaults for every chart (the downloads are buttons beside it: ChartDownloads.svelte) */
export const baseOption = (_title: string) => ({
	// a short entry animation: the numbers matter, not the motion (and a chart counts as drawn when it ends)
	animationDuration: 200,
	animationDurationUpdate: 200,
	tooltip: { trigger: 'axis' as const },
	grid: { left: 48, right: 16, top: 40, bottom: 40 }
});

/** the page's colours (src/app.css) that a chart uses */
export interface ThemeColours {
	text: string;
	muted: string;
	border: string;
	surface: string;
	surface2: string;
}

/** the page's colours as they are now (the light or the dark theme's custom properties) */
export function pageColours(): ThemeColours {
	const css = getComputedStyle(document.documentElement);
	const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
	return { text: v('--text', '#1b1f24'), muted: v('--muted', '#57606a'), border: v('--border', '#d8dde3'), surface: v('--surface', '#ffffff'), surface2: v('--surface-2', '#f0f2f5') };
}

/**
 * An ECharts theme from the page's colours: text, axis labels, axis lines, grid lines,
 * legends, tooltips and the palette all follow the light or dark theme, so that nothing is
 * drawn black on a dark ground.
 */
export function chartTheme(dark: boolean, c: ThemeColours) {
	const axis = {
		axisLine: { lineStyle: { color: c.muted } },
		axisTick: { lineStyle: { color: c.muted } },
		axisLabel: { color: c.muted },
		nameTextStyle: { color: c.muted },
		splitLine: { lineStyle: { color: [c.border] } },
		splitArea: { areaStyle: { color: ['transparent', c.surface2] } }
	};
	return {
		color: palette(dark),
		backgroundColor: 'transparent',
		textStyle: { color: c.text },
		legend: { textStyle: { color: c.text }, inactiveColor: dark ? '#4f5863' : '#c4c9cf', pageTextStyle: { color: c.text }, pageIconColor: c.text, pageIconInactiveColor: c.muted },
		categoryAxis: axis,
		valueAxis: axis,
		timeAxis: axis,
		logAxis: axis,
		tooltip: { backgroundColor: c.surface, borderColor: c.border, textStyle: { color: c.text } },
		visualMap: { textStyle: { color: c.text } },
		markLine: { label: { color: c.text } }
	};
}

/** the theme's name for echarts.init, registered (again) with the page's colours of now */
export function registerPageTheme(dark: boolean): { name: string; colours: ThemeColours } {
	const colours = pageColours();
	const name = dark ? 'curewise-dark' : 'curewise-light';
	echarts.registerTheme(name, chartTheme(dark, colours));
	return { name, colours };
}
