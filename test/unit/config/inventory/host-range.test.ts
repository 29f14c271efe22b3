import { expandHostPattern } from '../../../../config/inventory/host-range';

describe('Ansible host ranges', () => {
  it.each([
    ['edge-1', ['edge-1']],
    ['edge-[1:3]', ['edge-1', 'edge-2', 'edge-3']],
    ['edge-[01:03].example.net', ['edge-01.example.net', 'edge-02.example.net', 'edge-03.example.net']],
    ['edge-[1:10:4]', ['edge-1', 'edge-5', 'edge-9']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['db-[a:e:2]', ['db-a', 'db-c', 'db-e']],
    ['e[:2]', ['e0', 'e1', 'e2']],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
    ['no[range]', ['no[range]']],
  ])('%s', (pattern, names) => {
    expect(expandHostPattern(pattern)).toEqual(names);
  });

  it.each([
    ['e[01:5]', /same width/],
    ['e[5:1]', /begin before its end/],
    ['e[c:a]', /begin before its end/],
    ['e[1:]', /must have an end/],
    ['e[1:3:0]', /positive whole number/],
    ['e[1:2:3:4]', /\[begin:end\] or \[begin:end:step\]/],
    ['e[a:3]', /numbers or single letters/],
  ])('%s is refused', (pattern, why) => {
    expect(() => expandHostPattern(pattern)).toThrow(why);
  });
});
