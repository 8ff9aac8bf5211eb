import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/support/fixtures.js';
import { checkContractRules } from './contract-rules.js';
import type { RawDefinitionShape } from './contract-rules.js';

const spec = (format: Record<string, unknown>, callbackUrl?: string): RawDefinitionShape => ({
  spec: { format: { maxRows: 10, ...format }, ...(callbackUrl === undefined ? {} : { callbackUrl }) },
});
const rules = (document: RawDefinitionShape, raw: unknown = {}) => checkContractRules(document, testConfig(raw));

describe('contract rules', () => {
  it('accepts the defaults', () => {
    expect(rules(spec({}))).toEqual([]);
  });

  describe('delimiter-allowed', () => {
    it('refuses a delimiter the project config leaves out, by name or character', () => {
      const config = { limits: { delimiters: ['comma', 'pipe'] } };
      expect(rules(spec({ delimiter: 'tab' }), config)).toMatchObject([
        { rule: 'delimiter-allowed', path: ['spec', 'format', 'delimiter'] },
      ]);
      expect(rules(spec({ delimiter: '\t' }), config)[0]!.message).toContain('allowed: comma, pipe');
      expect(rules(spec({ delimiter: '|' }), config)).toEqual([]);
    });

    it('points at the format map when the delimiter comes from config defaults', () => {
      const config = { limits: { delimiters: ['comma'] }, defaults: { format: { delimiter: 'pipe' } } };
      const [problem] = rules(spec({}), config);
      expect(problem).toMatchObject({ rule: 'delimiter-allowed', path: ['spec', 'format'], target: 'key' });
      expect(problem!.message).toContain('from config defaults.format');
    });
  });

  describe('max-rows-range', () => {
    it('applies the project cap below the hard cap', () => {
      expect(rules(spec({ maxRows: 1001 }), { limits: { maxRows: 1000 } })).toMatchObject([{ rule: 'max-rows-range' }]);
      expect(rules(spec({ maxRows: 1000 }), { limits: { maxRows: 1000 } })).toEqual([]);
    });

    it('leaves non-integers and out-of-schema values to the schema', () => {
      expect(rules(spec({ maxRows: 'many' }), { limits: { maxRows: 1 } })).toEqual([]);
      expect(rules(spec({ maxRows: 0 }), { limits: { maxRows: 1 } })).toEqual([]);
    });
  });

  describe('sanitize-collision', () => {
    it('refuses a quote or escape equal to the delimiter when sanitization is on', () => {
      const problems = rules(spec({ delimiter: 'pipe', quoteCharacter: '|', escapeCharacter: '|' }));
      expect(problems.map((p) => [p.rule, p.path.at(-1)])).toEqual([
        ['sanitize-collision', 'quoteCharacter'],
        ['sanitize-collision', 'escapeCharacter'],
      ]);
    });

    it('allows the collision when sanitization is off', () => {
      expect(rules(spec({ delimiter: 'pipe', quoteCharacter: '|', sanitizeSpecialCharacters: false }))).toEqual([]);
    });

    it('catches a collision made by config defaults', () => {
      const problems = rules(spec({ delimiter: ';' }), { defaults: { format: { escapeCharacter: ';' } } });
      expect(problems).toMatchObject([{ rule: 'sanitize-collision', path: ['spec', 'format'] }]);
    });
  });

  describe('callback-url', () => {
    it('accepts https anywhere and http on loopback only', () => {
      expect(rules(spec({}, 'https://hooks.example.com/cb'))).toEqual([]);
      expect(rules(spec({}, 'http://127.0.0.1:8080/cb'))).toEqual([]);
      expect(rules(spec({}, 'http://localhost/cb'))).toEqual([]);
      expect(rules(spec({}, 'http://[::1]:9/cb'))).toEqual([]);
      expect(rules(spec({}, 'http://hooks.example.com/cb'))).toMatchObject([{ rule: 'callback-url' }]);
      expect(rules(spec({}, 'ftp://hooks.example.com/cb'))).toMatchObject([{ rule: 'callback-url' }]);
    });

    it('refuses credentials and tokens in the URL, which would leak into plans', () => {
      expect(rules(spec({}, 'https://user:pw@hooks.example.com/cb'))[0]!.message).toContain('user name or password');
      expect(rules(spec({}, 'https://hooks.example.com/cb?token=s3cret'))[0]!.message).toContain(
        'CXONE_CALLBACK_TOKEN',
      );
    });
  });
});
