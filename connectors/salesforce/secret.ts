export { Secret, scrubSecrets } from '../../src/config/index.js';
