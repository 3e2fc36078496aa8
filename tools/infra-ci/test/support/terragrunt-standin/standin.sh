#!/bin/sh
# Stand-in for `terragrunt` and `terraform` in tests (the real binaries need a cloud). POSIX sh, so
# a call costs milliseconds, not a Node start-up. Called as `standin.sh <terragrunt|terraform> ARGS`
# by the `terragrunt`/`terraform` shims that tests put first on PATH.
#
# Log: every call appends {"tool","cwd","args","token"} to $STANDIN_LOG when it starts and
#      {"tool","cwd","args","end":true,"code"} when it ends (one JSON line each).
# Scenario: $STANDIN_SCENARIO is a folder written by index.ts (Standin.scenario):
#   terraform_version, terragrunt_version     (defaults 1.9.8 / 0.83.2)
#   units/<n>/key                             suffix of the unit folder, e.g. eu-central-1/vpc
#   units/<n>/resources, destroy_resources    resource_changes entries (JSON, comma-joined) for
#                                             plan / plan -destroy (default: null_resource.<dir>)
#   default_resources                         resources of a unit without its own (e.g. empty: in sync)
#   units/<n>/outputs                         output_changes members (JSON, comma-joined), plan only
#   plan_delay                                seconds every plan sleeps (bench: a plan takes time)
#   units/<n>/plan_exit                       exit code of a successful plan, whatever it holds
#                                             (models terragrunt versions that lose exit code 2)
# `plan -detailed-exitcode` exits 2 when resources or outputs are non-empty, else 0 (terraform's
# meaning); every other call exits 0 on success.
#   units/<n>/fail                            ops that fail: plan show apply bootstrap delete
#   units/<n>/stderr                          one line every call prints to stderr (a Terragrunt log line)
#   units/<n>/block_on + block_until          wait (<= 10 s) until that file exists
#   units/<n>/touch_on + touch_path           create that file when the op starts
# A plan file is the JSON `show -json` prints, plus the sha256 of the unit's terragrunt.hcl, so a
# changed config gives a different plan file.
tool=$1
shift
CWD=$(pwd)
S=${STANDIN_SCENARIO:-}

esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
ARGS=''
for a in "$@"; do
  case $a in *[\\\"]*) a=$(esc "$a") ;; esac
  ARGS="$ARGS${ARGS:+,}\"$a\""
done
case $CWD in *[\\\"]*) JCWD=$(esc "$CWD") ;; *) JCWD=$CWD ;; esac
log() {
  if [ -n "${STANDIN_LOG:-}" ]; then
    # token: whether a GitHub token reached this child (it must not).
    tok=false
    [ -n "${GITHUB_TOKEN:-}${GH_TOKEN:-}" ] && tok=true
    printf '{"tool":"%s","cwd":"%s","args":[%s],"token":%s%s}\n' "$tool" "$JCWD" "$ARGS" "$tok" "$1" >>"$STANDIN_LOG"
  fi
}
finish() {
  log ",\"end\":true,\"code\":$1"
  exit "$1"
}
# rd FILE: first line of a scenario file into $v ('' when absent).
rd() {
  v=''
  if [ -f "$1" ]; then IFS= read -r v <"$1" || true; fi
}

U=''
best=0
if [ -n "$S" ] && [ -d "$S/units" ]; then
  for d in "$S"/units/*; do
    [ -f "$d/key" ] || continue
    rd "$d/key"
    case $CWD in
    "$v" | */"$v") if [ ${#v} -gt $best ]; then U=$d && best=${#v}; fi ;;
    esac
  done
fi

log ''

if [ "$tool" = terraform ]; then
  if [ "${1:-}" = version ] && [ "${2:-}" = -json ]; then
    rd "$S/terraform_version"
    printf '{"terraform_version":"%s","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}\n' "${v:-1.9.8}"
    finish 0
  fi
  echo "stand-in: unsupported terraform $*" >&2
  finish 1
fi

case ${1:-} in
--version)
  rd "$S/terragrunt_version"
  echo "terragrunt version v${v:-0.83.2}"
  finish 0
  ;;
backend) op=${2:-} ;;
*) op=${1:-} ;;
esac

