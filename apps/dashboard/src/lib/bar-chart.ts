import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** One series of whole numbers as bars, sized by the canvas's box; returns the chart's destroy (an $effect's cleanup). */
export function drawBarChart(canvas: HTMLCanvasElement, { labels, label, data }: { labels: string[]; label: string; data: number[] }): () => void {
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: '#0969da' }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
  return () => chart.destroy();
}
