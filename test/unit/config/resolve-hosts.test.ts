import { applyGroupSettings, checkJumps } from '../../../config/resolve-hosts';
import { bastionSchema, hostSchema } from '../../../config/schema';

const host = (o: Record<string, unknown>) => hostSchema.parse({ address: '10.0.0.1', ...o });

describe('applyGroupSettings', () => {
  it("gives a host its groups' user, jump and become unless it sets its own", () => {
    const { hosts, problems } = applyGroupSettings(
      [host({ name: 'edge-1', groups: ['edges'] }), host({ name: 'edge-2', groups: ['edges'], user: 'root', become: 'none' })],
      { edges: { user: 'srsops', jump: ['bastion-1'], become: 'sudo' } },
    );
    expect(problems).toEqual([]);
    expect(hosts[0]).toMatchObject({ user: 'srsops', jump: ['bastion-1'], become: 'sudo' });
    expect(hosts[1]).toMatchObject({ user: 'root', jump: ['bastion-1'], become: 'none' });
  });

  it('refuses a host whose groups disagree, and names both values', () => {
    const { problems } = applyGroupSettings([host({ name: 'edge-1', groups: ['edges', 'eu'] })], {
      edges: { jump: ['b1'] },
      eu: { jump: ['b2', 'b3'] },
    });
    expect(problems).toEqual(['  - hosts.0.jump: edge-1 gets two values from its groups (edges: b1; eu: b2,b3) -> set `jump` on the host']);
  });

  it('accepts two groups that agree', () => {
    const { problems, hosts } = applyGroupSettings([host({ name: 'edge-1', groups: ['edges', 'eu'] })], {
      edges: { become: 'sudo' },
      eu: { become: 'sudo' },
    });
    expect(problems).toEqual([]);
    expect(hosts[0]?.become).toBe('sudo');
  });
});

describe('checkJumps', () => {
  const bastions = [bastionSchema.parse({ name: 'b1', address: '10.0.0.9' })];

  it('accepts jumps that name bastions', () => {
    expect(checkJumps([host({ name: 'e', jump: 'b1' })], bastions, { g: { jump: ['b1'] } })).toEqual([]);
  });

  it('names an unknown bastion, a hop named twice and a duplicate bastion', () => {
    const problems = checkJumps([host({ name: 'e', jump: ['b1', 'b1'] })], [...bastions, ...bastions], { g: { jump: ['nope'] } });
    expect(problems).toEqual([
      '  - hosts.0.jump: a bastion appears twice in b1,b1 -> name each hop once',
      '  - groups.g.jump: nope is not a bastion -> add it under `bastions` or fix the name',
      '  - bastions.1.name: duplicate bastion name b1 -> give every bastion its own name',
    ]);
  });
});
