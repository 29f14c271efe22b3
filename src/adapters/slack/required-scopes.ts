/**
 * The bot token's scopes, least privilege: `commands` (receive /srs) and `chat:write` (the request message, thread
 * replies, summary edits, ephemerals). The bot is invited to its channels, so it needs no `chat:write.public`; it
 * reads no history and looks up no users. slack-app-manifest.yml declares exactly these (a test checks it).
 */
export const REQUIRED_BOT_SCOPES: readonly string[] = ['commands', 'chat:write'];

/** The slash command the app registers (slack-app-manifest.yml) and the bot listens to. */
export const SLASH_COMMAND = '/srs';
