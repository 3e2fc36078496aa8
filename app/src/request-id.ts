import { randomUUID } from 'node:crypto';

const VALID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The request id to use: the client's `x-request-id` when it is 1-128 safe characters (letters,
 * digits, `._:@/+=-`), otherwise a new UUID. Never echoes arbitrary header content.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && VALID.test(header)) return header;
  return randomUUID();
}
