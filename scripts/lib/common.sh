# Sourced by scripts/test.sh and the load scripts: messages, installing what is missing
# with apt (as root on Debian), and PostgreSQL with PostGIS running on 127.0.0.1:5432.
#   GRIDLINK_PG_ADMIN_URL  a superuser URL ending in /DBNAME (default: as root, the postgres
#                          user over the Unix socket; otherwise postgres://postgres@127.0.0.1:5432/postgres)

admin_url="${GRIDLINK_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
pg_major=15
say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

apt_updated=0
apt_install() { # PACKAGE...
    command -v apt-get >/dev/null || fail "$* missing and apt-get unavailable; install it by hand"
    if [ "$apt_updated" = 0 ]; then
        say "apt-get update"
        apt-get update -q
        apt_updated=1
    fi
    say "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# Installs the Debian packages of the same names as the commands that are missing.
install_commands() { # COMMAND...
    local missing=() command
    for command in "$@"; do
        command -v "$command" >/dev/null || missing+=("$command")
    done
    [ "${#missing[@]}" = 0 ] || apt_install "${missing[@]}"
}

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

# Administration runs as the postgres superuser over the Unix socket when we are root and
# no admin URL is given: a fresh Debian cluster trusts only that, and asks for a password
# on TCP. Tests and services then log in over TCP as a role of their own, with a password.
psql_admin() { # DATABASE psql-arguments...
    local db="$1"; shift
    if [ -z "${GRIDLINK_PG_ADMIN_URL:-}" ] && [ "$(id -u)" = 0 ] && command -v runuser >/dev/null; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -At -d "$db" "$@"
    else
        psql "${admin_url%/*}/$db" -X -q -v ON_ERROR_STOP=1 -At "$@"
    fi
}

# PostgreSQL accepting connections on 127.0.0.1:5432, with PostGIS available: installed
# and started when missing.
ensure_postgis() {
    if ! pg_ready; then
        if ! compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; then
            apt_install "postgresql-$pg_major"
        fi
        if command -v pg_ctlcluster >/dev/null; then
            say "starting PostgreSQL cluster $pg_major/main"
            pg_ctlcluster "$pg_major" main start || true
        fi
        for _ in $(seq 1 30); do
            pg_ready && break
            sleep 1
        done
        pg_ready || fail "PostgreSQL is not accepting connections on 127.0.0.1:5432"
    fi
    if [ -z "$(psql_admin postgres -c "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")" ]; then
        apt_install "postgresql-$pg_major-postgis-3"
    fi
}

# A new database DB with PostGIS, owned by ROLE (made if missing, its password its name);
# prints the URL to log in to it.
create_postgis_database() { # ROLE DB
    local role="$1" db="$2"
    psql_admin postgres -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
            CREATE ROLE $role LOGIN PASSWORD '$role';
        END IF; END \$\$"
    say "creating database $db with PostGIS"
    psql_admin postgres -c "CREATE DATABASE $db OWNER $role"
    psql_admin "$db" -c "CREATE EXTENSION postgis"
    printf 'postgres://%s:%s@127.0.0.1:5432/%s\n' "$role" "$role" "$db"
}
