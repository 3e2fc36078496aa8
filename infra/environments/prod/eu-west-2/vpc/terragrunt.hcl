include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/vpc.hcl"
  expose = true
}

# Region-specific values (CIDR, AZs) come from ../region.hcl through the common include.
