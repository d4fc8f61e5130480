// The playground's microphone in headless Chromium against a server wired as `frontdesk serve` wires it (offline PocketSphinx + espeak-ng): a spoken caller line reaches the agent and the reply comes back as text, state and audio.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCallLog } from '../../src/call-log/call-log.ts';
import type { CallRuntime } from '../../src/dialog/call-runtime.ts';
import { flowNames } from '../../src/flow/catalogue.ts';
import { offlineSpeechAvailable } from '../../src/stt/offline-speech.ts';
import { createEspeakTts } from '../../src/tts/espeak.ts';
import { fakeMicrophoneArguments, writeFakeMicrophoneWav } from '../helpers/fake-microphone.ts';
import { openPlayground } from '../helpers/playground-page.ts';
import { startVoiceServer, type VoiceServer } from '../helpers/voice-server.ts';
import { FrameClient } from '../server/server-support.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const speech = offlineSpeechAvailable();
const haveSpeech = speech.stt && speech.tts;
const missingPackages = [...(haveChromium ? [] : ['chromium']), ...speech.missing];
if (missingPackages.length > 0) console.warn(`playground microphone test skipped: apt install ${missingPackages.join(' ')}`);

const callerLine = 'I want to book an appointment';
/** Room for the spoken line in the file, ms (espeak-ng says it in about 2 s). */
const lineAllowanceMs = 3_000;
/** Digital silence after the line, well past the turn detector's 800 ms end-of-speech wait (after the file, Chromium's non-looping capture gives silence too). */
const trailingSilenceMs = 10_000;
/**
 * The caller speaks this long after the greeting would have finished if the capture started with the call: capture
 * starts a little after the call opens (getUserMedia and the worklet load come after the socket), so the greeting is
 * over by then, and it stays well inside the agent's 8 s no-input wait.
 */
const afterGreetingMs = 2_500;

/** How long the greeting plays, ms: its text from a session on the same runtime, spoken by the same offline TTS. */
async function greetingDurationMs(runtime: CallRuntime): Promise<number> {
  const session = runtime.openSession();
  let greeting = '';
  const unsubscribe = session.subscribe((event) => {
    if (event.type === 'agent') greeting += `${event.text} `;
  });
  await session.start();
  unsubscribe();
  session.hangUp();
  const tts = createEspeakTts();
  let samples = 0;
  for await (const frame of tts.synthesize(greeting)) samples += frame.samples.length;
  return Math.round((samples / tts.sampleRate) * 1000);
}

const highlighted = (page: Page) => page.$eval('#diagram', (diagram) => diagram.querySelector('g.state.current')?.getAttribute('data-state') ?? null);
/** The states the turn-taking drawing highlights as current (one per region of `live`). */
const turnHighlighted = (page: Page) => page.$$eval('#turn-diagram g.state.current', (nodes) => nodes.map((node) => node.getAttribute('data-state')));
const counter = (page: Page, name: 'microphoneMs' | 'agentAudioPlayedMs') => page.evaluate((key) => Number(document.body.dataset[key] ?? 0), name);

