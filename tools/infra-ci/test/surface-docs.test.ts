import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_TERRAFORM_FUNCTIONS } from '../src/hcl/functions.js';

describe('docs/terragrunt-surface.md', () => {
  it('lists exactly the Terraform functions infra-ci computes', () => {
    const doc = readFileSync(new URL('../docs/terragrunt-surface.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('Computed exactly'), doc.indexOf('File functions'));
    const listed = [...section.matchAll(/`([a-z0-9]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual(SUPPORTED_TERRAFORM_FUNCTIONS);
  });
});
