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

/** `-o ProxyJump=a,b`, `-oProxyJump a`, `-J a,b`, `-Ja`: the first ProxyJump (or ProxyCommand) in some ssh args. */
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
    if (key === 'proxycommand') return { command: true };
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
          what: `${variable} sets a ProxyCommand, which the bot does not run`,
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
