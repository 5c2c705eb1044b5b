/** Starts the Fetch (Hono) example service: `npx tsx examples/fetch-service/main.ts` (PORT, HOST). */
import { serve } from '@hono/node-server';
import { listenAddress } from '../shared/service-parts.js';
import { describeStart } from '../shared/start-message.js';
import { createApp } from './app.js';

const { host, port } = listenAddress();
const { fetch, parts } = createApp();
serve(
  {
    fetch: fetch as (request: Request, env: unknown) => Response | Promise<Response>,
    hostname: host,
    port,
  },
  (info) => console.log(describeStart('Fetch (Hono)', info, parts)),
);
