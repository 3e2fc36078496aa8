include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/kubernetes.hcl"
  expose = true
}

# Everything this unit needs (dependencies, inputs, region sizing from ../region.hcl) comes through
# the common include; region-specific overrides would go in an inputs block here.
