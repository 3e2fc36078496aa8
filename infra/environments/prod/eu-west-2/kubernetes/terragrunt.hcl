include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/kubernetes.hcl"
  expose = true
}

# Everything this unit needs (dependencies, inputs, region sizing from ../region.hcl) comes through
# the common include; region-specific overrides would go in an inputs block here.

# Not drift-checked (`infra-ci drift`, tools/infra-ci/docs/drift.md): the plan role cannot read the
# Secrets Helm keeps its releases in, so under that role a refreshing plan fails, and the PR flow's
# plan without refresh (_common/kubernetes.hcl) compares config with state only: it would hide
# every live change.
locals {
  infra_ci_drift = {
    skip   = true
    reason = "the plan role cannot read Helm's release Secrets; a plan without refresh would hide drift"
  }
}
