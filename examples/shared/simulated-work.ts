/**
 * The simulated work of the example services: CPU-bound loops of a few milliseconds, so that the
 * latency and the energy greenslo measures are real. No model is loaded; the numbers are made up,
 * the CPU time is not.
 */
import type { PowerProfile } from '../../src/index.js';

/** Values in one simulated embedding vector. */
export const EMBEDDING_DIMENSIONS = 64;

/**
 * Compute rounds per work unit of an embedding: about 2.5 ms for the normal profile (32 x 4 units)
 * on a 2-core virtual machine, about 0.16 ms for the low-power one (8 x 1 units).
 */
const ROUNDS_PER_UNIT = 8;

/** Rounds of the agent endpoints: about 3 ms for a plan, 2 ms for a reflection. */
const PLAN_ROUNDS = 1200;
const REFLECT_ROUNDS = 800;

const BYTES_PER_VALUE = { fp32: 4, fp16: 2, int8: 1 } as const;

/** The embedding endpoint's answer. */
export interface Embedding {
  readonly embedding: number[];
  readonly batchSize: number;
  readonly precision: PowerProfile['precision'];
  readonly quantized: boolean;
  /** Compute rounds spent, to show that the profile changed the work done. */
  readonly rounds: number;
}

function seedOf(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return (hash >>> 0) / 2 ** 32;
}

function spin(rounds: number, seed: number): Float64Array {
  const vector = new Float64Array(EMBEDDING_DIMENSIONS);
  for (let round = 0; round < rounds; round++) {
    for (let dimension = 0; dimension < EMBEDDING_DIMENSIONS; dimension++) {
      vector[dimension] = Math.sin(vector[dimension]! + seed * (dimension + 1) + round);
    }
  }
  return vector;
}

/**
 * Compute rounds an embedding costs under a profile: batch size x bytes per value (1 when
 * quantized) x {@link ROUNDS_PER_UNIT}. The normal profile (32, fp32) costs 16 times the low-power
 * one (8, fp16, quantized).
 */
export function embeddingRounds(
  profile: Pick<PowerProfile, 'batchSize' | 'precision' | 'quantize'>,
): number {
  const bytes = profile.quantize ? BYTES_PER_VALUE.int8 : BYTES_PER_VALUE[profile.precision];
  return profile.batchSize * bytes * ROUNDS_PER_UNIT;
}

/** Embeds `input` under the profile in force (normal or low-power), spending real CPU time on it. */
export function embed(input: string, profile: PowerProfile): Embedding {
  const rounds = embeddingRounds(profile);
  const vector = spin(rounds, seedOf(input));
  const norm = Math.hypot(...vector) || 1;
  return {
    embedding: Array.from(vector, (value) => Math.round((value / norm) * 1e4) / 1e4),
    batchSize: profile.batchSize,
    precision: profile.quantize ? 'int8' : profile.precision,
    quantized: profile.quantize,
    rounds,
  };
}

/** Plans the steps towards `goal` (about 3 ms of CPU). */
export function plan(goal: string): { goal: string; steps: string[] } {
  const vector = spin(PLAN_ROUNDS, seedOf(goal));
  const steps = ['gather context', 'draft', 'check', 'answer'].filter(
    (_, index) => vector[index]! > -0.9,
  );
  return { goal, steps };
}

/** Reflects on `output` and scores it 0..1 (about 2 ms of CPU). */
export function reflect(output: string): { score: number; revise: boolean } {
  const vector = spin(REFLECT_ROUNDS, seedOf(output));
  const score = Math.round(((vector[0]! + 1) / 2) * 100) / 100;
  return { score, revise: score < 0.5 };
}

/** The text of a request body `{ "input": "..." }` (or `goal`, `output`); '' when absent. */
export function textOf(body: unknown, field: 'input' | 'goal' | 'output'): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value.slice(0, 10_000) : '';
}