if [ -n "$U" ]; then
  rd "$U/touch_on"
  if [ "$v" = "$op" ]; then
    rd "$U/touch_path"
    : >"$v"
  fi
  rd "$U/block_on"
  if [ "$v" = "$op" ]; then
    rd "$U/block_until"
    i=0
    while [ ! -e "$v" ]; do
      i=$((i + 1))
      if [ $i -gt 500 ]; then
        echo "stand-in: $op waited 10 s for $v" >&2
        finish 1
      fi
      sleep 0.02
    done
  fi
  rd "$U/stderr"
  if [ -n "$v" ]; then printf '%s\n' "$v" >&2; fi
  rd "$U/fail"
  case " $v " in *" $op "*)
    echo "Error: stand-in $op failure for $CWD" >&2
    finish 1
    ;;
  esac
fi

# The plan file argument of show/apply: the last argument that is not a flag.
last=''
for a in "$@"; do
  case $a in -*) ;; *) last=$a ;; esac
done

case $op in
plan)
  out=''
  destroy=false
  for a in "$@"; do
    case $a in
    -out=*) out=${a#-out=} ;;
    -destroy) destroy=true ;;
    esac
  done
  case $out in /*) ;; *)
    echo 'stand-in: plan needs -out=<absolute path>' >&2
    finish 1
    ;;
  esac
  if [ ! -f terragrunt.hcl ]; then
    echo "Error: no terragrunt.hcl in $CWD" >&2
    finish 1
  fi
  if command -v sha256sum >/dev/null; then hash=$(sha256sum terragrunt.hcl); else hash=$(shasum -a 256 terragrunt.hcl); fi
  hash=${hash%% *}
  if $destroy; then rf=destroy_resources act=delete; else rf=resources act=create; fi
  detailed=false
  for a in "$@"; do [ "$a" = -detailed-exitcode ] && detailed=true; done
  rd "$S/plan_delay"
  [ -n "$v" ] && sleep "$v"
  outs=''
  if [ -n "$U" ] && [ -f "$U/outputs" ] && ! $destroy; then outs=$(cat "$U/outputs"); fi
  if [ -n "$U" ] && [ -f "$U/$rf" ]; then
    res=$(cat "$U/$rf")
  elif [ -f "$S/default_resources" ] && ! $destroy; then
    res=$(cat "$S/default_resources")
  else
    res="{\"address\":\"null_resource.${CWD##*/}\",\"mode\":\"managed\",\"change\":{\"actions\":[\"$act\"]}}"
  fi
  rc='{"address":"data.null_data_source.read","change":{"actions":["read"]}},{"address":"null_resource.unchanged","change":{"actions":["no-op"]}}'
  if [ -n "$res" ]; then rc="$rc,$res"; fi
  printf '{"format_version":"1.2","standin_config":"%s","destroy":%s,"resource_changes":[%s],"output_changes":{%s}}\n' "$hash" "$destroy" "$rc" "$outs" >"$out"
  echo "Plan: stand-in for $CWD"
  if [ -n "$U" ]; then
    rd "$U/plan_exit"
    [ -n "$v" ] && finish "$v"
  fi
  if $detailed && [ -n "$res$outs" ]; then finish 2; fi
  finish 0
  ;;
show)
  cat "$last" || finish 1
  finish 0
  ;;
apply)
  if [ ! -f "$last" ]; then
    echo "Error: Failed to load plan file $last" >&2
    finish 1
  fi
  echo 'Apply complete!'
  finish 0
  ;;
bootstrap | delete)
  echo "backend $op done"
  finish 0
  ;;
esac
echo "stand-in: unsupported terragrunt $*" >&2
finish 1
