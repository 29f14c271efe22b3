/** The chat renderers, one module per message kind. */
export { capText, context, section, SECTION_TEXT_MAX, type Block, type ContextBlock, type MrkdwnText, type SectionBlock } from './blocks';
export { renderCodeBlock } from './code-block';
export { renderDenied, renderQueueUnavailable, renderUsageError } from './ephemerals';
export { escapeSlackText, ZWSP } from '../core/text/escape-slack-text';
export { formatElapsed } from './format-elapsed';
export { renderHelp } from './help';
export { renderHistory, renderHistoryRow, threadPermalink, type HistoryScope } from './history';
export { HOST_RESULT_MAX_CHARS, renderHostResult } from './host-result';
export { renderHostResults } from './host-results';
export { renderHosts, type HostTable } from './hosts';
export { ECHO_MAX_CHARS, inlineCode } from '../core/text/inline-code';
export { OUTCOME_EMOJI, OUTCOME_LABEL } from './outcome';
export { slackToPlainText } from './plain-text';
export { renderRequestParent, TARGETS_SHOWN, type RequestParent, type RequestState } from './request-parent';
export { summarizeResults, type ResultSummary } from './summary';
export {
  renderGraceBoard,
  renderGraceConfirm,
  renderGraceDeadlinePrompt,
  renderGraceLine,
  renderGraceMilestone,
  renderGracePreflight,
} from './grace-status';
export { planLines, renderPlanCard, renderPlanClosed } from './plan-card';
export { renderConfirmCard } from './confirm-card';
export { renderDryRunReport } from './dry-run-report';
export { blastRadiusLines } from './blast-radius';
export { renderAbortNowConfirm, renderRolloutStatus, rolloutWhat, stageCounts } from './rollout-status';
export { drainText, drainTotalsText } from './drain-text';
export { groupLineText, ordinal, renderGroupWait, renderGroupWaitMany, type GroupWaitView } from './group-wait';
