import type { ChatMessage } from '../core/command';
import { blastRadius } from '../core/rollout/blast-radius';
import type { Plan } from '../core/rollout/plan';
import { escapeSlackText } from '../core/text/escape-slack-text';
import { capText, context, section, SECTION_TEXT_MAX, type Block } from './blocks';
import { blastRadiusLines } from './blast-radius';
import { planText, sections } from './plan-card';

/** Slack allows 50 blocks a message: the commands of at most this many hosts are shown, each in its own block. */
const HOSTS_WITH_COMMANDS = 40;

/** One host's commands as a code block, within a section's limit. */
function commandsBlock(host: string, commands: readonly string[] | undefined): Block {
  const body =
    commands === undefined
      ? '(not known: the host did not answer the survey)'
      : commands.length === 0
        ? '(no commands reported: this worker is older than dry runs)'
        : commands.map(escapeSlackText).join('\n');
  const head = `\`${escapeSlackText(host)}\` would run:`;
  const room = SECTION_TEXT_MAX - head.length - 20;
  const code = body; // escaped: no backtick run, no <...> control sequence
  return section(`${head}\n\`\`\`${code.length > room ? `${code.slice(0, room - 20)}\n… (cut)` : code}\`\`\``);
}

/**
 * A dry run's report: the plan with its batches, the survey (what every host runs and serves now), the blast radius,
 * what would be asked before it runs (`gate`), and the exact commands each host would be sent. Nothing ran.
 */
export function renderDryRunReport(plan: Plan, commands: ReadonlyMap<string, readonly string[]>, gate: string): ChatMessage {
  const head = [`:test_tube: *Dry run* — nothing was changed on any host.`, ...planText(plan), ...blastRadiusLines(blastRadius(plan))];
  const shown = plan.hosts.slice(0, HOSTS_WITH_COMMANDS);
  const more = plan.hosts.length - shown.length;
  const blocks: Block[] = [
    ...sections(head),
    section(`*Before it runs:* ${gate}`),
    ...shown.map((h) => commandsBlock(h.name, commands.get(h.name))),
  ];
  if (more > 0)
    blocks.push(
      section(`… and ${more} more hosts (the same commands with their own paths); \`/srs output\` shows each job's full output once run.`),
    );
  blocks.push(context(`plan \`${plan.hash.slice(0, 12)}\` · request \`${plan.id}\` · recorded in the audit log as a dry run`));
  const perHost = shown.map(
    (h) => `\`${escapeSlackText(h.name)}\` would run: ${(commands.get(h.name) ?? ['(not known)']).map(escapeSlackText).join(' ; ')}`,
  );
  return { text: capText([...head, `Before it runs: ${gate}`, ...perHost].join('\n'), 3000), blocks: blocks.slice(0, 50) };
}
