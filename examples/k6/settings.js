// @ts-check
/**
 * The k6 scripts' settings from environment variables (`k6 run -e NAME=value`, or the shell's):
 *
 *   BASE_URL     the service (default http://127.0.0.1:3000)
 *   TARGET_VUS   virtual users in the steady stage (default 10)
 *   SPIKE_VUS    virtual users in the spike (default 40)
 *   RAMP_UP      ramp-up time (default 30s)     STEADY     steady time (default 1m)
 *   SPIKE        spike time (default 20s)       RAMP_DOWN  ramp-down time (default 10s)
 *   THINK_TIME   pause between iterations of one virtual user, in seconds (default 0.1)
 *
 * `k6 run --vus 20 --duration 1m` replaces the stages: command-line flags take precedence over
 * the script's options. No k6 imports here, so that a test can run it under Node.
 */

/** @typedef {Readonly<Record<string, string | undefined>>} Environment */

/**
 * @param {Environment} env
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function numberFromEnv(env, name, fallback) {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a number >= 0, got ${text}`);
  return value;
}

/**
 * The service's base URL, without a trailing slash.
 * @param {Environment} env
 * @returns {string}
 */
export function baseUrlFromEnv(env) {
  return (env.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
}

/**
 * Ramp up to TARGET_VUS, hold, climb to SPIKE_VUS in 5 s, hold, ramp down to 0.
 * @param {Environment} env
 * @returns {{ duration: string, target: number }[]}
 */
export function stagesFromEnv(env) {
  const target = numberFromEnv(env, 'TARGET_VUS', 10);
  const spike = numberFromEnv(env, 'SPIKE_VUS', 40);
  return [
    { duration: env.RAMP_UP || '30s', target },
    { duration: env.STEADY || '1m', target },
    { duration: '5s', target: spike },
    { duration: env.SPIKE || '20s', target: spike },
    { duration: env.RAMP_DOWN || '10s', target: 0 },
  ];
}

/**
 * Seconds each virtual user pauses between iterations.
 * @param {Environment} env
 * @returns {number}
 */
export function thinkTimeFromEnv(env) {
  return numberFromEnv(env, 'THINK_TIME', 0.1);
}
