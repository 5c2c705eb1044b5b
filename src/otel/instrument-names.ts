/**
 * OpenTelemetry names and UCUM units of greenslo's metric families: lowercase, dot-namespaced, with
 * the unit in the instrument's `unit` rather than in its name. Families added later that are not in
 * the table get a name derived from their Prometheus name, so nothing is left out.
 */
import { DEFAULT_PROMETHEUS_PREFIX } from '../prometheus/names.js';

/** Name and unit of one instrument. */
export interface InstrumentName {
  readonly name: string;
  readonly unit: string;
}

/** Known families, by their Prometheus name without prefix. */
const KNOWN: Readonly<Record<string, InstrumentName>> = {
  requests_total: { name: 'greenslo.requests', unit: '{request}' },
  request_errors_total: { name: 'greenslo.request.errors', unit: '{request}' },
  request_duration_seconds: { name: 'greenslo.request.duration.sum', unit: 's' },
  request_latency_window_seconds: { name: 'greenslo.request.latency.window', unit: 's' },
  slo_latency_objective_seconds: { name: 'greenslo.slo.latency.objective', unit: 's' },
  slo_error_rate_objective_ratio: { name: 'greenslo.slo.error_rate.objective', unit: '1' },
  slo_compliant: { name: 'greenslo.slo.compliant', unit: '1' },
  slo_error_budget_remaining_ratio: { name: 'greenslo.slo.error_budget.remaining', unit: '1' },
  slo_burn_rate: { name: 'greenslo.slo.burn_rate', unit: '1' },
  energy_joules_total: { name: 'greenslo.energy', unit: 'J' },
  co2_emissions_grams_total: { name: 'greenslo.emissions', unit: 'g' },
  energy_unattributed_joules_total: { name: 'greenslo.energy.unattributed', unit: 'J' },
  energy_requests_total: { name: 'greenslo.energy.requests', unit: '{request}' },
  request_energy_joules_total: { name: 'greenslo.request.energy', unit: 'J' },
  request_co2_emissions_grams_total: { name: 'greenslo.request.emissions', unit: 'g' },
  energy_requests_in_flight: { name: 'greenslo.energy.requests_in_flight', unit: '{request}' },
  power_watts: { name: 'greenslo.power', unit: 'W' },
  power_threshold_watts: { name: 'greenslo.power.threshold', unit: 'W' },
  power_over_threshold: { name: 'greenslo.power.over_threshold', unit: '1' },
  energy_faults_total: { name: 'greenslo.energy.faults', unit: '{fault}' },
  energy_info: { name: 'greenslo.energy.info', unit: '1' },
  power_source_watts: { name: 'greenslo.power.source', unit: 'W' },
  carbon_intensity_grams_per_kwh: { name: 'greenslo.carbon_intensity', unit: 'g/(kW.h)' },
  embodied_emissions_grams_total: { name: 'greenslo.emissions.embodied', unit: 'g' },
  sci_grams_per_request: { name: 'greenslo.sci', unit: 'g/{request}' },
  low_power_mode_enabled: { name: 'greenslo.low_power.enabled', unit: '1' },
  low_power_target_reduction_ratio: { name: 'greenslo.low_power.target_reduction', unit: '1' },
  low_power_reduction_ratio: { name: 'greenslo.low_power.reduction', unit: '1' },
  rate_limit_decisions_total: { name: 'greenslo.rate_limit.decisions', unit: '{decision}' },
  rate_limit_store_faults_total: { name: 'greenslo.rate_limit.store_faults', unit: '{fault}' },
};

/** Unit suffixes of Prometheus names and their UCUM units. */
const UNIT_SUFFIXES: readonly (readonly [string, string])[] = [
  ['_joules', 'J'],
  ['_grams', 'g'],
  ['_watts', 'W'],
  ['_seconds', 's'],
  ['_ratio', '1'],
];

/** Name and unit of the family written under `prometheusName` with the default prefix. */
export function instrumentName(prometheusName: string): InstrumentName {
  const bare = prometheusName.startsWith(DEFAULT_PROMETHEUS_PREFIX)
    ? prometheusName.slice(DEFAULT_PROMETHEUS_PREFIX.length)
    : prometheusName;
  const known = KNOWN[bare];
  if (known !== undefined) return known;
  const stem = bare.endsWith('_total') ? bare.slice(0, -'_total'.length) : bare;
  for (const [suffix, unit] of UNIT_SUFFIXES) {
    if (stem.endsWith(suffix)) return { name: `greenslo.${stem.slice(0, -suffix.length)}`, unit };
  }
  return { name: `greenslo.${stem}`, unit: '1' };
}

/** OpenTelemetry attribute names of the labels: the HTTP semantic convention for the endpoint. */
export function attributeName(label: string): string {
  return label === 'endpoint' ? 'http.route' : `greenslo.${label}`;
}
