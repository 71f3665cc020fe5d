/**
 * ECharts, tree-shaken to what the dashboard draws (bars, lines, a limit line) with the SVG
 * renderer. Only the dashboard imports this module, and only dynamically, so the first page
 * never loads it and the tables show their numbers before the charts are drawn.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

export { echarts };
export type EChartsOption = echarts.EChartsCoreOption;
