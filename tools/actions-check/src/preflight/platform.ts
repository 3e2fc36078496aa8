/**
 * Regions and repository names, read from the Terragrunt tree that deploys them (one source):
 * infra/environments/prod/environment.hcl (`primary_region`, `standby_region`, `repository`,
 * `ecr_repository_name`, `failover_ecr_repository_name`) and prod/global/region.hcl (`aws_region`,
 * where the Global Accelerator API is served). Workflows get them as the preflight step's outputs
 * instead of repeating them.
 */
export interface Platform {
  readonly primary_region: string;
  readonly standby_region: string;
  readonly global_region: string;
  readonly repository: string;
  readonly ecr_repository: string;
  readonly failover_ecr_repository: string;
}

/** A top-level `name = "value"` string attribute of an HCL file's locals; throws when absent. */
export function hclString(source: string, name: string, file: string): string {
  const m = new RegExp(`^\\s*${name}\\s*=\\s*"([^"$]*)"\\s*(#.*)?$`, 'm').exec(source);
  if (m === null) throw new Error(`${file}: expected a literal string attribute ${name} = "..."`);
  return m[1] as string;
}

export function platformOf(environmentHcl: string, globalRegionHcl: string): Platform {
  const env = (n: string) =>
    hclString(environmentHcl, n, 'infra/environments/prod/environment.hcl');
  return {
    primary_region: env('primary_region'),
    standby_region: env('standby_region'),
    global_region: hclString(
      globalRegionHcl,
      'aws_region',
      'infra/environments/prod/global/region.hcl',
    ),
    repository: env('repository'),
    ecr_repository: env('ecr_repository_name'),
    failover_ecr_repository: env('failover_ecr_repository_name'),
  };
}
