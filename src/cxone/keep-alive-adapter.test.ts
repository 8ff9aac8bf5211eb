import { describe, expect, it } from 'vitest';
import { fullUrl, proxyConfigured } from './keep-alive-adapter.js';

describe('fullUrl', () => {
  it('joins like axios, keeping a path prefix on the base URL', () => {
    expect(fullUrl('https://api.example.com', '/api/v2/x')).toBe('https://api.example.com/api/v2/x');
    expect(fullUrl('https://gw.example.com/cxone/', '/api/v2/x')).toBe('https://gw.example.com/cxone/api/v2/x');
    expect(fullUrl('https://api.example.com', 'https://other.example.com/y')).toBe('https://other.example.com/y');
    expect(fullUrl(undefined, '/x')).toBe('/x');
  });
});

describe('proxyConfigured', () => {
  it('notices the usual proxy variables', () => {
    expect(proxyConfigured({})).toBe(false);
    expect(proxyConfigured({ HTTPS_PROXY: 'http://proxy:3128' })).toBe(true);
    expect(proxyConfigured({ http_proxy: 'http://proxy:3128' })).toBe(true);
  });
});
