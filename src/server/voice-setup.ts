// What `frontdesk serve` adds for spoken calls: the /ws/call and /twilio/media routes bound to the call's STT, TTS and recordings (built by src/runtime/build-call.ts).
import type { Config } from '../config.ts';
import type { CallSpeech } from '../runtime/build-call.ts';
import type { FrontdeskRoutePlugin } from './types.ts';
import { twilioMediaRoute } from './routes/twilio-media.ts';
import { wsCallRoute, type MediaRouteOptions } from './routes/ws-call.ts';

/** /ws/call and /twilio/media on the given speech; closing the app releases it (every recording stored before the audit trail closes). */
export function voiceMediaRoutes(config: Config, speech: CallSpeech): FrontdeskRoutePlugin[] {
  const voice = {
    noInputMs: config.noInputMs,
    turns: { threshold: config.vad.threshold, endSilenceMs: config.vad.silenceMs, speechPadMs: config.vad.padMs, silenceFloorDbfs: config.vad.silenceFloorDbfs },
  };
  const bind =
    (route: (app: Parameters<FrontdeskRoutePlugin>[0], options: MediaRouteOptions) => Promise<void>): FrontdeskRoutePlugin =>
    async (app, context) => {
      await route(app, {
        runtime: context.runtime,
        stt: speech.stt,
        tts: speech.tts,
        logger: context.logger,
        metrics: context.metrics,
        calls: context.calls,
        watch: context.watch,
        voice,
        ...(speech.recordings ? { recording: speech.recordings } : {}),
      });
      // Shutdown: every call's recording is stored (or spooled) before the audit trail closes.
      app.addHook('onClose', () => speech.release());
    };
  return [bind(wsCallRoute), bind(twilioMediaRoute)];
}
