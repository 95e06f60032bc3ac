/**
 * Cognito user pools: `cognito-local`, started in process from its own server parts (its `createDefaultServer` reads
 * PORT/HOST and `.cognito/` in the working directory, which would clash with the API's PORT), with its database in a
 * directory of ours. Clients sign in with the real `InitiateAuth` (USER_PASSWORD_AUTH) against `CognitoEndpoint`;
 * tokens are RS256, signed by cognito-local's key and published at `/<poolId>/.well-known/jwks.json`.
 *
 * Everything after start-up goes over HTTP with the AWS SDK, so test workers can create users the same way.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SetUserPoolMfaConfigCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CANARY_GROUP } from '../../lambda/domain/canaryScope.ts';
import { ADMIN_GROUP, LOCAL_CREDENTIALS, REGION, USER_POOL_CLIENT_NAME, USER_POOL_NAME } from './names.ts';
import { LOCAL_HOST, isAddressInUse, portInUse } from './ports.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_PLAYER_COUNT, demoPlayerEmail } from '../../client/demoUsers.ts';


export interface CognitoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/* The parts of cognito-local we assemble (CommonJS, loaded from its own lib/ so that nothing reads PORT or cwd). */
interface CognitoLocalParts {
  createServer: (router: unknown, logger: unknown, options: unknown, services: unknown) => { start(): Promise<Server> };
  Router: (services: unknown) => unknown;
  DateClock: new () => unknown;
  MessagesService: new (triggers: unknown, delivery: unknown) => unknown;
  TriggersService: new (clock: unknown, cognito: unknown, lambda: unknown, crypto: unknown) => unknown;
  LambdaService: new (config: unknown, client: unknown) => unknown;
  CognitoServiceFactoryImpl: new (dir: string, stores: unknown, pools: unknown) => { create(ctx: unknown, defaults: unknown): Promise<unknown> };
  StormDBDataStoreFactory: new (dir: string) => unknown;
  UserPoolServiceFactoryImpl: new (clock: unknown, stores: unknown) => unknown;
  MessageDeliveryService: new (sender: unknown) => unknown;
  JwtTokenGenerator: new (clock: unknown, triggers: unknown, config: { IssuerDomain?: string }) => unknown;
  otp: () => string;
  pino: (options: { level: string }) => unknown;
}

function loadCognitoLocal(): CognitoLocalParts {
  const require = createRequire(import.meta.url);
  const lib = (p: string) => require(`cognito-local/lib/${p}`) as Record<string, unknown>;
  const services = lib('services/index.js');
  const fromCognitoLocal = createRequire(require.resolve('cognito-local'));
  return {
    createServer: lib('server/server.js').createServer,
    Router: lib('server/Router.js').Router,
    DateClock: services.DateClock,
    MessagesService: services.MessagesService,
    TriggersService: services.TriggersService,
    LambdaService: services.LambdaService,
    CognitoServiceFactoryImpl: lib('services/cognitoService.js').CognitoServiceFactoryImpl,
    StormDBDataStoreFactory: lib('services/dataStore/stormDb.js').StormDBDataStoreFactory,
    UserPoolServiceFactoryImpl: lib('services/userPoolService.js').UserPoolServiceFactoryImpl,
    MessageDeliveryService: lib('services/messageDelivery/messageDelivery.js').MessageDeliveryService,
    JwtTokenGenerator: lib('services/tokenGenerator.js').JwtTokenGenerator,
    otp: lib('services/otp.js').otp,
    pino: fromCognitoLocal('pino') as CognitoLocalParts['pino'],
  } as CognitoLocalParts;
}

