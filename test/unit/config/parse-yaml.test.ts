import { parseYamlText } from '../../../config/parse-yaml';
import { ChatopsError } from '../../../src/core/errors';

describe('parseYamlText', () => {
  it('parses YAML', () => {
    expect(parseYamlText('a: [1, 2]\n', 'config file c.yml')).toEqual({ a: [1, 2] });
  });

  it('names the file in a config error when the YAML is broken', () => {
    let err: unknown;
    try {
      parseYamlText('a: [1, 2\n', 'inventory /etc/hosts.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChatopsError);
    expect((err as ChatopsError).userMessage).toMatch(/^inventory \/etc\/hosts\.yml is not valid YAML: /);
  });
});
