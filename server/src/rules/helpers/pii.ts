import { compileLinear, type LinearPattern } from '../../../../shared/linearRegex';

/** Column names that hold personal data. Matched on `_`-separated tokens, so `email_count` is not PII. */
const PII_TOKEN_SEQUENCES: string[][] = [
  ['email'],
  ['e', 'mail'],
  ['email', 'address'],
  ['phone'],
  ['phone', 'number'],
  ['mobile'],
  ['msisdn'],
  ['ssn'],
  ['social', 'security'],
  ['credit', 'card'],
  ['card', 'number'],
  ['cc', 'number'],
  ['pan', 'number'],
  ['iban'],
  ['passport'],
  ['dob'],
  ['birth', 'date'],
  ['date', 'of', 'birth'],
  ['birthdate'],
  ['birthday'],
  ['ip', 'address'],
  ['ip', 'addr'],
  ['ipaddress'],
  ['tax', 'id'],
  ['national', 'id'],
  ['nino'],
  ['drivers', 'license'],
  ['driver', 'license'],
  ['first', 'name'],
  ['last', 'name'],
  ['full', 'name'],
  ['home', 'address'],
  ['street', 'address'],
  ['cvv'],
];

/** Suffixes or prefixes that say the column is already protected or only describes PII. */
const SAFE_TOKENS = new Set([
  'masked',
  'mask',
  'hash',
  'hashed',
  'sha',
  'sha2',
  'sha256',
  'md5',
  'token',
  'tokenized',
  'redacted',
  'encrypted',
  'enc',
  'anonymized',
  'anonymised',
  'pseudonymized',
  'domain',
  'verified',
  'count',
  'cnt',
  'flag',
  'is',
  'has',
  'type',
  'valid',
  'optin',
  'opt',
  'consent',
  'country',
  'format',
  'length',
  'len',
  'last4',
  'bin',
  'present',
  'missing',
  'null',
  'status',
  'provider',
  'os',
  'model',
  'make',
  'brand',
  'carrier',
  'template',
  'app',
  'platform',
  'version',
  'subject',
  'campaign',
  'opened',
  'opens',
  'clicked',
  'clicks',
  'sent',
  'bounced',
  'bounce',
  'unsubscribed',
  'prefix',
  'code',
  'mode',
  'category',
  'kind',
  'class',
  // A card's expiry date or a check's outcome is not the card number.
  'validated',
  'validation',
  'expire',
  'expires',
  'expiry',
  'expiration',
  'exp',
  'matched',
  'match',
]);

export class PiiMatcher {
  private readonly extra: LinearPattern[];

  /** `extraPatterns` come from settings: they run on the linear-time engine (see `compileLinear`). */
  constructor(extraPatterns: readonly string[]) {
    this.extra = [];
    for (const p of extraPatterns) {
      const compiled = compileLinear(p);
      // A refused pattern is skipped; settings validation reports it.
      if (!('problem' in compiled)) this.extra.push(compiled);
    }
  }

  isPii(column: string): boolean {
    if (this.extra.some((r) => r.matchesWhole(column))) return true;
    const tokens = column
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    if (tokens.some((t) => SAFE_TOKENS.has(t))) return false;
    return PII_TOKEN_SEQUENCES.some((seq) => containsSequence(tokens, seq));
  }
}

function containsSequence(tokens: string[], seq: string[]): boolean {
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let j = 0; j < seq.length; j++) if (tokens[i + j] !== seq[j]) continue outer;
    return true;
  }
  return false;
}
