/** An HCL expression that cannot be evaluated (caught by try()/can(), located by the caller). */
export class HclEvalError extends Error {}
