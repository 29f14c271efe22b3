import { shellWords } from './ini-values';

/** What a host's vars say about jump hosts: the hops (outermost first), or why they cannot be followed. */
export interface JumpSpec {
  hops?: string[];
  /** The var the hops came from (for messages). */
  from?: string;
  problem?: { variable: string; what: string; fix: string };
}

/** The SSH argument vars Ansible adds to its ssh command line, in the order they appear on it (the first value wins). */
const SSH_ARG_VARS = ['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const;

/** ssh options that take an argument (ssh(1)). */
const SSH_OPTIONS_WITH_ARGUMENT = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/**
 * The hop of the classic `ProxyCommand=ssh -W %h:%p [-p port] [-l user] [user@]bastion`: ProxyJump written by hand
 * before OpenSSH 7.3. Any other ProxyCommand is a command the bot would have to run: undefined.
 */
function proxyCommandHop(command: string): string | undefined {
  let words: string[];
  try {
    words = shellWords(command);
  } catch {
    return undefined;
  }
  if (!/(^|\/)ssh$/.test(words[0] ?? '')) return undefined;
  const opts = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    const letter = w.charAt(1);
    if (w.startsWith('-') && SSH_OPTIONS_WITH_ARGUMENT.has(letter)) opts.set(letter, w.length > 2 ? w.slice(2) : (words[++i] ?? ''));
    else if (!w.startsWith('-')) rest.push(w);
  }
  const [destination, ...extra] = rest;
  if (opts.get('W') !== '%h:%p' || destination === undefined || extra.length > 0 || opts.has('J') || opts.has('o')) return undefined;
  const user = opts.get('l');
  const port = opts.get('p');
  return `${user !== undefined && !destination.includes('@') ? `${user}@` : ''}${destination}${port !== undefined ? `:${port}` : ''}`;
}

/**
 * `-o ProxyJump=a,b`, `-oProxyJump a`, `-J a,b`, `-Ja`, `-o ProxyCommand="ssh -W %h:%p b"`: the first ProxyJump (or
 * ProxyCommand) in some ssh args.
 */
function proxyIn(words: readonly string[]): { jump?: string; command?: true } {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '-J' || w === '-o') i++;
    const value = w === '-J' || w === '-o' ? (words[i] ?? '') : w.startsWith('-J') || w.startsWith('-o') ? w.slice(2) : undefined;
    if (value === undefined) continue;
    if (w.startsWith('-J')) return { jump: value };
    const m = /^\s*(\w+)\s*(?:=|\s)\s*(.*)$/.exec(value);
    const key = m?.[1]?.toLowerCase();
    if (key === 'proxyjump') return { jump: m?.[2]?.trim() ?? '' };
    if (key === 'proxycommand') {
      const hop = proxyCommandHop(m?.[2]?.trim() ?? '');
      return hop === undefined ? { command: true } : { jump: hop };
    }
  }
  return {};
}

function splitHops(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `srs_jump` (a name, a comma list or a YAML list) first; else ProxyJump in the ssh argument vars. */
export function jumpOf(vars: Readonly<Record<string, unknown>>): JumpSpec {
  const own = vars.srs_jump;
  if (own !== undefined && own !== null) {
    const hops = typeof own === 'string' ? splitHops(own) : Array.isArray(own) ? own.map((h) => String(h).trim()) : undefined;
    if (hops === undefined || hops.length === 0 || hops.some((h) => h === ''))
      return {
        problem: {
          variable: 'srs_jump',
          what: 'srs_jump must be a host name or a list of them',
          fix: 'set srs_jump: bastion-1 (or a list)',
        },
      };
    return { hops, from: 'srs_jump' };
  }
  for (const variable of SSH_ARG_VARS) {
    const text = vars[variable];
    if (typeof text !== 'string') continue;
    let words: string[];
    try {
      words = shellWords(text);
    } catch (err) {
      return { problem: { variable, what: `${variable} cannot be read (${(err as Error).message})`, fix: 'close the quote' } };
    }
    const found = proxyIn(words);
    if (found.command)
      return {
        problem: {
          variable,
          what: `${variable} sets a ProxyCommand other than \`ssh -W %h:%p bastion\`, and the bot runs no local command`,
          fix: 'use -o ProxyJump=bastion (or -J bastion), or srs_jump',
        },
      };
    if (found.jump !== undefined) return found.jump.toLowerCase() === 'none' ? {} : { hops: splitHops(found.jump), from: variable };
  }
  return {};
}

/** A hop that is not an inventory host: `[user@]host[:port]` (IPv6 in brackets: `[::1]:2222`). */
export interface HopAddress {
  user?: string;
  host: string;
  port: number;
}

export function parseHop(hop: string): HopAddress | undefined {
  const m = /^(?:([^@\s]+)@)?(?:\[([0-9A-Fa-f:.]+)\]|([^:@\s[\]]+))(?::(\d{1,5}))?$/.exec(hop);
  if (m === null) return undefined;
  const host = m[2] ?? m[3] ?? '';
  return { ...(m[1] !== undefined && { user: m[1] }), host, port: m[4] !== undefined ? Number(m[4]) : 22 };
}

/** A stable bastion name for a hop address: `jump-10-0-0-1-22`, `jump-ops-at-bastion-example-com-22`. */
export function hopName(hop: HopAddress): string {
  const host = hop.host.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const user = hop.user !== undefined ? `${hop.user.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-at-` : '';
  return `jump-${user}${host}-${hop.port}`;
}
