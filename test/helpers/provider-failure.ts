// How a local protocol server misbehaves on request, and the trimmed vendor responses it replays.
import { readFileSync } from 'node:fs';
import type { Server, Socket } from 'node:net';

/**
 * A failure a test asks a local provider server to produce.
 * - `status`: refuse the request (or the WebSocket handshake) with this HTTP status and the vendor's error body.
 * - `drop`: destroy the TCP connection once `afterBytes` bytes were exchanged (audio in for STT, audio out for TTS).
 * - `stall`: stop answering once `afterBytes` bytes were exchanged, keeping the connection open.
 */
export type ProviderFailure =
  | { kind: 'status'; status: number }
  | { kind: 'drop'; afterBytes?: number }
  | { kind: 'stall'; afterBytes?: number };

const fixturesDirectory = new URL('../../fixtures/providers/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, fixturesDirectory), 'utf8');
}

export function readJsonFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/** The vendor's error body for a status, from fixtures when one was captured, else a generic one. */
export function errorBody(vendor: 'openai' | 'elevenlabs', status: number): string {
  try {
    return readFixture(`${vendor}-error-${status}.json`);
  } catch {
    return vendor === 'openai'
      ? JSON.stringify({ error: { message: `status ${status}`, type: 'server_error', param: null, code: null } })
      : JSON.stringify({ detail: { status: 'error', message: `status ${status}` } });
  }
}

/** Keeps every socket a server accepted, so `close()` never waits on a stalled connection. */
export function trackSockets(server: Server): { destroyAll(): void } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    destroyAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}

/**
 * Deterministic speech-like PCM16 for a text: 60 ms per character of a tone whose pitch follows the character,
 * so a test can tell which text a chunk of audio came from without a recognizer.
 */
export function synthesizePcm(text: string, sampleRate: number): Buffer {
  const samplesPerCharacter = Math.round(sampleRate * 0.06);
  const samples = new Int16Array(samplesPerCharacter * text.length);
  for (let index = 0; index < text.length; index += 1) {
    const frequency = 200 + (text.charCodeAt(index) % 64) * 10;
    for (let sample = 0; sample < samplesPerCharacter; sample += 1) {
      const time = sample / sampleRate;
      samples[index * samplesPerCharacter + sample] = Math.round(8000 * Math.sin(2 * Math.PI * frequency * time));
    }
  }
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}
