import { iniValue, shellWords } from '../../../../config/inventory/ini-values';

describe('INI words and values as Ansible reads them', () => {
  it.each([
    ['a b=1  c="x y" d=\'p q\'', ['a', 'b=1', 'c=x y', 'd=p q']],
    ['a b="say \\"hi\\"" # ignored', ['a', 'b=say "hi"']],
    ['a b=x#y', ['a', 'b=x#y']],
    ['a b=\\ c', ['a', 'b= c']],
  ])('words of %j', (line, words) => {
    expect(shellWords(line)).toEqual(words);
  });

  it('an unclosed quote is an error', () => {
    expect(() => shellWords('a b="x')).toThrow(/unclosed " quote/);
  });

  it.each([
    ['22', 22],
    ['-1.5', -1.5],
    ['True', true],
    ['False', false],
    ['None', null],
    ['yes', 'yes'],
    ['"quoted"', 'quoted'],
    ["'a b'", 'a b'],
    ['[1935, 8080]', [1935, 8080]],
    ['(1, "x")', [1, 'x']],
    ['1935, 8080', '1935, 8080'],
    ['127.0.0.1:1985', '127.0.0.1:1985'],
    ['  /opt/srs  ', '/opt/srs'],
    ['[1, oops]', '[1, oops]'],
  ])('value %j', (text, value) => {
    expect(iniValue(text)).toEqual(value);
  });
});
