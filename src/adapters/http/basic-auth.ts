import { createHash, timingSafeEqual } from 'node:crypto';

/** Credentials for HTTP Basic authentication. */
export interface BasicCredentials {
  user: string;
  password: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when an `Authorization` header carries exactly these credentials. The comparison is constant-time (over
 * fixed-length digests, so neither the length nor the content of the secret leaks through timing).
 */
export function basicAuthMatches(header: string | undefined, expected: BasicCredentials): boolean {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  const given = m?.[1] !== undefined ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const ok = timingSafeEqual(digest(given), digest(`${expected.user}:${expected.password}`));
  return ok && m !== null;
}