describe.skipIf(!haveChromium || !haveSpeech)('playground microphone (headless Chromium, offline speech)', () => {
  let server: VoiceServer;
  let directory: string;
  let runtime: CallRuntime;
  let browser: Browser;
  let baseUrl: string;
  let callerStartsAtMs: number;
  const pageErrors: string[] = [];
  const callLogKey = randomBytes(32).toString('hex');

  beforeAll(async () => {
    // As `frontdesk serve` builds it: the configured (offline) STT and TTS, /ws/call and /twilio/media on the app.
    server = await startVoiceServer('frontdesk-playground-voice-', { callLogKey });
    ({ directory, runtime } = server);
    baseUrl = `http://127.0.0.1:${server.port}`;

    callerStartsAtMs = (await greetingDurationMs(runtime)) + afterGreetingMs;
    const wavFile = join(directory, 'caller.wav');
    await writeFakeMicrophoneWav(wavFile, [{ text: callerLine, atMs: callerStartsAtMs }], { totalMs: callerStartsAtMs + lineAllowanceMs + trailingSilenceMs });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', ...fakeMicrophoneArguments(wavFile)] });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('hears "I want to book an appointment" from the microphone, moves on from the greeting and asks for the last name, aloud', async () => {
    const page = await openPlayground(browser, baseUrl, pageErrors);

    await page.click('#microphone');
    await page.waitForSelector('#microphone[aria-pressed="true"]');
    expect(await page.isVisible('#voice-message')).toBe(false);
    await page.waitForFunction(() => document.querySelectorAll('#transcript li.agent').length === 1);
    expect(await highlighted(page)).toBe('greeting');
    expect(await page.locator('#transcript li.caller').count()).toBe(0);

    // The turn-taking machine is drawn beside the call machine and moves live: the agent has the floor while the greeting
    // plays, then is quiet (the caller listening) before the caller's line, in the drawing and not only in the text.
    expect(await page.locator('#turn-diagram g.state[data-state="live.caller.speaking"]').count()).toBe(1);
    await page.waitForFunction(() => document.querySelector('#turn-diagram g.state:is(.current, .active)[data-state="live.agent.speaking"]') !== null, undefined, { timeout: 10_000 });
    expect(await turnHighlighted(page)).toEqual(expect.arrayContaining(['live.caller.quiet', 'live.keypad.empty']));
    await page.waitForFunction(() => document.querySelector('#turn-diagram g.state.current[data-state="live.agent.quiet"]') !== null, undefined, { timeout: callerStartsAtMs + 10_000 });
    expect(await turnHighlighted(page)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^live\.agent\.speaking/)]));
    expect(await page.textContent('#turn-state')).toContain('agent.quiet');
    expect(await page.locator('#transcript li.caller').count()).toBe(0);

    // The caller's line: only the server's recogniser can put it in the transcript, from the frames the page sent.
    await page.waitForSelector('#transcript li.caller', { timeout: callerStartsAtMs + 30_000 });
    expect(await page.locator('#transcript li.caller').allTextContents()).toEqual(['i want to book an appointment']);
    // The greeting was played through the page's AudioContext before the caller spoke (the reply may have begun to arrive).
    const playedBeforeReplyMs = await counter(page, 'agentAudioPlayedMs');
    expect(playedBeforeReplyMs).toBeGreaterThan(callerStartsAtMs - afterGreetingMs - 1_000);
    expect(await counter(page, 'microphoneMs')).toBeGreaterThan(callerStartsAtMs);

    await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'verification.collecting', undefined, { timeout: 30_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#transcript li.agent')).some((item) => item.textContent === 'What is your last name?'), undefined, { timeout: 30_000 });
    // The reply came back as audio and played to its end: more than a second of it after the caller's line (the question alone is ~1.5 s).
    await page.waitForFunction((before) => Number(document.body.dataset.agentAudioPlayedMs ?? 0) > before + 1_000, playedBeforeReplyMs, { timeout: 30_000 });
    expect(await page.locator('#transcript li.caller').count()).toBe(1);
    expect(await page.textContent('#current-state')).toBe('verification.collecting');
    expect(pageErrors).toEqual([]);

    // Stopping the microphone hangs up: the server's call ends.
    await page.click('#microphone');
    await page.waitForSelector('#microphone[aria-pressed="false"]');
    await expect.poll(() => runtime.activeSessions(), { timeout: 10_000 }).toBe(0);
    await page.close();

    // The call log has the spoken turn as the recogniser heard it, with its confidence. The page may have opened other
    // calls in this data directory (files are listed in no set order): the microphone call's log is the one with a turn.
    const logFiles = readdirSync(join(directory, 'data', 'call-logs'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
    const key = Buffer.from(callLogKey, 'hex');
    const readAll = () => Promise.all(logFiles.map((file) => readCallLog(file, key)));
    await expect.poll(async () => (await readAll()).every((log) => log.complete), { timeout: 10_000 }).toBe(true);
    const logged = (await readAll()).find((log) => log.entries.some((entry) => entry.type === 'caller'));
    const heard = logged?.entries.find((entry) => entry.type === 'caller');
    expect(heard).toMatchObject({ type: 'caller', text: 'i want to book an appointment', confidence: expect.any(Number), event: { type: 'caller.spoke' } });
    expect(logged?.entries.at(-1)).toEqual({ type: 'end', reason: 'hangup' });
  });

  it('calls the flow picked in the page by microphone too', async () => {
    // A flow whose greeting differs from the server's own, so the spoken call shows which one answered.
    const greetingOf = async (flow: string) => {
      const client = await FrameClient.connect(`${baseUrl.replace('http', 'ws')}/ws/text?flow=${flow}`);
      const greeting = (await client.next((frame) => frame.type === 'agent', 0)).text as string;
      client.socket.close();
      return greeting;
    };
    const ownGreeting = await greetingOf(runtime.flow.name);
    const others = flowNames().filter((name) => name !== runtime.flow.name);
    let picked: { name: string; greeting: string } | undefined;
    for (const name of others) {
      const greeting = await greetingOf(name);
      if (greeting !== ownGreeting) picked = { name, greeting };
      if (picked) break;
    }
    if (!picked) throw new Error(`no flow of ${others.join(', ')} greets differently from ${runtime.flow.name}`);
    await expect.poll(() => runtime.activeSessions(), { timeout: 10_000 }).toBe(0);

    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/`);
    await page.waitForSelector(`#flow-picker option[value="${picked.name}"]`, { state: 'attached' });
    await page.selectOption('#flow-picker', picked.name);
    await page.waitForFunction((greeting) => document.querySelector('#transcript li.agent')?.textContent === greeting, picked.greeting);
    await page.click('#microphone');
    await page.waitForSelector('#microphone[aria-pressed="true"]');
    await page.waitForFunction(() => document.querySelectorAll('#transcript li.agent').length === 1);
    expect(await page.textContent('#transcript li.agent')).toBe(picked.greeting);
    await page.click('#microphone');
    await page.waitForSelector('#microphone[aria-pressed="false"]');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
