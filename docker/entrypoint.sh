#!/usr/bin/env bash
# Starts JupyterLab in the Tabby image: a password is required, the token is off, and
# the server listens on all interfaces of the container (0.0.0.0:8888).
#
#   TABBY_PASSWORD       the password; hashed here with `tabby passwd --stdin`, then
#                        removed from the environment the server and kernels inherit
#   TABBY_PASSWORD_HASH  or a ready hash (`tabby passwd`, or jupyter_server's passwd())
#   TABBY_HOME           the volume for the user's notebooks and models (/home/tabby/work)
#   TABBY_MODELS         where models are saved ($TABBY_HOME/models)
#   TABBY_IP, TABBY_PORT where to listen (0.0.0.0, 8888)
#   TABBY_USE_TINI=1     start the server under tini even when not PID 1
# Arguments are passed on to `jupyter lab`. Never run with `set -x`: it would print
# the password.
set -euo pipefail

die() { echo "tabby-entrypoint: $*" >&2; exit 1; }

tabby="${TABBY_BIN:-tabby}"

# `docker run IMAGE serve --models ...` runs the model server instead of JupyterLab. It
# needs no password (use --token-file for a bearer token); in a container it listens on
# all interfaces unless --host is given.
if [ "${1-}" = "serve" ]; then
  shift
  case " $* " in *" --host "* | *" --host="*) exec "$tabby" serve "$@" ;; esac
  exec "$tabby" serve --host 0.0.0.0 "$@"
fi
home="${TABBY_HOME:-/home/tabby/work}"
export TABBY_MODELS="${TABBY_MODELS:-$home/models}"
shipped="${TABBY_SHIPPED:-/opt/tabby}"

# Taken out of the environment before anything is started, so that no process
# (tabby passwd included) inherits them; they stay only in this shell's variables.
password="${TABBY_PASSWORD-}" given="${TABBY_PASSWORD_HASH-}"
unset TABBY_PASSWORD TABBY_PASSWORD_HASH

hash_password() {
  if [ -n "$password" ] && [ -n "$given" ]; then
    die "set TABBY_PASSWORD or TABBY_PASSWORD_HASH, not both"
  elif [ -n "$given" ]; then
    # Any password will do: status 2 means the hash itself is malformed.
    local status=0
    printf '\n' | "$tabby" passwd --check "$given" --stdin 2>/dev/null || status=$?
    [ "$status" -ne 2 ] || die "TABBY_PASSWORD_HASH is not a Jupyter password hash (make one with: tabby passwd)"
    [ "$status" -le 1 ] || die "TABBY_PASSWORD_HASH could not be checked (tabby passwd exited $status)"
    printf '%s' "$given"
  elif [ -n "$password" ]; then
    case "$password" in *$'\n'*) die "TABBY_PASSWORD must be a single line" ;; esac
    # printf is a shell builtin: the password never appears in a process's arguments.
    printf '%s\n' "$password" | "$tabby" passwd --stdin || die "tabby passwd could not hash TABBY_PASSWORD"
  else
    die "refusing to start without a password: set TABBY_PASSWORD (or TABBY_PASSWORD_HASH, from: tabby passwd)"
  fi
}

hash="$(hash_password)"
password="" given=""
# The hash goes into a JSON config file; refuse anything that would need escaping
# (Jupyter's own hashes never do).
[[ "$hash" =~ ^[A-Za-z0-9\$=,+/:._-]+$ ]] || die "the password hash has unexpected characters"

# Seed the volume with the shipped notebooks and models, never overwriting the user's.
mkdir -p "$home" "$TABBY_MODELS"
if [ -d "$shipped/notebooks" ] && [ ! -e "$home/notebooks" ]; then
  cp -R "$shipped/notebooks" "$home/notebooks"
fi
if [ -d "$shipped/models" ]; then
  cp -R -n "$shipped/models/." "$TABBY_MODELS/"
fi

# Auth settings go in a private file rather than the command line, where any process
# could read the hash in /proc.
umask 077
config_dir="$(mktemp -d "${TMPDIR:-/tmp}/tabby-jupyter.XXXXXX")"
config="$config_dir/jupyter_server_config.json"
cat >"$config" <<JSON
{
  "IdentityProvider": {"token": ""},
  "PasswordIdentityProvider": {
    "hashed_password": "$hash",
    "password_required": true,
    "allow_password_change": false
  },
  "MultiKernelManager": {"default_kernel_name": "tabby"}
}
JSON
umask 022

# As PID 1 (the image's entrypoint) hand over to tini, which reaps the kernels'
# orphans and forwards signals. It starts only now, with the password gone: a PID 1
# started with it would keep it readable in /proc/1/environ for every kernel.
init=()
if [ "$$" -eq 1 ] || [ "${TABBY_USE_TINI:-0}" = 1 ]; then init=(tini --); fi
exec "${init[@]}" jupyter lab --config="$config" --ip="${TABBY_IP:-0.0.0.0}" \
  --port="${TABBY_PORT:-8888}" --no-browser --ServerApp.root_dir="$home" "$@"
