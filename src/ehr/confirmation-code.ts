// Confirmation codes read to callers: six characters from an alphabet without look-alikes (no 0/O, 1/I).
import { randomInt } from 'node:crypto';
import type { ConfirmationCode } from './types.ts';

export const confirmationAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const confirmationCodeLength = 6;

export function newConfirmationCode(): ConfirmationCode {
  let code = '';
  for (let index = 0; index < confirmationCodeLength; index += 1) {
    code += confirmationAlphabet[randomInt(confirmationAlphabet.length)];
  }
  return code as ConfirmationCode;
}
