import { parse } from 'yaml';
import { ChatopsError, ErrorCode } from '../src/core/errors';

/** Parses a YAML file's text; a syntax error is a config error naming the file (`what`: "config file x.yml"). */
export function parseYamlText(text: string, what: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    throw new ChatopsError(ErrorCode.ConfigInvalid, `${what} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}