export interface CognitoLocalOptions {
  /** Directory of cognito-local's database (user pools, clients, users). */
  dataDir: string;
  port?: number;
  /** cognito-local's own log level (pino); it logs failed calls at "warn" with stacks, so the default is "error". */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export async function startCognitoLocal(options: CognitoLocalOptions): Promise<CognitoLocal> {
  const parts = loadCognitoLocal();
  const logger = parts.pino({ level: options.logLevel ?? 'error' });
  const ctx = { logger };
  const userPoolDefaults = { UsernameAttributes: ['email'] };
  // The issuer domain is filled in once the port is known: the token generator reads it at every sign-in.
  const tokenConfig: { IssuerDomain?: string } = {};
  const serverConfig = { port: options.port ?? 0, hostname: LOCAL_HOST, development: false, https: false };
  const config = { LambdaClient: {}, TriggerFunctions: {}, UserPoolDefaults: userPoolDefaults, TokenConfig: tokenConfig, ServerConfig: serverConfig };

  const clock = new parts.DateClock();
  const stores = new parts.StormDBDataStoreFactory(options.dataDir);
  const cognito = await new parts.CognitoServiceFactoryImpl(options.dataDir, stores, new parts.UserPoolServiceFactoryImpl(clock, stores)).create(
    ctx,
    userPoolDefaults,
  );
  // No Lambda triggers are configured, so neither the Lambda client nor the KMS-based crypto service is ever used.
  const triggers = new parts.TriggersService(clock, cognito, new parts.LambdaService({}, {}), {});
  // Codes and welcome messages are not delivered anywhere (cognito-local would print them in a box on stdout).
  const silentSender = { sendEmail: async () => {}, sendSms: async () => {} };
  const services = {
    clock,
    cognito,
    config,
    messages: new parts.MessagesService(triggers, new parts.MessageDeliveryService(silentSender)),
    otp: parts.otp,
    tokenGenerator: new parts.JwtTokenGenerator(clock, triggers, tokenConfig),
    triggers,
  };
  let server: Server;
  try {
    server = await parts.createServer(parts.Router(services), logger, serverConfig, services).start();
  } catch (err) {
    if (isAddressInUse(err)) throw portInUse(serverConfig.port, 'cognito-local');
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : serverConfig.port;
  const endpoint = `http://${LOCAL_HOST}:${port}`;
  tokenConfig.IssuerDomain = endpoint;
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function cognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ region: REGION, endpoint, credentials: LOCAL_CREDENTIALS });
}

export interface UserPoolInfo {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** The `iss` of every token: `http://host:port/<poolId>`. */
  issuer: string;
  jwksUri: string;
}

/** The user pool, its app client (USER_PASSWORD_AUTH, no secret, like the deployed one) and the admin group. */
export async function ensureUserPool(endpoint: string): Promise<UserPoolInfo> {
  const client = cognitoClient(endpoint);
  try {
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((p) => p.Name === USER_POOL_NAME)?.Id;
    if (!userPoolId) {
      const created = await client.send(
        new CreateUserPoolCommand({
          PoolName: USER_POOL_NAME,
          UsernameAttributes: ['email'],
          AutoVerifiedAttributes: ['email'],
          Policies: { PasswordPolicy: { MinimumLength: 8, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: false } },
        }),
      );
      userPoolId = created.UserPool!.Id!;
    }
    // As in AWS (lib/constructs/auth.ts): TOTP optional, so a user who enabled it is challenged at every sign-in.
    // Set on every start, since a pool kept from an earlier run may predate it.
    await client.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: userPoolId, MfaConfiguration: 'OPTIONAL', SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((c) => c.ClientName === USER_POOL_CLIENT_NAME)?.ClientId;
    if (!clientId) {
      const created = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: USER_POOL_CLIENT_NAME,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          // Cognito's defaults: ID and access tokens last an hour.
          IdTokenValidity: 1,
          AccessTokenValidity: 1,
          RefreshTokenValidity: 30,
          TokenValidityUnits: { IdToken: 'hours', AccessToken: 'hours', RefreshToken: 'days' },
        }),
      );
      clientId = created.UserPoolClient!.ClientId!;
    }
    const groups = [
      { GroupName: ADMIN_GROUP, Description: 'Producers: create questions, games, episodes' },
      { GroupName: CANARY_GROUP, Description: 'The canary: its own question, game and episodes only (lambda/domain/canaryScope.ts)' },
    ];
    for (const group of groups) {
      try {
        await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, ...group }));
      } catch (err) {
        if ((err as Error).name !== 'GroupExistsException') throw err;
      }
    }
    return { endpoint, userPoolId, clientId, issuer: `${endpoint}/${userPoolId}`, jwksUri: `${endpoint}/${userPoolId}/.well-known/jwks.json` };
  } finally {
    client.destroy();
  }
}

