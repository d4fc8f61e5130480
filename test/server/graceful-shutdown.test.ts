// closeGracefully: open calls are hung up, in-flight work finishes before the runtime closes, and a stuck task cannot hold shutdown forever.
import { describe, expect, it, vi } from 'vitest';
import { closeGracefully } from '../../src/server/graceful-shutdown.ts';
import { FrameClient, startTestServer, webSocketUrl } from './server-support.ts';

describe('closeGracefully', () => {
  it('hangs up open text calls, waits for tracked work, then closes the runtime', async () => {
    const server = await startTestServer({ listen: true });
    const client = await FrameClient.connect(webSocketUrl(server.app, '/ws/text'));
    await client.next((frame) => frame.type === 'agent', 0);
    await client.say("Hi, I'd like to book an appointment");

    const order: string[] = [];
    let finishUpload!: () => void;
    const upload = new Promise<void>((resolve) => {
      finishUpload = resolve;
    }).then(() => {
      order.push('upload finished');
    });
    server.app.frontdesk.inFlight.track(upload);
    const close = server.runtime.close.bind(server.runtime);
    vi.spyOn(server.runtime, 'close').mockImplementation(async () => {
      order.push('runtime closed');
      await close();
    });

    const closing = closeGracefully(server.app, { timeoutMs: 30_000 });
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(server.runtime.activeSessions()).toBe(0);
    expect(order).toEqual([]);
    finishUpload();

    expect(await closing).toEqual({ hungUp: 1, abandoned: 0 });
    expect(order).toEqual(['upload finished', 'runtime closed']);
    await expect(server.runtime.store.ping()).rejects.toMatchObject({ code: 'EHR_UNAVAILABLE' });
  });

  it('gives up on work still pending at the deadline and closes anyway', async () => {
    const server = await startTestServer();
    server.app.frontdesk.inFlight.track(new Promise(() => {}));
    expect(await closeGracefully(server.app, { timeoutMs: 50 })).toEqual({ hungUp: 0, abandoned: 1 });
    await expect(server.runtime.store.ping()).rejects.toMatchObject({ code: 'EHR_UNAVAILABLE' });
  });

  it('reports not ready once shutdown has begun', async () => {
    const server = await startTestServer();
    server.app.frontdesk.lifecycle.closing = true;
    const response = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ failed: ['server'] });
    await server.app.close();
    await server.runtime.close();
  });
});
