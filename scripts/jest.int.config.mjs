import { scriptsJestConfig } from './jest.config.mjs';

export default scriptsJestConfig('integration');
