/** The Kubernetes RBAC engine: pure functions over normalised RBAC objects. */
export { buildRbacPolicy, type RbacPolicy, type ResolvedBinding, describeKey } from './rbacPolicy.ts';
export { compileRbacIndex, grantsAllowing, type CompiledRbacIndex } from './compiledRbacIndex.ts';
export { whoCan, whoCanInAnyNamespace, MASTERS_NOTE, type WhoCanAnswer, type SubjectAccess, type AnswerSubject } from './whoCan.ts';
export { can, type Decision } from './can.ts';
export { rulesFor, type EffectiveRules } from './rulesFor.ts';
export { describePath, describeRule, type GrantPath } from './grantPath.ts';
export { impersonatedUser, serviceAccountUser, MASTERS } from './identity.ts';
export { ruleAllows } from './ruleAllows.ts';
