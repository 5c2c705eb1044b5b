/** Starts the Express example service: `npx tsx examples/express-service/main.ts` (PORT, HOST). */
import { listenAddress } from '../shared/service-parts.js';
import { describeStart } from '../shared/start-message.js';
import { createApp } from './app.js';

const { host, port } = listenAddress();
const { app, parts } = createApp();
const server = app.listen(port, host, () =>
  console.log(describeStart('Express', server.address(), parts)),
);
