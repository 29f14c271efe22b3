/**
 * Slack emoji shortcodes the bot uses, as the symbols a terminal shows. Symbols without a default emoji presentation
 * (`⚠`, `⚙`, `▶`) are used without a variation selector, so every terminal agrees on their width (one column).
 */
export const EMOJI: Readonly<Record<string, string>> = {
  alarm_clock: '⏰',
  arrow_forward: '▶',
  arrows_counterclockwise: '🔄',
  bar_chart: '📊',
  checkered_flag: '🏁',
  droplet: '💧',
  gear: '⚙',
  grey_question: '❔',
  heavy_minus_sign: '➖',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  lock: '🔒',
  mag: '🔍',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  octagonal_sign: '🛑',
  outbox_tray: '📤',
  package: '📦',
  rewind: '⏪',
  rotating_light: '🚨',
  stethoscope: '🩺',
  raised_hand: '✋',
  test_tube: '🧪',
  warning: '⚠',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zzz: '💤',
  // Common ones people may paste into reasons and notes.
  heavy_check_mark: '✔',
  tada: '🎉',
  rocket: '🚀',
  fire: '🔥',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  eyes: '👀',
  information_source: 'ℹ',
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
};

/** Shortcodes (`:white_check_mark:`) replaced by their symbol; unknown ones are left as they are. */
export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name: string) => (Object.hasOwn(EMOJI, name) ? (EMOJI[name] ?? code) : code));
}
