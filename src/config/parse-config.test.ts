import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse-config.js';
import type { RawConfig } from './parse-config.js';

const raw = (value: unknown): RawConfig => ({
  configFile: '/repo/cxone-exports.config.yaml',
  displayFile: 'cxone-exports.config.yaml',
  rootDir: '/repo',
  value,
  locate: (path) => ({ file: 'cxone-exports.config.yaml', line: path.length, column: 1 }),
});

describe('parseConfig', () => {
  it('fills every default and resolves paths against the config directory', () => {
    const result = parseConfig(raw(null), {});
    expect(result).toMatchObject({
      ok: true,
      config: {
        exportsDir: '/repo/exports',
        stateDir: '/repo/.cxone-exports',
        authUrl: 'https://oauth.us1.cxone.com',
        apiUrl: 'https://api.us1.cxone.com',
        auth: { flow: 'client_credentials', tokenRequest: 'json', clientAuth: 'body' },
        limits: { maxRows: 5_000_000, delimiters: ['comma', 'pipe', 'semicolon', 'tab'] },
        apply: {
          concurrency: 4,
          spacingMs: 2000,
          maxAttempts: 5,
          timeoutMs: 30_000,
          circuitBreaker: { failureThreshold: 5, cooldownMs: 60_000 },
        },
        callbacks: { host: '127.0.0.1', port: 8080, path: '/webhook/cxone-callback' },
      },
    });
  });

  it('gives the access-key flow real CXone defaults: form body, Basic auth', () => {
    const result = parseConfig(raw({ auth: { flow: 'access_key' } }), {});
    expect(result).toMatchObject({
      ok: true,
      config: { authUrl: 'https://cxone.niceincontact.com', auth: { tokenRequest: 'form', clientAuth: 'basic' } },
    });
  });

  it('lets CXONE_AUTH_URL and CXONE_API_URL override the file', () => {
    const result = parseConfig(raw({ apiUrl: 'https://api.eu1.cxone.com' }), {
      CXONE_API_URL: 'http://127.0.0.1:9999/',
      CXONE_AUTH_URL: 'http://127.0.0.1:9998',
    });
    expect(result).toMatchObject({
      ok: true,
      config: { apiUrl: 'http://127.0.0.1:9999', authUrl: 'http://127.0.0.1:9998' },
    });
  });

  it('refuses an environment URL that is not http(s)', () => {
    const result = parseConfig(raw({}), { CXONE_API_URL: 'api.us1.cxone.com' });
    expect(result).toMatchObject({ ok: false, diagnostics: [{ file: '$CXONE_API_URL', rule: 'env-url' }] });
  });

  it('reports every schema problem with its path, and the callback rule, in one round', () => {
    const result = parseConfig(
      raw({ limits: { maxRow: 10 }, apply: { concurrency: 0 }, defaults: { callbackUrl: 'http://example.com/cb' } }),
      {},
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    // The fake positions all share line 2, so the stable order falls back to the rule code.
    expect(result.diagnostics.map((d) => [d.rule, d.message])).toEqual([
      ['callback-url', expect.stringContaining('config defaults.callbackUrl uses plain http') as string],
      [
        'schema/additionalProperties',
        'config limits has an unknown key "maxRow". Did you mean "maxRows"? Allowed keys: maxRows, delimiters, minScheduleInterval, staleGrace, lostAfter.',
      ],
      ['schema/minimum', 'config apply.concurrency must be ≥ 1, not 0'],
    ]);
  });

  it('refuses limits above the hard cap and unknown delimiters', () => {
    const result = parseConfig(raw({ limits: { maxRows: 5_000_001, delimiters: ['comma', 'colon'] } }), {});
    expect(result.ok ? [] : result.diagnostics.map((d) => d.rule)).toEqual(['schema/maximum', 'schema/enum']);
  });

  it('refuses a backoff cap below its base', () => {
    const result = parseConfig(raw({ apply: { backoff: { baseMs: 1000, capMs: 10 } } }), {});
    expect(result).toMatchObject({ ok: false, diagnostics: [{ rule: 'backoff-range' }] });
  });

  it.each([
    ['apply.timeoutMs', { apply: { timeoutMs: 2_200_000_000 } }, 'timeoutMs'],
    ['apply.spacingMs', { apply: { spacingMs: 2_200_000_000 } }, 'spacingMs'],
    ['apply.backoff.capMs', { apply: { backoff: { capMs: 2_200_000_000 } } }, 'capMs'],
    ['apply.circuitBreaker.cooldownMs', { apply: { circuitBreaker: { cooldownMs: 2_200_000_000 } } }, 'cooldownMs'],
  ])('refuses %s longer than a timer can hold, with its maximum', (_name, value, key) => {
    const result = parseConfig(raw(value), {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]!.message).toMatch(new RegExp(`${key}.*≤ \\d+`));
  });

  it('chooses the local backend by default, and refuses an unknown one where it is written', () => {
    expect(parseConfig(raw(null), {})).toMatchObject({ ok: true, config: { backend: { type: 'local' } } });
    const result = parseConfig(raw({ backend: { type: 'consul' } }), {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics[0]).toMatchObject({ file: 'cxone-exports.config.yaml', rule: 'schema/enum' });
    expect(result.diagnostics[0]!.message).toContain('backend.type must be one of "local", "pg", not "consul"');
  });

  it('gives the pg backend its defaults, and refuses pg options under another backend', () => {
    expect(parseConfig(raw({ backend: { type: 'pg' } }), {})).toMatchObject({
      ok: true,
      config: { backend: { type: 'pg', schema: 'cxone_exports', stateName: 'default', skipSchemaCreation: false } },
    });
    const local = parseConfig(raw({ backend: { type: 'local', schema: 'team_a' } }), {});
    expect(local.ok).toBe(false);
    if (local.ok) return;
    expect(local.diagnostics[0]).toMatchObject({ rule: 'backend-option' });
    expect(local.diagnostics[0]!.message).toContain('backend.schema applies to the pg backend only');
    const badSchema = parseConfig(raw({ backend: { type: 'pg', schema: 'Team-A; DROP' } }), {});
    expect(badSchema.ok).toBe(false);
  });

  describe('with environments', () => {
    const value = {
      apiUrl: 'https://api-na1.example.com',
      apply: { concurrency: 2, spacingMs: 500 },
      backend: { type: 'pg' },
      environments: {
        sandbox: { apiUrl: 'https://api-sbx.example.com', apply: { spacingMs: 0 }, tenantId: 'tenant-sbx' },
        'us-prod': { promoteFrom: 'sandbox', credentials: { clientId: 'PROD_ID' } },
      },
    };

    it("merges the environment's settings over the top level: maps key by key, values replace", () => {
      const result = parseConfig(raw(value), {}, 'sandbox');
      expect(result).toMatchObject({
        ok: true,
        config: {
          apiUrl: 'https://api-sbx.example.com',
          apply: { concurrency: 2, spacingMs: 0 },
          backend: { type: 'pg', stateName: 'sandbox' },
          environment: { name: 'sandbox', names: ['sandbox', 'us-prod'], tenantId: 'tenant-sbx' },
        },
      });
    });

    it('names credentials after the environment, unless the config names them, with no fall-back', () => {
      const prod = parseConfig(raw(value), {}, 'us-prod');
      expect(prod.ok && prod.config.environment.credentialVariables).toEqual({
        clientId: 'PROD_ID',
        clientSecret: 'CXONE_US_PROD_CLIENT_SECRET',
        accessKeyId: 'CXONE_US_PROD_ACCESS_KEY_ID',
        accessKeySecret: 'CXONE_US_PROD_ACCESS_KEY_SECRET',
      });
      expect(prod.ok && prod.config.environment.promoteFrom).toBe('sandbox');
      const none = parseConfig(raw(null), {});
      expect(none.ok && none.config.environment).toMatchObject({
        name: 'default',
        names: [],
        credentialVariables: { clientId: 'CXONE_CLIENT_ID', clientSecret: 'CXONE_CLIENT_SECRET' },
      });
    });

    it('keeps each local state in a folder of its own, and says when a variable chose the API', () => {
      const local = { ...value, backend: { type: 'local' } };
      const production = parseConfig(raw(local), { CXONE_API_URL: 'http://127.0.0.1:9' }, 'us-prod');
      expect(production).toMatchObject({
        ok: true,
        config: {
          stateDir: '/repo/.cxone-exports/us-prod',
          apiUrl: 'http://127.0.0.1:9',
          environment: { urlSources: { apiUrl: 'CXONE_API_URL', authUrl: 'default' }, ignoredVariables: [] },
        },
      });
    });

    it("never lets a shell's CXONE_API_URL redirect an environment that names its own API", () => {
      // Issue 22, point 6: with only CXONE_API_URL set (production's), sandbox's token went to production's API.
      const shell = { CXONE_API_URL: 'https://api-prod.example.com', CXONE_AUTH_URL: 'https://auth-prod.example.com' };
      const sandbox = parseConfig(raw(value), shell, 'sandbox');
      expect(sandbox).toMatchObject({
        ok: true,
        config: {
          apiUrl: 'https://api-sbx.example.com',
          authUrl: 'https://auth-prod.example.com',
          environment: {
            urlSources: { apiUrl: 'config', authUrl: 'CXONE_AUTH_URL' },
            ignoredVariables: ['CXONE_API_URL'],
          },
        },
      });
      // An ignored variable is not judged either: a bad value there cannot stop sandbox.
      expect(parseConfig(raw(value), { CXONE_API_URL: 'not a url' }, 'sandbox').ok).toBe(true);
    });

    it('refuses two environments that resolve to one PostgreSQL state, at the line that makes them meet', () => {
      // Issue 22, point 1: `init --environments --backend pg` wrote this, and production never ran anything.
      const shared = {
        backend: { type: 'pg', schema: 'cxone_exports', stateName: 'default' },
        environments: { sandbox: {}, production: { promoteFrom: 'sandbox' } },
      };
      const result = parseConfig(raw(shared), {}, 'production');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.diagnostics).toEqual([
        expect.objectContaining({
          rule: 'shared-state',
          line: 2, // ['backend', 'stateName'] in the fake positions
          message: expect.stringContaining(
            'environments sandbox and production share one state (PostgreSQL cxone_exports.default)',
          ) as string,
        }),
      ]);
      expect(result.diagnostics[0]!.message).toContain('remove backend.stateName at the top level');
      // Without the shared name, each environment's state is its own.
      const own = { ...shared, backend: { type: 'pg' } };
      for (const name of ['sandbox', 'production'])
        expect(parseConfig(raw(own), {}, name)).toMatchObject({
          ok: true,
          config: { backend: { schema: 'cxone_exports', stateName: name } },
        });
      // An environment that takes another's name meets it too, and is named as the line to change.
      const taken = {
        ...own,
        environments: { sandbox: {}, production: { backend: { type: 'pg', stateName: 'sandbox' } } },
      };
      const clash = parseConfig(raw(taken), {});
      expect(clash.ok).toBe(false);
      if (clash.ok) return;
      expect(clash.diagnostics[0]!.message).toContain('from environments.production');
      // Another schema keeps them apart.
      const apart = {
        ...shared,
        environments: { sandbox: {}, production: { backend: { type: 'pg', schema: 'prod' } } },
      };
      expect(parseConfig(raw(apart), {}, 'sandbox').ok).toBe(true);
    });

    it('refuses an --env it does not define, and a promoteFrom that names none, saying which exist', () => {
      const typo = parseConfig(raw(value), {}, 'sandbx');
      expect(typo.ok).toBe(false);
      if (typo.ok) return;
      expect(typo.diagnostics[0]).toMatchObject({ file: '--env', rule: 'environment-name' });
      expect(typo.diagnostics[0]!.message).toContain('(did you mean sandbox?); it defines sandbox, us-prod');
      const gate = parseConfig(
        raw({ environments: { production: { promoteFrom: 'sandbx' }, sandbox: {} } }),
        {},
        'production',
      );
      expect(gate.ok).toBe(false);
      if (gate.ok) return;
      expect(gate.diagnostics[0]!.message).toContain(
        'promoteFrom names sandbx, which is not an environment of this config',
      );
    });
  });
});
