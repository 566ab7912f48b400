// Server configuration, parsed once from process.env with zod. A bad value
// stops the process at start with one line per offending variable, instead of
// failing later on the first request that happens to touch it.
import { z } from 'zod';

const DATABASE_PROTOCOLS = ['file:', 'libsql:', 'http:', 'https:', 'ws:', 'wss:'];

const intFromEnv = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

const envSchema = z
  .object({
    DATABASE_URL: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty' })
      .default('file:./data/opspath.db')
      .refine((url) => DATABASE_PROTOCOLS.some((p) => url.startsWith(p)), {
        error: `must start with one of ${DATABASE_PROTOCOLS.join(' ')} (for example file:./data/opspath.db or libsql://host)`,
      }),
    // Turso needs a token; a self-hosted libSQL server may not, so it stays optional.
    DATABASE_AUTH_TOKEN: z.string().trim().min(1, { error: 'must not be empty when set' }).optional(),
    NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be development, production or test' }).default('development'),
    // A session ends after this long without a request. last_verified_at is
    // written at most hourly, so anything under two hours would be imprecise.
    SESSION_INACTIVITY_HOURS: intFromEnv(2, 24 * 90, 72),
    // A session ends this long after sign-in, however active it is.
    SESSION_ABSOLUTE_DAYS: intFromEnv(1, 365, 30),
    // Signs device cookies (auth/device.ts); every process and host must share it. Required by the production server.
    DEVICE_COOKIE_SECRET: z
      .string()
      .trim()
      .min(32, { error: 'must be at least 32 characters (for example: openssl rand -base64 32)' })
      .optional(),
    // Where the production server listens, and how long SIGTERM waits for in-flight requests.
    PORT: intFromEnv(1, 65_535, 4321),
    HOST: z.string().trim().min(1, { error: 'must not be empty when set' }).default('0.0.0.0'),
    SHUTDOWN_GRACE_MS: intFromEnv(0, 10 * 60_000, 25_000),
    // Web processes sharing the port (src/http/supervisor.mjs); one per core suits a busy server.
    WEB_CONCURRENCY: intFromEnv(1, 64, 1),
    // Each web process's JavaScript heap, in MB: `npm start` and `npm run serve` pass it to Node as
    // --max-old-space-size (Node refuses a value it cannot read; one out of range stops the server here). Without a
    // limit Node lets the heap of a 50,000-person import grow to about 600 MB before collecting (ADR 044).
    WEB_HEAP_MB: intFromEnv(128, 65_536, 384),
    // The address people reach the site at. Calendar event UIDs and links come
    // from it, never from a request's Host header, so a proxy, an alias or a
    // domain move does not make subscribers see every event deleted and re-created.
    PUBLIC_URL: z
      .string()
      .trim()
      .refine(isPublicUrl, {
        error: 'must be an absolute http:// or https:// address with no path, query or fragment, e.g. https://opspath.example.com',
      })
      .transform((url) => new URL(url).origin)
      .optional(),
    // Where mail goes: smtp://user:pass@host:587 (STARTTLS when offered) or
    // smtps://user:pass@host:465. Unset: messages stay in the outbox, readable
    // by admins at /app/admin/outbox/, and nothing is lost.
    SMTP_URL: z
      .string()
      .trim()
      .refine((url) => URL.canParse(url) && ['smtp:', 'smtps:'].includes(new URL(url).protocol) && new URL(url).hostname !== '', {
        error: 'must be smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]',
      })
      .optional(),
    // The sender, "OpsPath <no-reply@example.com>" or a bare address; default no-reply@ the PUBLIC_URL host.
    MAIL_FROM: z
      .string()
      .trim()
      .refine(isMailbox, { error: 'must be an address, or a name and an address: OpsPath <no-reply@example.com>' })
      .optional(),
    // on: the web server runs due jobs (reminders, digests, delivery) itself; off: run `npm run jobs` from cron instead.
    JOBS: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    // Company sign-in (OpenID Connect, decision 025): all four or none. The
    // issuer is the provider's identifier, from which its discovery document is read.
    OIDC_ISSUER: z
      .string()
      .trim()
      .refine((url) => URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol), {
        error: 'must be the provider’s issuer address, e.g. https://login.example.com/realms/staff',
      })
      .optional(),
    OIDC_CLIENT_ID: z.string().trim().min(1, { error: 'must not be empty when set' }).optional(),
    OIDC_CLIENT_SECRET: z.string().trim().min(1, { error: 'must not be empty when set' }).optional(),
    // The button says "Sign in with <OIDC_NAME>".
    OIDC_NAME: z
      .string()
      .trim()
      .min(1, { error: 'must not be empty when set' })
      .max(60, { error: 'must be at most 60 characters' })
      .optional(),
  })
  .superRefine((env, ctx) => {
    const missing = OIDC_VARIABLES.filter((name) => env[name] === undefined);
    if (missing.length === 0 || missing.length === OIDC_VARIABLES.length) return;
    ctx.addIssue({
      code: 'custom',
      path: ['OIDC_*'],
      message: `company sign-in needs all of ${OIDC_VARIABLES.join(', ')}, or none; missing: ${missing.join(', ')}`,
    });
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.OIDC_ISSUER === undefined || new URL(env.OIDC_ISSUER).protocol === 'https:', {
    error: 'must be an https:// address in production',
    path: ['OIDC_ISSUER'],
  })
  .refine((env) => env.SESSION_INACTIVITY_HOURS <= env.SESSION_ABSOLUTE_DAYS * 24, {
    error: 'must not be longer than SESSION_ABSOLUTE_DAYS',
    path: ['SESSION_INACTIVITY_HOURS'],
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.PUBLIC_URL !== undefined, {
    error: 'must be set when NODE_ENV=production (the address people use, e.g. https://opspath.example.com)',
    path: ['PUBLIC_URL'],
  })
  .transform((env) => {
    const PUBLIC_URL = env.PUBLIC_URL ?? localPublicUrl(env.HOST, env.PORT);
    const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME, ...rest } = env;
    const companySignIn: CompanySignInConfig | null =
      OIDC_ISSUER && OIDC_CLIENT_ID && OIDC_CLIENT_SECRET && OIDC_NAME
        ? { issuer: OIDC_ISSUER, clientId: OIDC_CLIENT_ID, clientSecret: OIDC_CLIENT_SECRET, name: OIDC_NAME }
        : null;
    return { ...rest, PUBLIC_URL, MAIL_FROM: env.MAIL_FROM ?? `OpsPath <no-reply@${new URL(PUBLIC_URL).hostname}>`, companySignIn };
  });

const OIDC_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_NAME'] as const;

/** The OpenID provider people sign in with, when OIDC_* are set. */
export type CompanySignInConfig = { issuer: string; clientId: string; clientSecret: string; name: string };

/** "Name <local@domain>" or "local@domain", one address, no line breaks (header injection). */
function isMailbox(value: string): boolean {
  const address = /^[^\s<>@]+@[^\s<>@]+$/;
  const named = /^([^<>\r\n]*)<([^\s<>@]+@[^\s<>@]+)>$/.exec(value);
  return !/[\r\n]/.test(value) && (address.test(value) || named !== null);
}

function isPublicUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !/[?#]/.test(value)
  );
}

