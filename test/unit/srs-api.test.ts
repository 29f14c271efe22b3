import { parseStreams, parseSummaries } from '../../workers/srs/srs-api';

describe('SRS API parsing', () => {
  it('reads the summaries envelope (pid as a string)', () => {
    const body = JSON.stringify({ code: 0, server: 'vid-1', service: 'abc12', pid: '4242', data: { self: { version: '6.0.184', pid: 4242, srs_uptime: 65 }, system: { conn_srs: 3 } } });
    expect(parseSummaries(body)).toEqual({ pid: 4242, serviceId: 'abc12', version: '6.0.184', uptimeSeconds: 65, clients: 3 });
  });
  it('rejects error envelopes and non-JSON', () => {
    expect(parseSummaries(JSON.stringify({ code: 1003 }))).toBeUndefined();
    expect(parseSummaries('<html>')).toBeUndefined();
  });
  it('counts streams and active publishers', () => {
    const body = JSON.stringify({ code: 0, streams: [{ clients: 3, publish: { active: true } }, { clients: 1, publish: { active: false } }] });
    expect(parseStreams(body)).toEqual({ streams: 2, publishers: 1, clients: 4 });
  });
});
