export * from './lead.js';
export { domainOf, emailDomainOf, websiteDomainOf, normaliseDomain, normaliseEmail } from './domain.js';
export { isFreeEmailDomain } from './free-email.js';
export { toCountryCode, isCountryCode } from './country.js';
export { toUsCaRegionCode } from './region.js';
export { usCaRegions } from './us-ca-regions.js';
export { backtracksCatastrophically, unsafeRegexMessage } from './regex-safety.js';
export { closest, didYouMean, editDistance } from './did-you-mean.js';
