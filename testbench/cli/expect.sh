#!/usr/bin/env bash
# expect.sh EXIT_CODE REGEX -- COMMAND...
# Runs COMMAND and passes when it exits with EXIT_CODE and its combined stdout+stderr matches the
# extended REGEX (an empty REGEX matches anything).
set -u
want="$1"; regex="$2"; shift 2
[ "$1" = "--" ] && shift
out=$("$@" 2>&1); got=$?
status=0
if [ "$got" != "$want" ]; then
  echo "FAIL: exit status $got, expected $want"; status=1
fi
if [ -n "$regex" ] && ! grep -Eq -- "$regex" <<<"$out"; then
  echo "FAIL: output does not match /$regex/"; status=1
fi
if [ $status -ne 0 ]; then
  echo "command: $*"; echo "--- output ---"; echo "$out"
fi
exit $status
