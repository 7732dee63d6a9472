import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { formatNumber } from '../../format.ts';
import type { SegmentSize } from './segment-types.ts';
import { sizeChartOptions } from './size-chart-options.ts';

// Only the parts this chart draws: a line, its grid and tooltip, on canvas (the chunk stays small).
use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** A segment's size over time as a line (loaded with the page that shows it: React.lazy). */
export default function SizeChart({
  points,
  seriesName,
}: {
  points: readonly SegmentSize[];
  seriesName: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!element.current) return;
    const chart = init(element.current);
    chart.setOption(sizeChartOptions(points, seriesName, formatNumber));
    const resize = () => chart.resize();
    const observer = new ResizeObserver(resize);
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [points, seriesName]);
  return <div ref={element} style={{ width: '100%', height: 280 }} data-testid="segment-size-chart" />;
}
