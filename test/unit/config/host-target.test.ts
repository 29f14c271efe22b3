import { hostTarget } from '../../../config/host-target';
import { bastionSchema, hostSchema } from '../../../config/schema';

const config = {
  ssh: { user: 'srsops' },
  bastions: [
    bastionSchema.parse({ name: 'b1', address: '203.0.113.7', user: 'jump' }),
    bastionSchema.parse({ name: 'b2', address: '10.0.2.2', port: 2222 }),
  ],
};

describe('hostTarget', () => {
  it('is the host alone, with ssh.user, when it has no jump', () => {
    expect(hostTarget(config, hostSchema.parse({ name: 'e1', address: '10.0.0.1' }))).toEqual({
      name: 'e1',
      address: '10.0.0.1',
      port: 22,
      user: 'srsops',
    });
  });

  it('resolves the chain outermost first, each hop with its own user and port', () => {
    const t = hostTarget(config, hostSchema.parse({ name: 'e1', address: '10.0.3.2', user: 'srs', jump: ['b1', 'b2'] }));
    expect(t).toEqual({
      name: 'e1',
      address: '10.0.3.2',
      port: 22,
      user: 'srs',
      jump: [
        { name: 'b1', address: '203.0.113.7', port: 22, user: 'jump' },
        { name: 'b2', address: '10.0.2.2', port: 2222, user: 'srsops' },
      ],
    });
  });

  it('throws on a jump naming no bastion (the loader refuses such a config first)', () => {
    expect(() => hostTarget(config, hostSchema.parse({ name: 'e1', address: 'x', jump: 'b9' }))).toThrow(/b9 is not a bastion/);
  });
});
