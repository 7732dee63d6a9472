import type { SegmentSize } from './segment-types.ts';

/**
 * The options of a segment's size-over-time line chart (ECharts), from the points the API gives:
 * one per day a computation ran. Pure, so the chart is tested without a browser.
 */
export function sizeChartOptions(
  points: readonly SegmentSize[],
  seriesName: string,
  formatCount: (n: number) => string,
) {
  return {
    animation: false,
    grid: { left: 48, right: 24, top: 24, bottom: 32 },
    tooltip: { trigger: 'axis' as const, valueFormatter: (value: unknown) => formatCount(Number(value)) },
    xAxis: {
      type: 'category' as const,
      boundaryGap: false,
      data: points.map((point) => point.date),
    },
    yAxis: {
      type: 'value' as const,
      minInterval: 1,
      axisLabel: { formatter: (value: number) => formatCount(value) },
    },
    series: [
      {
        type: 'line' as const,
        name: seriesName,
        data: points.map((point) => point.members),
        showSymbol: points.length <= 31,
        smooth: false,
        areaStyle: { opacity: 0.12 },
        lineStyle: { width: 2 },
        itemStyle: { color: '#ea580c' },
      },
    ],
  };
}
