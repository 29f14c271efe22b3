import { describeChatPath } from '../support/chat-path-cases';
import { nowSec } from '../support/slack/sign-request';

const DB = 3;

describeChatPath('http', DB, (h) => {
  // HTTP only: Socket Mode carries no signature (the connection is authenticated with the app token).
  it('refuses forged and stale requests with 401 before any handler runs', async () => {
    const posted = h().b.standin.calls.length;
    expect((await h().b.slash('restart all', { secret: 'wrong-secret' })).status).toBe(401);
    expect((await h().b.slash('restart all', { ts: nowSec() - 6 * 60 })).status).toBe(401);
    expect(h().b.standin.calls.length).toBe(posted);
  });
});
