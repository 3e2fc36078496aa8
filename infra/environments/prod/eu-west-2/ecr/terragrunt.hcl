include "root" {
  path = find_in_parent_folders("root.hcl")
}

include "common" {
  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_common/ecr.hcl"
  expose = true
}

# Replication target: the repository is created here (same settings as the primary's) before the
# primary's replication rule delivers images into it. No replication rule of its own (the common
# include's default).
