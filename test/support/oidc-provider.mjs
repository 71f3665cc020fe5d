// A real OpenID Connect provider (the `oidc-provider` package) for one test file, run as its own
// process: `node test/support/oidc-provider.mjs '<json options>'`. The people it knows are read
// from a JSON file at each sign-in, so a test changes them (groups, a disabled flag) by rewriting it.
// Its sign-in form is the package's development one: any password is accepted for a known login.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const { port, accountsFile, clientId, clientSecret, redirectUris } = JSON.parse(process.argv[2]);

const accounts = () => JSON.parse(readFileSync(accountsFile, 'utf8'));

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  // Every authorization request must carry a PKCE challenge (S256).
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'kaikaku'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    // What a city's provider adds for its own applications: unit, groups, 職員番号, account state.
    kaikaku: ['department', 'groups', 'employee_number', 'account_disabled'],
  },
  cookies: { keys: ['oidc-test-cookie-key-not-secret'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // A first-party client: the person is not asked to consent to each scope.
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid profile email kaikaku');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
