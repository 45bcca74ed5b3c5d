// A real OpenID Connect provider (node-oidc-provider, its development sign-in and consent pages)
// for tests/test_oidc.py. It listens on a free loopback port and prints {"issuer": ...} once
// ready. The clients and the people who may sign in come as JSON in OIDC_TEST_SETUP:
// {"clients": [{client_id, client_secret, redirect_uris}], "users": {login: {email, ...}}}.
// The development sign-in page takes any password; its login name is the account's id.
import http from 'node:http';

import Provider from 'oidc-provider';

const { clients, users } = JSON.parse(process.env.OIDC_TEST_SETUP);

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    async findAccount(ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user }) };
    },
    cookies: { keys: ['only-for-tests'] },
    pkce: { required: () => true },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
