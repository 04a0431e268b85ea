"""The kiosk as the appliance runs it: an unprivileged user, `cage` on a headless wlroots backend.

What deploy/systemd/thairuamjai-kiosk.service does on a terminal, minus the hardware:

- the user: `deploy/kiosk-user.sh` makes the same system user install.sh makes (as root; a
  developer who is not root runs cage as themselves, which is what cage wants anyway);
- the Python: the worktree's `.venv` points at an interpreter under /root (pyenv) that no other
  user may read, and a checkout may sit under /root too. So the test stages a copy the user can
  read in a fresh 0755 directory under /var/tmp: a venv made from Debian's /usr/bin/python3
  (same minor version, so the same wheels) whose site-packages are *hard links* to the
  worktree's (no copy of half a gigabyte; a hard link carries the file's own 0644 mode), and a
  copy of the source packages first on PYTHONPATH (the editable install's finder would point
  back into the worktree). The appliance does the same with its own venv under /opt;
- XDG_RUNTIME_DIR: a directory of mode 0700 owned by the user, as systemd's RuntimeDirectory=;
- the compositor: `cage -d -s -- python -m kiosk --log-file ... run`, the unit's ExecStart, with
  WLR_BACKENDS=headless (one virtual output), WLR_RENDERER=pixman (no GPU),
  WLR_LIBINPUT_NO_DEVICES=1 (no touchscreen attached) and QT_QPA_PLATFORM=wayland; plus
  `-r -r` (see NO_DIRECT_SCANOUT for why);
- the screenshot: `grim` through the compositor's wlr-screencopy, i.e. exactly the pixels the
  output would scan out, as the same user (the socket lives in its 0700 runtime directory).

Missing tools skip the test with the reason, or fail it under CI (KIOSK_REQUIRE_COMPOSITOR=1,
set by .ci/run), the same rule as KIOSK_REQUIRE_PCSCD.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV_REQUIRE = "KIOSK_REQUIRE_COMPOSITOR"
USER = "kiosk"  # the unit's User=
SYSTEM_PYTHON = Path("/usr/bin/python3")
PACKAGES = ("kiosk", "ui", "printer", "sync", "central")
TOOLS = ("cage", "grim", "Xwayland")
#: Debian 12's cage (0.1.4) hands a full-screen client's buffer straight to the output ("direct
#: scan-out"; its check for a single surface never counts, so it always tries). A DRM output
#: refuses a shared-memory buffer and cage composites, as on the appliance; the headless output
#: takes it, and wlroots 0.15's screencopy then reads that frame as all black (seen: a QLabel
#: resized to the output is black, one at its own small size is drawn). cage scans out only when the
#: client's transform matches the output's, so the test turns the output by 180 degrees: the
#: mode stays 1280x720, cage composites every frame, and grim turns the picture upright again.
NO_DIRECT_SCANOUT = ("-r", "-r")


def unavailable(reason: str) -> None:
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"the compositor test must run here ({ENV_REQUIRE}=1): {reason}")
    pytest.skip(reason)


def check_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        unavailable(f"missing {', '.join(missing)} (apt-get install cage grim xwayland)")


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int

    def argv(self, *argv: str) -> list[str]:
        """Run argv as this user (runuser when we are root, as ourselves otherwise)."""
        if os.getuid() == self.uid:
            return list(argv)
        return ["runuser", "-u", self.name, "--", *argv]

    def own(self, path: Path, mode: int) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            os.chown(path, self.uid, self.gid)
        path.chmod(mode)
        return path


def kiosk_user() -> User:
    """The appliance's user, made by deploy/kiosk-user.sh when we are root."""
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid())
        return User(me.pw_name, me.pw_uid, me.pw_gid)
    done = subprocess.run(
        [str(ROOT / "deploy" / "kiosk-user.sh"), USER],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        unavailable(f"deploy/kiosk-user.sh failed: {done.stderr.strip()}")
    entry = pwd.getpwnam(USER)
    return User(USER, entry.pw_uid, entry.pw_gid)


@contextmanager
def staged_python() -> Iterator[tuple[Path, Path]]:
    """(python, source dir) that any user can run; removed afterwards."""
    if not SYSTEM_PYTHON.exists():
        unavailable(f"no {SYSTEM_PYTHON} (apt-get install python3 python3-venv)")
    version = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys; print(*sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if tuple(int(v) for v in version) != sys.version_info[:2]:
        unavailable(f"{SYSTEM_PYTHON} is {'.'.join(version)}, the venv's Python is not")
    stage = Path(tempfile.mkdtemp(prefix="kiosk-appliance-", dir="/var/tmp"))
    try:
        stage.chmod(0o755)
        venv = stage / "venv"
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True)
        ours = Path(sysconfig.get_paths()["purelib"])
        theirs = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
        theirs = theirs / "site-packages"
        # hard links where the file system allows (same device), a copy where not
        link = ["cp", "-al"] if os.stat(ours).st_dev == os.stat(stage).st_dev else ["cp", "-a"]
        subprocess.run([*link, f"{ours}/.", str(theirs)], check=True)
        src = stage / "src"
        src.mkdir()
        for package in PACKAGES:
            shutil.copytree(
                ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__")
            )
        subprocess.run(["chmod", "-R", "a+rX", str(stage)], check=True)
        yield venv / "bin" / "python", src
    finally:
        shutil.rmtree(stage, ignore_errors=True)


@dataclass
class Appliance:
    """cage running `kiosk run` as `user`, and the way to screenshot its output."""

    user: User
    proc: subprocess.Popen
    runtime: Path
    log_file: Path
    stderr_file: Path

    def log(self) -> str:
        parts = []
        for f in (self.log_file, self.stderr_file):
            if f.exists():
                parts.append(f.read_text(encoding="utf-8", errors="replace"))
        return "\n".join(parts)

    def display(self) -> str | None:
        sockets = sorted(p.name for p in self.runtime.glob("wayland-*") if p.suffix != ".lock")
        return sockets[0] if sockets else None

    def wait_for(self, text: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log()
            if text in log:
                return log
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"no {text!r} within {timeout} s (cage rc {self.proc.poll()}):\n{log}")

    def screenshot(self, path: Path) -> Path:
        display = self.display()
        assert display, f"cage made no Wayland socket in {self.runtime}:\n{self.log()}"
        shot = self.user.own(path.parent, 0o755) / path.name
        done = subprocess.run(
            self.user.argv(
                "env",
                f"XDG_RUNTIME_DIR={self.runtime}",
                f"WAYLAND_DISPLAY={display}",
                "grim",
                str(shot),
            ),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, f"grim failed: {done.stderr}\n{self.log()}"
        return shot


@contextmanager
def cage_kiosk(
    user: User, python: Path, src: Path, config: Path, home: Path, work: Path
) -> Iterator[Appliance]:
    """Start cage + `kiosk run` as the service does; SIGTERM (systemd's stop), then SIGKILL."""
    runtime = user.own(work / "run", 0o700)
    logs = user.own(work / "log", 0o700)
    log_file = logs / "kiosk.log"
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(src),
        "PYTHONDONTWRITEBYTECODE": "1",
        "KIOSK_CONFIG": str(config),
        "KIOSK_HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "QT_QPA_PLATFORM": "wayland",
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
    }
    argv = [
        "cage", "-d", "-s", *NO_DIRECT_SCANOUT, "--",
        str(python), "-m", "kiosk", "-v", "--log-file", str(log_file), "run",
    ]  # fmt: skip
    stderr_file = work / "cage.stderr"
    with stderr_file.open("w") as err:
        proc = subprocess.Popen(
            user.argv("env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv),
            stdin=subprocess.DEVNULL,
            stdout=err,
            stderr=err,
            start_new_session=True,
        )
    appliance = Appliance(user, proc, runtime, log_file, stderr_file)
    try:
        yield appliance
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
