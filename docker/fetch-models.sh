#!/usr/bin/env bash
# Downloads pretrained models into DIR at image build time (the Dockerfile's
# TABBY_PRETRAINED argument), each checked against the SHA-256 recorded for it in
# models.sha256 next to this script. A model without a recorded checksum is refused:
# nothing unverified goes into the image.
#
# Usage: fetch-models.sh DIR NAME...
# models.sha256 lines: NAME SHA256 URL   (file name in DIR: the URL's last component)
# TABBY_MODELS_LOCK overrides the list (for tests).
# The list mirrors `tabby predict`'s built-in zoo (test_deploy.py checks they agree);
# the files land under the zoo's file names, so `tabby predict --model NAME` finds them
# in $TABBY_MODELS without downloading.
set -euo pipefail
lock="${TABBY_MODELS_LOCK:-$(cd "$(dirname "$0")" && pwd)/models.sha256}"

[ $# -ge 1 ] || { echo "usage: fetch-models.sh DIR NAME..." >&2; exit 64; }
dir="$1"; shift
[ $# -ge 1 ] || { echo "fetch-models.sh: no model names given" >&2; exit 64; }
mkdir -p "$dir"

for name in "$@"; do
  entry="$(awk -v n="$name" '$1 == n && $0 !~ /^#/ { print $2, $3; exit }' "$lock")"
  if [ -z "$entry" ]; then
    echo "fetch-models.sh: no checksum is known for model '$name'; add 'NAME SHA256 URL' to $lock" >&2
    exit 1
  fi
  read -r sha url <<<"$entry"
  [[ "$sha" =~ ^[0-9a-f]{64}$ ]] || { echo "fetch-models.sh: bad SHA-256 for '$name' in $lock" >&2; exit 1; }
  target="$dir/${url##*/}"
  echo "fetch-models.sh: downloading $name from $url" >&2
  curl --fail --silent --show-error --location --proto '=https,file' --retry 3 -o "$target.part" "$url"
  if ! echo "$sha  $target.part" | sha256sum --check --status; then
    rm -f "$target.part"
    echo "fetch-models.sh: checksum mismatch for '$name' from $url (expected $sha)" >&2
    exit 1
  fi
  mv "$target.part" "$target"
done