export interface LocalUserInput {
  email: string;
  /** Default `Passw0rd!`. */
  password?: string;
  /** The token subject; cognito-local keeps a given `sub` attribute (a random UUID otherwise). */
  sub?: string;
  /** Member of the `admin` group. */
  admin?: boolean;
}

export interface LocalUser {
  email: string;
  password: string;
  sub: string;
  /** Cognito's internal user name (with email sign-in, not the email). */
  username: string;
}

/**
 * Creates a confirmed user with a permanent password (AdminCreateUser + AdminSetUserPassword), as an admin would.
 * Idempotent: an existing user keeps its sub (an error if it differs from the one asked for) and gets the password.
 */
export async function createLocalUser(pool: { endpoint: string; userPoolId: string }, input: LocalUserInput): Promise<LocalUser> {
  const client = cognitoClient(pool.endpoint);
  const password = input.password ?? DEMO_PASSWORD;
  const { userPoolId } = pool;
  try {
    let sub: string | undefined;
    let username: string | undefined;
    try {
      const created = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: input.email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: input.email },
            { Name: 'email_verified', Value: 'true' },
            ...(input.sub ? [{ Name: 'sub', Value: input.sub }] : []),
          ],
        }),
      );
      sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      username = created.User?.Username;
    } catch (err) {
      if ((err as Error).name !== 'UsernameExistsException') throw err;
      const existing = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: input.email }));
      sub = existing.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      username = existing.Username;
      if (input.sub && sub !== input.sub) throw new Error(`user ${input.email} already exists with sub ${sub}, not ${input.sub}`);
    }
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: input.email, Password: password, Permanent: true }));
    if (input.admin) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: input.email, GroupName: ADMIN_GROUP }));
    if (!sub || !username) throw new Error(`cognito-local returned no sub for ${input.email}`);
    return { email: input.email, password, sub, username };
  } finally {
    client.destroy();
  }
}

/** `admin@example.com` (admin group) and `player1@example.com` … `player20@example.com`, password `Passw0rd!`. */
export async function createDemoUsers(pool: { endpoint: string; userPoolId: string }): Promise<LocalUser[]> {
  const users = [await createLocalUser(pool, { email: DEMO_ADMIN_EMAIL, admin: true })];
  for (let i = 1; i <= DEMO_PLAYER_COUNT; i++) users.push(await createLocalUser(pool, { email: demoPlayerEmail(i) }));
  return users;
}

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken?: string;
}

/** Signs in the way clients do in AWS: InitiateAuth with USER_PASSWORD_AUTH against the Cognito endpoint. */
export async function signIn(pool: { endpoint: string; clientId: string }, email: string, password: string): Promise<Tokens> {
  const client = cognitoClient(pool.endpoint);
  try {
    const out = await client.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }),
    );
    const r = out.AuthenticationResult;
    if (!r?.IdToken || !r.AccessToken) throw new Error(`sign-in of ${email} returned no tokens${out.ChallengeName ? ` (challenge ${out.ChallengeName})` : ''}`);
    return { idToken: r.IdToken, accessToken: r.AccessToken, ...(r.RefreshToken ? { refreshToken: r.RefreshToken } : {}) };
  } finally {
    client.destroy();
  }
}
