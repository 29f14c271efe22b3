import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import { matchHostPatterns, type PatternMatch } from './host-pattern';

/** The host field of a known_hosts line: a pattern list, or one hashed name (`|1|salt|hash`). */
export type HostField = { kind: 'patterns'; text: string } | { kind: 'hashed'; salt: Buffer; hash: Buffer };

/** A marker a line may start with (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT). */
export type Marker = 'pin' | 'revoked' | 'cert-authority';

/** One line of a known_hosts file the bot can read. */
export interface KnownHostLine {
  /** 1-based line number in the file. */
  line: number;
  marker: Marker;
  hosts: HostField;
  keyType: string;
  key: Buffer;
}

/** A line the bot cannot read. `hosts` is absent when even its host field is unreadable (it may name any host). */
export interface KnownHostsProblem {
  line: number;
  reason: string;
  hosts?: HostField;
}

/** A parsed known_hosts file: the lines read and the lines refused (never silently dropped). */
export interface KnownHosts {
  lines: KnownHostLine[];
  problems: KnownHostsProblem[];
}

/** What a known_hosts file says about a presented host key, and which line says it. */
export type HostKeyVerdict =
  | { kind: 'match'; line: number }
  | { kind: 'mismatch'; lines: number[] }
  | { kind: 'revoked'; line: number }
  | { kind: 'cert-authority'; line: number }
  | { kind: 'unreadable'; line: number; reason: string }
  | { kind: 'unknown' };

/** The name a host has in known_hosts: `host` on port 22, `[host]:port` otherwise (lower case, as ssh looks it up). */
export function knownHostsName(address: string, port: number): string {
  const host = address.toLowerCase();
  return port === 22 ? host : `[${host}]:${port}`;
}

/** SHA256 fingerprint as OpenSSH prints it (`SHA256:base64-without-padding`). */
export function fingerprint(key: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
}

/** Strict base64 (Buffer.from accepts anything); undefined when `text` is not canonical base64. */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') ? bytes : undefined;
}

/** The key type inside an SSH public key blob (its first length-prefixed string). */
function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  return blob.length >= 4 + len ? blob.subarray(4, 4 + len).toString('latin1') : undefined;
}

function readHostField(field: string): HostField | string {
  if (!field.startsWith('|')) return { kind: 'patterns', text: field };
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return `hashed host name "${field.slice(0, 24)}…" is not in OpenSSH's |1|salt|hash form`;
  const salt = decodeBase64(parts[2] ?? '');
  const hash = decodeBase64(parts[3] ?? '');
  if (salt?.length !== 20 || hash?.length !== 20) return 'hashed host name has a salt or hash that is not 20 bytes of base64';
  return { kind: 'hashed', salt, hash };
}

const MARKERS: Record<string, Marker> = { '@revoked': 'revoked', '@cert-authority': 'cert-authority' };

function parseLine(text: string, line: number): KnownHostLine | KnownHostsProblem {
  const fields = text.split(/\s+/);
  let marker: Marker = 'pin';
  let badMarker: string | undefined;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift() ?? '';
    const known = MARKERS[word];
    if (known) marker = known;
    else badMarker = `unknown marker ${word.slice(0, 32)} (OpenSSH knows @revoked and @cert-authority)`;
  }
  const [hostText, keyType, keyText] = fields;
  if (hostText === undefined || keyType === undefined || keyText === undefined)
    return { line, reason: 'expected "[marker] hosts key-type base64-key"' };
  const hosts = readHostField(hostText);
  if (typeof hosts === 'string') return { line, reason: hosts };
  if (badMarker) return { line, reason: badMarker, hosts };
  const key = decodeBase64(keyText);
  if (!key) return { line, reason: /^\d+$/.test(keyType) ? 'an SSH-1 key (not supported)' : 'the key is not valid base64', hosts };
  if (blobType(key) !== keyType) return { line, reason: `the key field is not a ${keyType.slice(0, 40)} key`, hosts };
  return { line, marker, hosts, keyType, key };
}

/** Parses known_hosts text: every non-comment line is either read or returned as a problem with its reason. */
export function parseKnownHosts(text: string): KnownHosts {
  const parsed: KnownHosts = { lines: [], problems: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const result = parseLine(line, i + 1);
    if ('reason' in result) parsed.problems.push(result);
    else parsed.lines.push(result);
  });
  return parsed;
}

/** Whether a host field names `name` (`[host]:port` or `host`), as ssh decides it. */
export function hostFieldMatch(hosts: HostField, name: string): PatternMatch {
  if (hosts.kind === 'patterns') return matchHostPatterns(name, hosts.text);
  const mac = createHmac('sha1', hosts.salt).update(name).digest();
  return mac.length === hosts.hash.length && timingSafeEqual(mac, hosts.hash) ? 'match' : 'none';
}

/** How one line is shown to an operator: `line 3 ([127.0.0.1]:2744?)`, `line 4 (@revoked, hashed)`. */
export function describeLine(l: { line: number; hosts?: HostField; marker?: Marker }): string {
  const host = l.hosts === undefined ? undefined : l.hosts.kind === 'hashed' ? 'hashed' : l.hosts.text;
  const parts = [l.marker && l.marker !== 'pin' ? `@${l.marker}` : undefined, host].filter((p) => p !== undefined);
  return parts.length > 0 ? `line ${l.line} (${parts.join(', ')})` : `line ${l.line}`;
}

/** The lines that apply to `address:port`, and the unreadable lines that may. */
export function linesFor(known: KnownHosts, address: string, port: number): KnownHosts {
  const name = knownHostsName(address, port);
  return {
    lines: known.lines.filter((l) => hostFieldMatch(l.hosts, name) === 'match'),
    problems: known.problems.filter((p) => p.hosts === undefined || hostFieldMatch(p.hosts, name) === 'match'),
  };
}

/**
 * Decides whether `key` (the raw key blob the server presented) is a pinned key of `address:port`, with OpenSSH's
 * rules: a `@revoked` line for the key refuses it whatever other lines say; `@cert-authority` lines cannot be honoured
 * (ssh2 verifies no host certificates), so a host that only they cover is refused as such; a line the bot cannot read
 * that may name the host refuses it too.
 */
export function verifyHostKey(known: KnownHosts, address: string, port: number, key: Buffer): HostKeyVerdict {
  const { lines, problems } = linesFor(known, address, port);
  const unreadable = problems[0];
  if (unreadable) return { kind: 'unreadable', line: unreadable.line, reason: unreadable.reason };
  const revoked = lines.find((l) => l.marker === 'revoked' && l.key.equals(key));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const pins = lines.filter((l) => l.marker === 'pin');
  const match = pins.find((l) => l.key.equals(key));
  if (match) return { kind: 'match', line: match.line };
  const authority = lines.find((l) => l.marker === 'cert-authority');
  if (authority) return { kind: 'cert-authority', line: authority.line };
  return pins.length > 0 ? { kind: 'mismatch', lines: pins.map((l) => l.line) } : { kind: 'unknown' };
}
