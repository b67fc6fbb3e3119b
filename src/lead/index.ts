export * from './lead.js';
