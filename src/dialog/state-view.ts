// How a call's state is shown outside the machine: a dotted path.
import type { StateValue } from 'xstate';

/** {verified: {booking: 'askDate'}} → "verified.booking.askDate" (parallel regions joined with "+"). */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${statePath(child as StateValue)}`))
    .join('+');
}

/** Every active leaf as its full dotted path, joined with "+": {live: {agent: 'quiet', caller: 'quiet'}} → "live.agent.quiet+live.caller.quiet". */
export function leafPaths(value: StateValue, prefix = ''): string {
  if (typeof value === 'string') return `${prefix}${value}`;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined || (typeof child === 'object' && Object.keys(child).length === 0) ? `${prefix}${key}` : leafPaths(child as StateValue, `${prefix}${key}.`)))
    .join('+');
}
