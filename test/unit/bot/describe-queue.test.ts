import { describeQueue } from '../../../src/bot/describe-queue';
import type { HostJob, JobQueuePort, QueuePosition } from '../../../src/ports/job-queue-port';

const NOW = 1_700_000_000_000;

function job(host: string): HostJob {
  return { v: 1, jobId: `r-new-${host}`, requestId: 'r-new', host, verb: 'status', requestedBy: 'U0ME', enqueuedAt: NOW };
}

/** A queue port whose lines hold one running restart ahead of each new job. */
function queueWithRestartAhead(): { port: JobQueuePort; asked: string[][] } {
  const asked: string[][] = [];
  const line = (host: string): QueuePosition['ahead'] => [
    { jobId: `r-old-${host}`, verb: 'restart', requestedBy: 'U0OTHER', enqueuedAt: NOW - 90_000, running: true },
    { jobId: `r-new-${host}`, verb: 'status', requestedBy: 'U0ME', enqueuedAt: NOW, running: false },
  ];
  const port: JobQueuePort = {
    enqueue: () => Promise.reject(new Error('not used')),
    hostQueue: (host) => Promise.resolve(line(host)),
    hostQueues: (hosts) => {
      asked.push([...hosts]);
      return Promise.resolve(new Map(hosts.map((h) => [h, line(h)])));
    },
    cancel: () => Promise.resolve('unknown'),
    enqueueFanOut: () => Promise.reject(new Error('not used')),
    fanOutState: () => Promise.resolve({ state: 'unknown' }),
    cancelFanOut: () => Promise.resolve({ state: 'unknown', expanded: [] }),
    fanOutLines: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
  return { port, asked };
}

describe('describeQueue: where new jobs wait, from the enqueue receipt', () => {
  it('every host free: nothing to say and nothing looked up', async () => {
    const { port, asked } = queueWithRestartAhead();
    const jobs = ['a', 'b', 'c'].map(job);
    expect(await describeQueue(port, jobs, { ahead: new Map(jobs.map((j) => [j.jobId, 0])) }, NOW)).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('busy hosts: who is ahead and the position, for at most five hosts (looked up for those only), then a count', async () => {
    const { port, asked } = queueWithRestartAhead();
    const jobs = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'free'].map(job);
    const ahead = new Map(jobs.map((j) => [j.jobId, j.host === 'free' ? 0 : 1]));
    const lines = await describeQueue(port, jobs, { ahead }, NOW);
    expect(asked).toEqual([['h1', 'h2', 'h3', 'h4', 'h5']]);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      'h1 is busy: running `restart` for <@U0OTHER> (for 1m 30s); yours is #2 in line, after 1 job. `/srs cancel r-new-h1` cancels it.',
    );
    expect(lines[5]).toBe('… and 3 more hosts busy: `/srs jobs` lists what runs and waits.');
  });

  it('a lookup failure says nothing rather than failing the request', async () => {
    const { port } = queueWithRestartAhead();
    const failing: JobQueuePort = { ...port, hostQueues: () => Promise.reject(new Error('redis gone')) };
    expect(await describeQueue(failing, [job('h1')], { ahead: new Map([['r-new-h1', 1]]) }, NOW)).toEqual([]);
  });

  it('a group limit full now: who changes and how many wait (jobs without limits look nothing up)', async () => {
    const { port } = queueWithRestartAhead();
    const asked: string[][] = [];
    const withGroups: JobQueuePort = {
      ...port,
      groupLines: (groups) => {
        asked.push([...groups]);
        return Promise.resolve(
          new Map([
            [
              'origins',
              {
                group: 'origins',
                holding: [
                  { jobId: 'r-1-o1', host: 'origin-1' },
                  { jobId: 'r-2-o2', host: 'origin-2' },
                ],
                waiting: [{ jobId: 'r-3-o3', host: 'origin-3' }],
              },
            ],
            ['eu', { group: 'eu', holding: [{ jobId: 'r-1-o1', host: 'origin-1' }], waiting: [] }],
          ]),
        );
      },
    };
    const free = { ahead: new Map<string, number>() };
    expect(await describeQueue(withGroups, [job('h1')], free, NOW)).toEqual([]);
    expect(asked).toEqual([]);
    const limited = { ...job('origin-4'), verb: 'restart' as const, groupLimits: { origins: 2, eu: 5 } };
    expect(await describeQueue(withGroups, [limited], free, NOW)).toEqual([
      '`origins` allows 2 hosts changing at once, whoever asks: `origin-1`, `origin-2` now, 1 job already waiting. Your hosts there wait their turn; `/srs jobs` shows the line.',
    ]);
    expect(asked).toEqual([['origins', 'eu']]);
    const failing: JobQueuePort = { ...port, groupLines: () => Promise.reject(new Error('redis gone')) };
    expect(await describeQueue(failing, [limited], free, NOW)).toEqual([]);
  });
});
