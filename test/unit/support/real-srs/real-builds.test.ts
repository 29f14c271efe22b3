import { buildOf, parseBuildList } from '../../../support/real-srs/real-builds';

describe('the real SRS build list (scripts/build-real-srs.sh output)', () => {
  const out = [
    'debconf: delaying package configuration',
    'srs-6.0.157 /cache/srs-6.0.157-9b98/srs-6/trunk',
    'srs-5.0.216 /cache/srs-5.0.216-9755/srs-5/trunk',
    'srs-6.0.157-asan /cache/srs-6.0.157-asan-9b98/srs-6/trunk',
  ].join('\n');

  it('reads each build, its version and whether it is the AddressSanitizer one; ignores other lines', () => {
    const builds = parseBuildList(out);
    expect(builds.map((b) => [b.name, b.version, b.asan])).toEqual([
      ['srs-6.0.157', '6.0.157', false],
      ['srs-5.0.216', '5.0.216', false],
      ['srs-6.0.157-asan', '6.0.157', true],
    ]);
    expect(buildOf(builds, '6.0.157', true).binary).toBe('/cache/srs-6.0.157-asan-9b98/srs-6/trunk/objs/srs');
    expect(buildOf(builds, '5.0.216').initScript).toBe('/cache/srs-5.0.216-9755/srs-5/trunk/etc/init.d/srs');
    expect(() => buildOf(builds, '7.0.1')).toThrow(/no real SRS build 7\.0\.1/);
  });
});
