#!/usr/bin/env bash
# The unprivileged user the kiosk runs as (no login shell, no home worth having), in the groups
# that reach the display, input devices, the printer and serial ports. Idempotent; run as root.
# Used by install.sh on the appliance and by the compositor test (tests/deploy) on CI, so the
# test runs the kiosk as the same kind of user the appliance does.
#
#   deploy/kiosk-user.sh [NAME]      (default: kiosk)
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "kiosk-user: run as root" >&2; exit 1; }
NAME="${1:-kiosk}"
id "$NAME" >/dev/null 2>&1 || useradd --system --create-home --home-dir "/var/lib/$NAME-user" \
  --shell /usr/sbin/nologin "$NAME"
# a group that does not exist on this machine (render on a headless box) is skipped, not fatal
for group in video input render lp dialout; do
  getent group "$group" >/dev/null && usermod -a -G "$group" "$NAME"
done
exit 0
