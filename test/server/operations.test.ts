// Operations endpoints through inject(): health, readiness of the EHR and recording store, Prometheus metrics, and request logs free of PHI.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingStore } from '../../src/recording/types.ts';
import { latencyStages } from '../../src/server/metrics.ts';
import { startTestServer, type TestServer } from './server-support.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.app.close();
  await server?.runtime.close();
  server = undefined;
});

/** A recording store whose reachability the test decides; readiness is the unit under test. */
function recordingStore(reachable: boolean): RecordingStore {
  return {
    name: 'test-store',
    put: async () => {
      throw new Error('not used');
    },
    ping: async () => {
      if (!reachable) throw new Error('bucket unreachable');
    },
  };
}

describe('operations endpoints', () => {
  it('GET /healthz answers while the process is up', async () => {
    server = await startTestServer();
    const response = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when the EHR and the recording store answer', async () => {
    server = await startTestServer({ dependencies: { recordingStore: recordingStore(true) } });
    const response = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', failed: [], checks: { ehr: { ok: true }, recordings: { ok: true } } });
  });

  it('GET /readyz is 503 naming the EHR once the EHR is closed', async () => {
    server = await startTestServer();
    await server.runtime.store.close();
    const response = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'unavailable', failed: ['ehr'], checks: { ehr: { ok: false, error: 'EHR_UNAVAILABLE' } } });
  });

  it('GET /readyz is 503 naming the recording store when it cannot be reached', async () => {
    server = await startTestServer({ dependencies: { recordingStore: recordingStore(false) } });
    const response = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ failed: ['recordings'], checks: { ehr: { ok: true }, recordings: { ok: false, error: 'FAILED' } } });
  });

  it('GET /metrics serves Prometheus text with the call, turn, tool and stage metrics', async () => {
    server = await startTestServer();
    const metrics = server.app.frontdesk.metrics;
    metrics.callStarted();
    metrics.turn();
    metrics.tool('verify_patient', false);
    metrics.observeStage('end_of_speech_to_first_audio', 0.42);
    const response = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('# TYPE frontdesk_active_calls gauge');
    expect(text).toContain('frontdesk_active_calls 1');
    expect(text).toContain('frontdesk_calls_total 1');
    expect(text).toContain('frontdesk_turns_total 1');
    expect(text).toContain('frontdesk_tool_calls_total{tool="verify_patient",ok="false"} 1');
    expect(text).toContain('# TYPE frontdesk_stage_latency_seconds histogram');
    for (const stage of latencyStages) expect(text).toContain(`frontdesk_stage_latency_seconds_count{stage="${stage}"}`);
    expect(text).toContain('frontdesk_stage_latency_seconds_bucket{le="0.5",stage="end_of_speech_to_first_audio"} 1');
    expect(text).toContain('frontdesk_stage_latency_seconds_bucket{le="0.3",stage="end_of_speech_to_first_audio"} 0');
  });

  it('logs requests by route and status, never the query string', async () => {
    const logged = new PassThrough();
    let output = '';
    logged.on('data', (chunk) => (output += chunk));
    server = await startTestServer({ logTo: logged });
    await server.app.inject({ method: 'GET', url: '/healthz?lastName=Smith&dateOfBirth=1985-01-15' });
    await server.app.inject({ method: 'GET', url: '/no-such-page?phone=5550101234' });
    const lines = output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', method: 'GET', route: '/healthz', statusCode: 200 }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', method: 'GET', route: 'unmatched', statusCode: 404 }));
    expect(output).not.toMatch(/Smith|1985-01-15|5550101234|lastName=|\?/);
  });
});
