export type { ActionRef, PinProblem } from './action-refs.js';
export { checkPinned, findActionRefs, isCompositeAction } from './action-refs.js';
export type { LintFinding } from './actionlint.js';
export { actionlint } from './actionlint.js';
