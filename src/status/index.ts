/**
 * The live status page: per-endpoint latency objectives, error budgets and burn rates, energy and
 * carbon, low-power mode and rate-limit decisions, as one self-contained HTML document or as JSON.
 */
export {
  createStatusPage,
  DEFAULT_STATUS_CHART_WINDOW_MS,
  DEFAULT_STATUS_REFRESH_SECONDS,
  DEFAULT_STATUS_TITLE,
  statusPageFormat,
  type StatusPage,
  type StatusPageFormat,
  type StatusPageOptions,
} from './status-page.js';
export { renderStatusHtml, STATUS_PAGE_CONTENT_SECURITY_POLICY } from './render-html.js';
export type { StatusLowPowerSource } from './collect-energy.js';
export {
  DEFAULT_STATUS_WARNING_RATIO,
  STATUS_BURN_WINDOWS,
  VERDICT_LABELS,
  type StatusBurnWindow,
  type Verdict,
  type VerdictLabel,
} from './verdict.js';
export type {
  BudgetFigure,
  BurnFigure,
  EndpointStatus,
  EnergyStatus,
  ErrorRateFigure,
  LatencyFigure,
  LowPowerStatus,
  PowerPoint,
  RateLimitInterval,
  RateLimitRuleStatus,
  RateLimitsStatus,
  StatusSnapshot,
} from './types.js';
