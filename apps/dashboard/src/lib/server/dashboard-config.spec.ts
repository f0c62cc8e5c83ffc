import { parseDashboardConfig } from './dashboard-config.js';

describe('parseDashboardConfig', () => {
  it('works on a fresh machine with no variables', () => {
    expect(parseDashboardConfig({})).toEqual({
      apiUrl: 'http://127.0.0.1:3000',
      adminApiKey: 'dev-admin-key',
      temporalUiUrl: 'http://localhost:8233',
    });
  });

  it('trims trailing slashes and treats empty as unset', () => {
    expect(parseDashboardConfig({ API_URL: 'http://api:3000/', TEMPORAL_UI_URL: '' })).toMatchObject({
      apiUrl: 'http://api:3000',
      temporalUiUrl: 'http://localhost:8233',
    });
  });

  it('names every bad variable in one error', () => {
    expect(() => parseDashboardConfig({ API_URL: 'api:3000', TEMPORAL_UI_URL: 'javascript:alert(1)' })).toThrow(
      /API_URL: must be an absolute http.*\n.*TEMPORAL_UI_URL: must be an absolute http/,
    );
  });

  it('refuses a missing or development admin key with NODE_ENV=production', () => {
    expect(() => parseDashboardConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_API_KEY: is required/);
    expect(() => parseDashboardConfig({ NODE_ENV: 'production', ADMIN_API_KEY: 'dev-admin-key' })).toThrow(/ADMIN_API_KEY: is the public development default/);
    expect(parseDashboardConfig({ NODE_ENV: 'production', ADMIN_API_KEY: 'a-real-key' }).adminApiKey).toBe('a-real-key');
  });
});