/** Outside production: where this server listens, with a wildcard address named localhost. */
function localPublicUrl(host: string, port: number): string {
  const name =
    host === '0.0.0.0' || host === '::' || host === '[::]' ? 'localhost' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`http://${name}:${port}`).origin;
}

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Empty strings count as unset, so `FOO=` in a .env file falls back to the default. */
function withoutBlanks(source: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
}

/** Parses configuration; throws ConfigError naming every bad variable at once. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(withoutBlanks(source));
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
}

/**
 * The web server's configuration: parseEnv, and in production also the
 * secrets only the server needs (command-line tools run without them).
 */
export function parseServerEnv(source: Record<string, string | undefined>): Env {
  const cleaned = withoutBlanks(source);
  // Listed together with parseEnv's problems, so one failed start names every missing variable.
  const missing =
    cleaned.NODE_ENV === 'production' && cleaned.DEVICE_COOKIE_SECRET === undefined
      ? ['DEVICE_COOKIE_SECRET: must be set in production (for example: openssl rand -base64 32)']
      : [];
  let config: Env;
  try {
    config = parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError([...error.problems, ...missing]);
    throw error;
  }
  if (missing.length > 0) throw new ConfigError(missing);
  return config;
}

let cached: Env | undefined;

/** The process's configuration (parsed on first use, then cached). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export const isProduction = () => env().NODE_ENV === 'production';
