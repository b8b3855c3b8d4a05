export {
  FAMILIES,
  PROJECT_RULE_CODES,
  RULES,
  fixApplicabilities,
  ruleByCode,
  type Family,
  type FixAvailability,
  type RuleInfo,
  type RuleScope,
} from './registry';
