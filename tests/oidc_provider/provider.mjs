// A real OpenID Connect provider (panva/oidc-provider, OpenID Certified) for the accounts
// OIDC tests. Usage: node provider.mjs CONFIG.json
//
// CONFIG.json: {"clients": [<client metadata>], "accounts": {"<login>": {<claims>}}}.
// The provider listens on a free 127.0.0.1 port, then prints one JSON line
// {"issuer": "http://127.0.0.1:<port>"} on stdout. Logins go through the provider's own
// development interaction pages (any password; the login is the account id), followed by
// its consent page. Signing keys are generated at start (RS256).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    // The claims a national identity provider releases; citizen_id stands for the
    // personal identification number (số định danh cá nhân).
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
      profile: ['name', 'birthdate', 'citizen_id'],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      if (!Object.hasOwn(accounts, id)) {
        return undefined;
      }
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...accounts[id] };
        },
      };
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
