#!/usr/bin/env bash
# Install the kiosk as an appliance on a fresh Debian 12 terminal (run as root).
#
#   deploy/install.sh            from a checkout of this repository
#
# Idempotent: running it again updates the application and keeps config, token and journal.
# After it: kiosk provision (docs/deploy.md, step 3), then reboot.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "install: run as root (sudo deploy/install.sh)" >&2; exit 1; }
SRC="$(cd "$(dirname "$0")/.." && pwd)"
APP=/opt/thairuamjai-kiosk

# 1. system packages: the card service, the kiosk compositor, what Qt and Pillow need
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-dev gcc swig libpcsclite-dev pcscd pcsc-tools libccid \
  cage xwayland libfribidi0 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
  libwayland-client0 libwayland-cursor0 libwayland-egl1 libusb-1.0-0 logrotate rsync

# 2. the unprivileged kiosk user (no login shell, no home worth having)
"$SRC/deploy/kiosk-user.sh" kiosk

# 3. the application and its Python environment
mkdir -p "$APP"
rsync -a --delete --exclude .venv --exclude .git "$SRC/" "$APP/"
[ -x "$APP/.venv/bin/python" ] || python3 -m venv "$APP/.venv"
"$APP/.venv/bin/pip" install -q --upgrade pip
"$APP/.venv/bin/pip" install -q "$APP"
ln -sf "$APP/.venv/bin/kiosk" /usr/local/bin/kiosk

# 4. config directory (the token is written by kiosk provision, mode 0600, owned by kiosk)
install -d -m 0750 -o root -g kiosk /etc/thairuamjai-kiosk
install -d -m 0700 -o kiosk -g kiosk /var/lib/thairuamjai-kiosk /var/log/thairuamjai-kiosk

# 5. service, udev rule for receipt printers, log rotation, journald limits
install -m 0644 "$SRC/deploy/systemd/thairuamjai-kiosk.service" /etc/systemd/system/
install -m 0644 "$SRC/deploy/udev/60-thairuamjai-receipt-printers.rules" /etc/udev/rules.d/
install -m 0644 "$SRC/deploy/logrotate/thairuamjai-kiosk" /etc/logrotate.d/
install -d /etc/systemd/journald.conf.d
install -m 0644 "$SRC/deploy/journald/thairuamjai-kiosk.conf" /etc/systemd/journald.conf.d/
udevadm control --reload 2>/dev/null || true
systemctl daemon-reload
systemctl enable --now pcscd.socket
systemctl set-default graphical.target
systemctl enable thairuamjai-kiosk.service
echo "installed. Next: kiosk provision ... --owner kiosk (docs/deploy.md), then reboot."
