/** The line an example service prints once it listens. */
import type { AddressInfo } from 'node:net';
import { isAutoPowerSource, type ServiceParts } from './service-parts.js';

/** Where the service listens, where its energy figures come from, and what to try first. */
export function describeStart(
  framework: string,
  address: AddressInfo | string | null,
  parts: ServiceParts,
): string {
  const url =
    typeof address === 'object' && address !== null
      ? `http://${address.address}:${address.port}`
      : String(address);
  const source = parts.powerSource;
  const energy = isAutoPowerSource(source) ? `${source.choice} (${source.reason})` : source.name;
  return [
    `${framework} example service on ${url}`,
    `  energy from ${energy}`,
    `  try: curl ${url}/health/ready ; curl ${url}/metrics ; curl -X POST -H 'content-type: application/json' -d '{"input":"a cat"}' ${url}/embed/multimodal`,
  ].join('\n');
}
