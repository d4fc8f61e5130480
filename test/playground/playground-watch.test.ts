// The playground watching a phone call in headless Chromium: a simulated Twilio Media Streams call to a server wired as `frontdesk serve` wires it is picked in the page, and both drawings highlight that call's states live.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offlineSpeechAvailable } from '../../src/stt/offline-speech.ts';
import { TwilioTestClient } from '../helpers/twilio-client.ts';
import { openPlayground } from '../helpers/playground-page.ts';
import { startVoiceServer, type VoiceServer } from '../helpers/voice-server.ts';
import { callerUtterance } from '../stt/caller-audio.ts';

const chromiumPath = '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
const speech = offlineSpeechAvailable();
const haveSpeech = speech.stt && speech.tts;
const missingPackages = [...(haveChromium ? [] : ['chromium']), ...speech.missing];
if (missingPackages.length > 0) console.warn(`playground watch test skipped: apt install ${missingPackages.join(' ')}`);

const callState = (page: Page) => page.$eval('#diagram', (diagram) => diagram.querySelector('g.state.current')?.getAttribute('data-state') ?? null);
const turnStates = (page: Page) => page.$$eval('#turn-diagram g.state.current', (nodes) => nodes.map((node) => node.getAttribute('data-state')));
/** Waits until the turn-taking drawing highlights `path`: the current state, or one that contains it (live.caller.speaking.open). */
const turnStateHighlighted = (page: Page, path: string, timeout: number) =>
  page.waitForFunction((state) => document.querySelector(`#turn-diagram g.state:is(.current, .active)[data-state="${state}"]`) !== null, path, { timeout });

describe.skipIf(!haveChromium || !haveSpeech)('playground watching a Twilio call (headless Chromium, offline speech)', () => {
  let server: VoiceServer;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startVoiceServer('frontdesk-playground-watch-');
    baseUrl = `http://127.0.0.1:${server.port}`;
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('picks a live phone call and highlights its call machine and turn-taking machine as the caller listens, speaks and is answered', async () => {
    const pageErrors: string[] = [];
    const page = await openPlayground(browser, baseUrl, pageErrors);
    // The page's own text call is not offered: there is nothing to watch yet.
    await page.waitForFunction(() => document.body.dataset.liveCalls === '0');

    const caller = new TwilioTestClient({ url: `${baseUrl.replace('http', 'ws')}/twilio/media`, customParameters: { from: '+15555550100' } });
    await caller.start();
    const option = page.locator('#watch-picker option[data-transport="twilio"]');
    await option.waitFor({ state: 'attached', timeout: 10_000 });
    await page.selectOption('#watch-picker', await option.getAttribute('value'));
    expect(await page.textContent('#status')).toContain('watching twilio');
    // Watching hangs up the page's own call: the text box is off, and only the phone call is left on the server.
    await page.waitForSelector('#line[disabled]');
    await expect.poll(() => server.runtime.activeSessions(), { timeout: 10_000 }).toBe(1);

    // The greeting plays to the phone: the agent has the floor, the caller is quiet, the call machine greets.
    await turnStateHighlighted(page, 'live.agent.speaking', 15_000);
    expect(await turnStates(page)).toEqual(expect.arrayContaining(['live.caller.quiet', 'live.keypad.empty']));
    expect(await callState(page)).toBe('greeting');
    await caller.waitForAgentToFinish({ sinceMs: 0 });
    await turnStateHighlighted(page, 'live.agent.quiet', 10_000);

    // The caller speaks: the turn-taking drawing shows it, then the call machine moves on to collecting who is calling.
    const line = await callerUtterance('I want to book an appointment', { voice: 'en-us+klatt', sampleRate: 8000 });
    const spoken = caller.say(line.samples);
    await turnStateHighlighted(page, 'live.caller.speaking', 10_000);
    await spoken;
    await page.waitForFunction(() => document.querySelector('#diagram g.state.current')?.getAttribute('data-state') === 'verification.collecting', undefined, { timeout: 30_000 });
    expect(await page.textContent('#current-state')).toBe('verification.collecting');
    expect(Number(await page.textContent('#visited-count'))).toBeGreaterThan(1);
    // States only: no words of either side reach the page.
    expect(await page.locator('#transcript li').count()).toBe(0);
    expect(await page.locator('#slots dt').count()).toBe(0);

    await caller.hangUp();
    await page.waitForFunction(() => document.body.dataset.callEnd === 'watched', undefined, { timeout: 10_000 });
    expect(await page.textContent('#status')).toContain('watched call ended');
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 120_000);
});
