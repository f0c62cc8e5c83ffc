import { parseDashboardConfig } from './dashboard-config.js';

describe('parseDashboardConfig', () => {
  it('works on a fresh machine with no variables', () => {
    expect(parseDashboardConfig({})).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      temporalUiUrl: 'http://localhost:8233',
      temporalNamespace: 'default',
      secureCookies: true,
    });
  });

  it('trims trailing slashes and treats empty as unset', () => {
    expect(parseDashboardConfig({ API_URL: 'http://api:3000/', TEMPORAL_UI_URL: '' })).toMatchObject({
      apiUrl: 'http://api:3000',
      temporalUiUrl: 'http://localhost:8233',
    });
  });

  it('names every bad variable at once', () => {
    expect(() => parseDashboardConfig({ API_URL: 'ftp://x', TEMPORAL_NAMESPACE: 'no spaces', COOKIE_SECURE: 'yes' })).toThrow(
      /API_URL[\s\S]*TEMPORAL_NAMESPACE[\s\S]*COOKIE_SECURE/,
    );
  });

  it('refuses insecure session cookies in production', () => {
    expect(() => parseDashboardConfig({ NODE_ENV: 'production', COOKIE_SECURE: 'false' })).toThrow(/COOKIE_SECURE/);
    expect(parseDashboardConfig({ NODE_ENV: 'production' }).secureCookies).toBe(true);
  });
});
