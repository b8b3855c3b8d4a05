import { compileLinear, type LinearPattern } from '../../../../shared/linearRegex';
import { nameWords } from '../../spark/nameWords';

/**
 * Column names that identify or reach a person on their own (contact, account, government and
 * network identifiers). Matched on `_`-separated tokens, so `email_count` is not PII.
 */
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
  ['ip', 'address'],
  ['ip', 'addr'],
  ['ipaddress'],
  ['tax', 'id'],
  ['national', 'id'],
  ['nino'],
  ['drivers', 'license'],
  ['driver', 'license'],
  ['cvv'],
];

/**
 * Names, birth dates and home addresses: personal data too, but public datasets are full of them
 * (athletes, officials, authors, course customer tables), so on real code most findings on them were
 * not worth acting on. Reported when `pii.personDetails` is on.
 */
const PERSON_DETAIL_SEQUENCES: string[][] = [
  ['dob'],
  ['birth', 'date'],
  ['date', 'of', 'birth'],
  ['birthdate'],
  ['birthday'],
  ['first', 'name'],
  ['last', 'name'],
  ['full', 'name'],
  ['home', 'address'],
  ['street', 'address'],
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
  'validado',
  'validada',
  'expire',
  'expires',
  'expiry',
  'expiration',
  'exp',
  'matched',
  'match',
]);

/**
 * Words that may follow the identifier in a column that still holds it: its form (`phone_number`,
 * `email_id`, `ip_address_v4`), its copy (`email_raw`, `email_lower`, `phone_2`, `email_x` after a
 * join) or which one it is (`phone_home`, `email_personal`). Any other word after it makes the
 * identifier a qualifier of another attribute: `credit_card_file_size`, `credit_card_schema` and
 * `email_event_time` are columns of a table named for the entity (prefixed to keep joined sources
 * apart), not the card number or the address.
 */
const HOLDS_IT = new Set([
  'number',
  'num',
  'no',
  'nr',
  'nbr',
  'id',
  'address',
  'addr',
  'addresses',
  'raw',
  'clean',
  'cleaned',
  'lower',
  'lowercase',
  'upper',
  'trim',
  'trimmed',
  'normalized',
  'normalised',
  'norm',
  'std',
  'standardized',
  'original',
  'orig',
  'value',
  'val',
  'str',
  'string',
  'text',
  'txt',
  'plain',
  'cleartext',
  'plaintext',
  'primary',
  'secondary',
  'alt',
  'alternate',
  'home',
  'work',
  'personal',
  'business',
  'office',
  'mobile',
  'cell',
  'main',
  'other',
  'new',
  'old',
  'current',
  'prev',
  'previous',
  'full',
  'contact',
  'holder',
  'details',
  'detail',
  'info',
  'data',
  'list',
  'array',
  'all',
  'x',
  'y',
  'l',
  'r',
  'left',
  'right',
  'src',
  'tgt',
  // The addresses of a message: `email_from`, `email_reply_to`, `phone_recipient`.
  'from',
  'to',
  'reply',
  'sender',
  'recipient',
  'recipients',
  'cc',
  'bcc',
  'v4',
  'v6',
  'ipv4',
  'ipv6',
]);

export class PiiMatcher {
  private readonly extra: LinearPattern[];
  private readonly sequences: string[][];

  /**
   * `extraPatterns` come from settings: they run on the linear-time engine (see `compileLinear`).
   * `personDetails` adds names, birth dates and home addresses to the built-in identifiers.
   */
  constructor(extraPatterns: readonly string[], personDetails = false) {
    this.sequences = personDetails ? [...PII_TOKEN_SEQUENCES, ...PERSON_DETAIL_SEQUENCES] : PII_TOKEN_SEQUENCES;
    this.extra = [];
    for (const p of extraPatterns) {
      const compiled = compileLinear(p);
      // A refused pattern is skipped; settings validation reports it.
      if (!('problem' in compiled)) this.extra.push(compiled);
    }
  }

  /**
   * Answers given, by column name: a name's answer depends on the name and the matcher's settings
   * alone, and a file writes the same few names at every sink (PSA401 asks for each column of each
   * sink on every analysis). Cleared when it grows past `KNOWN_MAX`, so a long session's names do not pile up.
   */
  private readonly known = new Map<string, boolean>();

  isPii(column: string): boolean {
    let answer = this.known.get(column);
    if (answer === undefined) {
      if (this.known.size >= KNOWN_MAX) this.known.clear();
      answer = this.judge(column);
      this.known.set(column, answer);
    }
    return answer;
  }

  private judge(column: string): boolean {
    if (this.extra.some((r) => r.matchesWhole(column))) return true;
    const tokens = nameWords(column);
    if (tokens.some((t) => SAFE_TOKENS.has(t))) return false;
    return this.sequences.some((seq) => holdsSequence(tokens, seq));
  }
}

const KNOWN_MAX = 10_000;

/**
 * A matcher for these settings, the same one while they stay the same (by value: the settings
 * object is made again on every change), so that its answers by name are kept across analyses.
 */
export function piiMatcherFor(extraPatterns: readonly string[], personDetails = false): PiiMatcher {
  const key = JSON.stringify([extraPatterns, personDetails]);
  if (lastMatcher?.key !== key) lastMatcher = { key, matcher: new PiiMatcher(extraPatterns, personDetails) };
  return lastMatcher.matcher;
}
let lastMatcher: { key: string; matcher: PiiMatcher } | undefined;

/** `seq` occurs in `tokens` and every token after it says which copy or form of it the column holds. */
function holdsSequence(tokens: string[], seq: string[]): boolean {
  outer: for (let i = 0; i + seq.length <= tokens.length; i++) {
    for (let j = 0; j < seq.length; j++) if (tokens[i + j] !== seq[j]) continue outer;
    if (tokens.slice(i + seq.length).every((t) => HOLDS_IT.has(t) || /^\d+$/.test(t))) return true;
  }
  return false;
}
