// How a call's state is shown outside the machine: a dotted path.
import type { StateValue } from 'xstate';

/** {verified: {booking: 'askDate'}} → "verified.booking.askDate" (parallel regions joined with "+"). */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${statePath(child as StateValue)}`))
    .join('+');
}
