/**
 * Prometheus metrics of `gantry server` (docs/metrics.md): the registry and what feeds it. The
 * `GET /metrics` route is in http/routes/metrics.ts; app.ts wires the sources and feeds.
 */
export { createServerMetrics, type DeliveryAnswer, type MetricsSources, type ServerMetrics } from './server-metrics.js';
export { registerHttpMetrics, UNMATCHED_ROUTE } from './http-metrics.js';
