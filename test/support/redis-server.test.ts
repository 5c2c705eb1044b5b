import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProgram } from './programs.js';
import { RedisServer } from './redis-server.js';

const program = findProgram('redis-server', 'redis-server');

async function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.end();
    });
    socket.once('error', reject);
  });
}

describe.skipIf(!program)('RedisServer test support', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start(program!);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('starts a server that answers PING, stops it and starts it again on the same port', async () => {
    expect(await ping(server.port)).toBe('+PONG');
    await server.stop();
    await expect(ping(server.port)).rejects.toThrow(/ECONNREFUSED/);
    await server.restart();
    expect(await ping(server.port)).toBe('+PONG');
  });
});
