import { parseTableButtonValue } from '../../../../src/core/fan-out/table-actions';

describe('parseTableButtonValue', () => {
  it('reads a request id and a page', () => {
    expect(parseTableButtonValue('{"id":"r-mx51t6mp-b199cb","page":3}')).toEqual({ id: 'r-mx51t6mp-b199cb', page: 3 });
  });

  it.each([
    undefined,
    '',
    '{',
    '{"id":"r-mx51t6mp-b199cb"}',
    '{"id":"r-mx51t6mp-b199cb","page":-1}',
    '{"id":"r-mx51t6mp-b199cb","page":1.5}',
    '{"id":"../x","page":1}',
    '{"id":"r-mx51t6mp-b199cb","page":1e9}',
  ])('refuses %s', (value) => {
    expect(parseTableButtonValue(value)).toBeUndefined();
  });
});
