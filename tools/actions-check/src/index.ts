export type { ActionRef, PinProblem } from './action-refs.js';
export { checkPinned, findActionRefs, isCompositeAction } from './action-refs.js';
export type { LintFinding } from './actionlint.js';
export { actionlint } from './actionlint.js';
export type { CompositeAction, RunStep, Step } from './credentials.js';
export { expandSteps, exposesToken, holdsToken, localActionKey, TOKEN } from './credentials.js';
export type { CodeSnippet, ExecCall, InvocationProblem, NodeCall } from './invocations.js';
export {
  commands,
  execCalls,
  markdownCode,
  nodeDistCalls,
  registryFallthroughs,
  runScripts,
  workspaceArgs,
} from './invocations.js';
