import { ChatopsError, ErrorCode } from '../../core/errors';
import { VERSION_PATTERN } from '../../../config/schema';

/** What an argument may be once its placeholders are filled: no quotes, spaces, `$`, `;` or braces. */
const FILLED = /^[A-Za-z0-9._/+=:,@-]{1,400}$/;

/**
 * The install command's argv for one host: `{version}`, `{root}` and `{previous}` filled in. Versions are checked
 * against VERSION_PATTERN again here (defence in depth), and every filled element against a strict character set;
 * the host adapter then quotes each element, so nothing here is ever shell text.
 */
export function installArgv(template: readonly string[], values: { version: string; root: string; previous: string }): string[] {
  for (const v of [values.version, values.previous]) {
    if (!VERSION_PATTERN.test(v))
      throw new ChatopsError(
        ErrorCode.ConfigInvalid,
        `refused to install: ${JSON.stringify(v.slice(0, 40))} is not a version like 6.0.184`,
      );
  }
  return template.map((arg) => {
    const filled = arg.replaceAll('{version}', values.version).replaceAll('{root}', values.root).replaceAll('{previous}', values.previous);
    if (!FILLED.test(filled))
      throw new ChatopsError(
        ErrorCode.ConfigInvalid,
        `refused to install: the install command element ${JSON.stringify(arg.slice(0, 60))} is not a plain argument once filled`,
      );
    return filled;
  });
}
