/**
 * Prometheus support: SLO recording and burn-rate alert rules for a fleet. (The exposition text of
 * the tracker's, limiter's and energy monitor's figures is being built.)
 *
 * @packageDocumentation
 * @module greenslo/prometheus
 */
export { BURN_RATE_ALERT_RULES, prometheusRules, SLO_RULE_WINDOWS, type PrometheusRulesOptions, type RuleObjectives } from './rules.js';
export { DEFAULT_PROMETHEUS_PREFIX } from './names.js';
