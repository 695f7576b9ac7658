# Shared by scripts/start and scripts/test (sourced, not run): make this machine ready for vcwatch.
# Works on a fresh Debian 12 whose system Python is "externally managed" (PEP 668): nothing is
# installed into it; uv comes into a small virtual environment of its own (.venv-tools/), and the
# project's environment (.venv/) is made from the committed lock file, uv.lock.

# The uv that reads and writes uv.lock; change it together with the lock's format.
UV_VERSION="0.13.9"
TOOLS=".venv-tools"

say() { printf '== %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq
        apt_updated=yes
    fi
    say "installing Debian packages: $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian packages that are missing, of those named.
missing_debian_packages() {
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            printf '%s\n' "$package"
        fi
    done
}

ensure_debian_packages() {
    local missing
    missing=$(missing_debian_packages "$@")
    if [ -n "$missing" ]; then
        # shellcheck disable=SC2086  # one word per package
        apt_install $missing
    fi
}

# uv, pinned, in .venv-tools/ (made with the system's python3; python3-venv when it lacks venv).
ensure_uv() {
    if [ -x "$TOOLS/bin/uv" ] && [ "$("$TOOLS/bin/uv" --version | cut -d' ' -f2)" = "$UV_VERSION" ]; then
        UV="$TOOLS/bin/uv"
        return
    fi
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
        ensure_debian_packages python3-venv
    fi
    say "installing uv $UV_VERSION into $TOOLS/"
    rm -rf "$TOOLS"
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
    UV="$TOOLS/bin/uv"
}

# .venv/ exactly as uv.lock says (made or refreshed; --frozen: the lock is used as committed and
# never rewritten). UV_PROJECT_ENVIRONMENT chooses another folder.
sync_environment() {
    ensure_uv
    # Never download a Python: use the machine's python3, named by its real path (a path that
    # only leads to it, such as pyenv's shim, would make uv build .venv/ anew every time).
    local interpreter
    interpreter=$(python3 -c 'import sys; print(sys.executable)')
    UV_PYTHON_DOWNLOADS=never "$UV" sync --frozen --python "$interpreter" "$@"
    PYTHON="${UV_PROJECT_ENVIRONMENT:-.venv}/bin/python"
}

ensure_postgres() {
    if ! command -v pg_ctlcluster >/dev/null; then
        apt_install postgresql
    fi
    if ! pg_isready -q -h 127.0.0.1 -p 5432; then
        local version
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        say "starting PostgreSQL $version"
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
        for _ in $(seq 30); do
            pg_isready -q -h 127.0.0.1 -p 5432 && break
            sleep 1
        done
    fi
}
