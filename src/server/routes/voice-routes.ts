// The audio endpoints (/ws/call, /twilio/media), registered by `frontdesk serve` only when speech can run on this machine.
import type { FrontdeskRoutePlugin } from '../types.ts';

/** Filled in by the voice loop; empty means the server is text only. */
export const voiceRoutes: readonly FrontdeskRoutePlugin[] = [];
