import { addChild, addHost, addProblem, emptyInventory, finishInventory, groupOf, type AnsibleInventory } from './ansible-model';
import { expandHostPattern } from './host-range';
import { iniValue, shellWords } from './ini-values';

/** Where the lines go; `skip` after a header that could not be read (its problem is already listed). */
type Section = { group: string; kind: 'hosts' | 'vars' | 'children' | 'skip' };

const HEADER = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

/** `name:port` as Ansible's INI host patterns allow it (not for IPv6 literals, whose colons stay in the name). */
function splitPort(pattern: string): { pattern: string; port?: number } {
  const m = /^([^:]+):(\d{1,5})$/.exec(pattern);
  return m === null ? { pattern } : { pattern: m[1] ?? pattern, port: Number(m[2]) };
}

function hostLine(inv: AnsibleInventory, group: string, text: string, line: number): void {
  let words: string[];
  try {
    words = shellWords(text);
  } catch (err) {
    addProblem(inv, line, `cannot read the host line (${(err as Error).message})`, 'close the quote');
    return;
  }
  const [first = '', ...rest] = words;
  const vars: Record<string, unknown> = {};
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      addProblem(inv, line, `\`${word}\` is not a key=value host variable`, 'write host vars as key=value (quote values with spaces)');
      return;
    }
    vars[word.slice(0, eq)] = iniValue(word.slice(eq + 1));
  }
  const { pattern, port } = splitPort(first);
  if (port !== undefined) vars.ansible_port = port;
  let names: string[];
  try {
    names = expandHostPattern(pattern);
  } catch (err) {
    addProblem(inv, line, (err as Error).message, 'fix the range as Ansible writes it: [01:10], [a:c] or [1:10:2]');
    return;
  }
  for (const name of names) addHost(inv, group, name, vars, line);
}

function sectionLine(inv: AnsibleInventory, section: Section, text: string, line: number): void {
  if (section.kind === 'skip') return;
  if (section.kind === 'hosts') return hostLine(inv, section.group, text, line);
  if (section.kind === 'children') {
    const [child, ...more] = text.split(/\s+/);
    if (child === undefined || more.length > 0)
      addProblem(inv, line, `\`${text}\` is not one group name`, `list one child group per line under [${section.group}:children]`);
    else addChild(inv, section.group, child, line);
    return;
  }
  const eq = text.indexOf('=');
  if (eq <= 0) {
    addProblem(inv, line, `\`${text}\` is not a key=value variable`, `write one key=value per line under [${section.group}:vars]`);
    return;
  }
  groupOf(inv, section.group).vars[text.slice(0, eq).trim()] = iniValue(text.slice(eq + 1));
}

/**
 * Reads an INI inventory as Ansible does: host lines (with inline `key=value` vars and ranges) under `[group]`, or
 * before any section (then `ungrouped`); `[group:vars]`, `[group:children]`; `#` and `;` comment lines.
 */
export function parseAnsibleIni(text: string, file: string): AnsibleInventory {
  const inv = emptyInventory(file);
  let section: Section = { group: 'ungrouped', kind: 'hosts' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (trimmed.startsWith('[')) {
      const m = HEADER.exec(trimmed);
      const kind = m?.[2] ?? 'hosts';
      if (m === null || !['hosts', 'vars', 'children'].includes(kind)) {
        addProblem(inv, line, `\`${trimmed}\` is not a section header`, 'write [group], [group:vars] or [group:children]');
        section = { group: '', kind: 'skip' };
        return;
      }
      const group = m[1] ?? '';
      groupOf(inv, group, line);
      section = { group, kind: kind as 'hosts' | 'vars' | 'children' };
      return;
    }
    sectionLine(inv, section, trimmed, line);
  });
  return finishInventory(inv);
}
