"""The user's configuration: `config.toml` in the config directory (platformdirs), with named
profiles, environment overrides and `env:VAR` secret references.

Precedence, highest first: the command line, `BASKETBENCH_...` environment variables, the file,
built-in defaults. Every effective value remembers where it came from (`Setting.source`), so
`basketbench config show` can say so. Secrets given as `env:VAR` are resolved only when a
profile is opened, so `config show` works (and says "not set") without them.

The file is written with mode 0600 (it may hold secrets), by `init_config` and `save_setting`.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .paths import config_dir
from .redact import REDACTED, is_secret_name, redact_url

FILE_NAME = "config.toml"
KINDS = ("local", "bettercommerce", "nexudus")

# Field -> type, per profile kind. `headers` is a table of strings; `sandbox` is true, false
# or "auto" (probe the server once for the sandbox's extension routes).
COMMON_FIELDS: dict[str, type | tuple[type, ...]] = {
    "kind": str, "read_only": bool, "description": str}
KIND_FIELDS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "local": {"db": str, "seed_demo": bool},
    "bettercommerce": {"base_url": str, "auth_url": str, "client_id": str, "client_secret": str,
                       "token": str, "headers": dict, "timeout": (int, float), "retries": int,
                       "sandbox": (bool, str), "verify_tls": bool,
                       "follow_interval": (int, float)},
    "nexudus": {"base_url": str, "username": str, "password": str, "token": str,
                "business_id": int, "timeout": (int, float), "retries": int},
}
ALL_FIELDS = sorted({*COMMON_FIELDS, *(f for d in KIND_FIELDS.values() for f in d)},
                    key=len, reverse=True)
DEFAULTS: dict[str, dict[str, Any]] = {
    "local": {"read_only": False, "seed_demo": True},
    "bettercommerce": {"read_only": False, "timeout": 15.0, "retries": 2, "sandbox": "auto",
                       "verify_tls": True, "follow_interval": 0},
    "nexudus": {"read_only": False, "timeout": 15.0, "retries": 2},
}
# Environment variables with a meaning of their own, never read as profile overrides.
RESERVED_ENV = frozenset({"BASKETBENCH_PROFILE", "BASKETBENCH_DB", "BASKETBENCH_API",
                          "BASKETBENCH_CONFIG_DIR", "BASKETBENCH_DATA_DIR"})
ENV_REF = re.compile(r"^env:([A-Za-z_][A-Za-z0-9_]*)$")


class ConfigError(Exception):
    """A problem with the configuration; the message names the file, profile, field, value."""


@dataclass
class Setting:
    value: Any
    source: str  # "file /path/config.toml", "env BASKETBENCH_X", "default", "command line"
    ref: str | None = None  # "env:VAR" when the value is a reference to resolve


@dataclass
class Profile:
    name: str
    settings: dict[str, Setting] = field(default_factory=dict)
    headers: dict[str, Setting] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return self.settings["kind"].value

    @property
    def read_only(self) -> bool:
        return bool(self.get("read_only", False))

    def get(self, name: str, default: Any = None) -> Any:
        """The effective value, with an `env:VAR` reference resolved (ConfigError if unset)."""
        setting = self.settings.get(name)
        if setting is None:
            return default
        return self._resolve(name, setting)

    def header_values(self) -> dict[str, str]:
        return {k: str(self._resolve(f"headers.{k}", s)) for k, s in self.headers.items()}

    def _resolve(self, name: str, setting: Setting) -> Any:
        if setting.ref is None:
            return setting.value
        var = setting.ref[4:]
        value = os.environ.get(var)
        if value is None:
            raise ConfigError(f"profile {self.name!r}: {name} refers to {setting.ref}, "
                              f"but the environment variable {var} is not set")
        return value


@dataclass
class Config:
    path: Path
    exists: bool = False
    default_profile: Setting | None = None
    theme: Setting | None = None
    keys: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    api: Setting | None = None  # BASKETBENCH_API
    db: Setting | None = None  # BASKETBENCH_DB
    warnings: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def profile(self, name: str | None = None) -> Profile:
        """A named profile, or the default one; ConfigError naming the choices if unknown."""
        if name is None:
            if self.default_profile is None:
                raise ConfigError(f"no profile given and no default_profile in {self.path}")
            name = self.default_profile.value
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(f"profile {name!r} is not defined in {self.path} "
                              f"(profiles: {known})")
        return self.profiles[name]


def config_path() -> Path:
    return config_dir() / FILE_NAME


def _type_name(tp: type | tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "an integer", float: "a number",
             dict: "a table"}
    if isinstance(tp, tuple):
        return " or ".join(names.get(t, t.__name__) for t in tp)
    return names.get(tp, tp.__name__)


def _shown(name: str, value: Any) -> str:
    """A value as an error message may show it: secrets masked, credentials in URLs masked."""
    if is_secret_name(name):
        return REDACTED
    if isinstance(value, str) and "://" in value:
        return repr(redact_url(value))
    return repr(value)


def _check_type(where: str, name: str, value: Any, tp: type | tuple[type, ...]) -> Any:
    types = tp if isinstance(tp, tuple) else (tp,)
    # bool is an int: a flag is accepted only where bool is one of the types.
    ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
    if not ok:
        raise ConfigError(f"{where}: {name} = {_shown(name, value)} must be {_type_name(tp)}")
    return value


def _profile_from_table(name: str, table: Any, source: str) -> Profile:
    where = f"{source.removeprefix('file ')}: profile {name!r}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table ([profiles.{name}])")
    kind = table.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind = {kind!r} must be one of {', '.join(KINDS)}")
    allowed = {**COMMON_FIELDS, **KIND_FIELDS[kind]}
    profile = Profile(name)
    for key, value in DEFAULTS[kind].items():
        profile.settings[key] = Setting(value, "default")
    for key, value in table.items():
        if key not in allowed:
            raise ConfigError(f"{where}: unknown field {key!r} for kind {kind!r} "
                              f"(known: {', '.join(sorted(allowed))})")
        _check_type(where, key, value, allowed[key])
        if key == "headers":
            for hname, hvalue in value.items():
                _check_type(where, f"headers.{hname}", hvalue, str)
                profile.headers[hname] = _setting(hvalue, source)
            continue
        profile.settings[key] = _setting(value, source)
    _check_profile(where, profile)
    return profile


def _setting(value: Any, source: str) -> Setting:
    if isinstance(value, str):
        match = ENV_REF.match(value.strip())
        if match:
            return Setting(value.strip(), source, ref=value.strip())
    return Setting(value, source)


def _check_profile(where: str, profile: Profile) -> None:
    sandbox = profile.settings.get("sandbox")
    if sandbox is not None and isinstance(sandbox.value, str) and sandbox.value != "auto":
        raise ConfigError(f"{where}: sandbox = {sandbox.value!r} must be true, false or \"auto\"")
    for url_field in ("base_url", "auth_url"):
        s = profile.settings.get(url_field)
        if s is not None and s.ref is None and not str(s.value).startswith(
                ("http://", "https://")):
            raise ConfigError(f"{where}: {url_field} = {_shown(url_field, s.value)} must start "
                              "with http:// or https://")
    if profile.kind in ("bettercommerce", "nexudus") and "base_url" not in profile.settings:
        raise ConfigError(f"{where}: base_url is required for kind {profile.kind!r}")
    _check_limits(where, profile)


def _check_limits(where: str, profile: Profile) -> None:
    """timeout and retries within the bounds the transport accepts (profile_values.py)."""
    from .profile_values import retries_problem, timeout_problem

    for name, problem in (("timeout", timeout_problem), ("retries", retries_problem)):
        s = profile.settings.get(name)
        if s is not None and s.ref is None and (why := problem(s.value)) is not None:
            raise ConfigError(f"{where}: {name} = {s.value!r} {why} ({s.source})")
    s = profile.settings.get("follow_interval")
    if s is not None and s.ref is None and not (s.value == 0 or 1 <= s.value <= 3600):
        raise ConfigError(f"{where}: follow_interval = {s.value!r} must be 0 (off) or between "
                          f"1 and 3600 seconds ({s.source})")


def is_loopback_url(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def auth_url_problem(profile: Profile) -> str | None:
    """Why this BetterCommerce profile cannot get a token, or None.

    Real BetterCommerce issues tokens from a separate auth host, so a profile with client
    credentials must name it. A basketbench sandbox issues its own: `sandbox = true`, or a
    loopback base_url, says the profile points at one and auth_url defaults to base_url."""
    if profile.kind != "bettercommerce" or "auth_url" in profile.settings:
        return None
    if "client_id" not in profile.settings and "client_secret" not in profile.settings:
        return None  # a static token or no auth: no token request
    sandbox = profile.settings.get("sandbox")
    base = profile.settings.get("base_url")
    if (sandbox is not None and sandbox.value is True) or (
            base is not None and base.ref is None and is_loopback_url(str(base.value))):
        return None
    return (f"profile {profile.name!r}: auth_url is required with client credentials: "
            "BetterCommerce issues tokens from its own auth host (e.g. auth_url = "
            "\"https://auth.example.com\"); set sandbox = true if base_url is a basketbench "
            "sandbox")


def env_key(name: str) -> str:
    """The environment spelling of a profile name: `my-staging` -> `MY_STAGING`."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def _coerce_env(where: str, name: str, text: str, tp: type | tuple[type, ...]) -> Any:
    types = tp if isinstance(tp, tuple) else (tp,)
    lowered = text.strip().lower()
    if bool in types and lowered in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return lowered in ("1", "true", "yes", "on")
    if int in types and re.fullmatch(r"-?\d+", text.strip()):
        return int(text)
    if float in types:
        try:
            return float(text)
        except ValueError:
            pass
    if str in types:
        return text
    raise ConfigError(f"{where}: {name} = {_shown(name, text)} must be {_type_name(tp)}")


def _apply_env(config: Config, env: Mapping[str, str]) -> None:
    by_key = {env_key(n): p for n, p in config.profiles.items()}
    pending: list[tuple[str, str, str]] = []
    for var in sorted(env):
        if not var.startswith("BASKETBENCH_") or var in RESERVED_ENV:
            continue
        rest = var[len("BASKETBENCH_"):]
        parsed = _split_env(rest)
        if parsed is None:
            continue
        pending.append((var, parsed[0], parsed[1]))
    # Profiles defined only in the environment: BASKETBENCH_<NAME>_KIND creates them.
    for var, pkey, fname in pending:
        if fname == "kind" and pkey not in by_key:
            kind = env[var].strip()
            if kind not in KINDS:
                raise ConfigError(f"{var} = {kind!r} must be one of {', '.join(KINDS)}")
            name = pkey.lower()
            profile = Profile(name)
            for key, value in DEFAULTS[kind].items():
                profile.settings[key] = Setting(value, "default")
            profile.settings["kind"] = Setting(kind, f"env {var}")
            config.profiles[name] = profile
            by_key[pkey] = profile
    for var, pkey, fname in pending:
        if pkey not in by_key:
            continue
        profile = by_key[pkey]
        text = env[var]
        where = f"environment {var}"
        if fname.startswith("headers_"):
            header = fname[len("headers_"):]
            from .profile_values import canonical_header

            existing = {k.lower().replace("-", "").replace("_", ""): k for k in profile.headers}
            known = canonical_header(header)
            hname = existing.get(header.replace("_", ""),
                                 known if known != header else header.replace("_", "-"))
            profile.headers[hname] = _setting(text, f"env {var}")
            continue
        if fname == "kind":
            if text.strip() != profile.kind:
                raise ConfigError(f"{where}: cannot change the kind of profile "
                                  f"{profile.name!r} ({profile.kind}) to {text.strip()!r}")
            continue
        allowed = {**COMMON_FIELDS, **KIND_FIELDS[profile.kind]}
        if fname not in allowed or fname == "headers":
            raise ConfigError(f"{where}: {fname!r} is not a field of {profile.kind} profile "
                              f"{profile.name!r} (known: {', '.join(sorted(allowed))})")
        value = _coerce_env(where, fname, text, allowed[fname])
        profile.settings[fname] = _setting(value, f"env {var}")
    for profile in config.profiles.values():
        _check_profile(f"profile {profile.name!r}", profile)


def _split_env(rest: str) -> tuple[str, str] | None:
    """`STAGING_CLIENT_SECRET` -> ("STAGING", "client_secret"); headers as `..._HEADERS_X`."""
    if "_HEADERS_" in rest:
        pkey, _, header = rest.partition("_HEADERS_")
        return (pkey, "headers_" + header.lower()) if pkey and header else None
    for fname in ALL_FIELDS:
        suffix = "_" + fname.upper()
        if rest.endswith(suffix) and len(rest) > len(suffix):
            return rest[: -len(suffix)], fname
    return None


def load_config(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the file (if any), then apply environment overrides."""
    env = os.environ if env is None else env
    path = Path(path) if path else config_path()
    config = Config(path=path)
    source = f"file {path}"
    if path.exists():
        config.exists = True
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
        config.raw = data
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            config.warnings.append(f"{path} is readable by other users (mode {mode:04o}); "
                                   f"run: chmod 600 {path}")
        known_top = {"default_profile", "theme", "profiles", "keys"}
        for key in data:
            if key not in known_top:
                raise ConfigError(f"{path}: unknown top-level key {key!r} "
                                  f"(known: {', '.join(sorted(known_top))})")
        if "default_profile" in data:
            config.default_profile = Setting(
                _check_type(str(path), "default_profile", data["default_profile"], str), source)
        if "theme" in data:
            config.theme = Setting(_check_type(str(path), "theme", data["theme"], str), source)
        keys = data.get("keys", {})
        config.keys = dict(_check_type(str(path), "keys", keys, dict))
        profiles = _check_type(str(path), "profiles", data.get("profiles", {}), dict)
        for name, table in profiles.items():
            config.profiles[name] = _profile_from_table(name, table, source)
    _apply_env(config, env)
    if env.get("BASKETBENCH_PROFILE"):
        config.default_profile = Setting(env["BASKETBENCH_PROFILE"], "env BASKETBENCH_PROFILE")
    if env.get("BASKETBENCH_API"):
        config.api = Setting(env["BASKETBENCH_API"], "env BASKETBENCH_API")
    if env.get("BASKETBENCH_DB"):
        config.db = Setting(env["BASKETBENCH_DB"], "env BASKETBENCH_DB")
    if env.get("BASKETBENCH_STORE"):  # a file or a postgresql:// URL; wins over _DB
        config.db = Setting(env["BASKETBENCH_STORE"], "env BASKETBENCH_STORE")
    for profile in config.profiles.values():
        # Refused when the profile is opened (backend_for_profile); a warning here, so one
        # incomplete profile does not stop the others from loading.
        if (problem := auth_url_problem(profile)) is not None:
            config.warnings.append(problem)
    if config.default_profile is not None and config.default_profile.value not in config.profiles:
        raise ConfigError(f"default_profile = {config.default_profile.value!r} "
                          f"({config.default_profile.source}) is not a defined profile "
                          f"(profiles: {', '.join(sorted(config.profiles)) or 'none'})")
    return config


# -- writing ------------------------------------------------------------------------------------

STARTER = """\
# basketbench configuration: profiles, theme and key bindings (see docs/backends.md).
# This file may hold secrets: keep it private (mode 0600). Prefer env:VAR references,
# e.g. client_secret = "env:BC_STAGING_SECRET", so the secret itself is not stored here.

default_profile = "local"
# theme = "basketbench-dark"

[profiles.local]
kind = "local"
# db = "~/.local/share/basketbench/basketbench.db"   # default: the user data directory

# [profiles.staging]
# kind = "bettercommerce"
# base_url = "https://api.example.com"
# auth_url = "https://auth.example.com"      # required: tokens come from the auth host
# client_id = "my-client"
# client_secret = "env:BC_STAGING_SECRET"
# read_only = true
# sandbox = "auto"                            # true: a basketbench sandbox | false | "auto"
# timeout = 15                                # seconds for a whole operation, retries included
# follow_interval = 0                         # s between reads of a followed basket (0: off)
# [profiles.staging.headers]
# Currency = "GBP"
# Country = "GB"
# Language = "en-GB"

# [profiles.nexudus]
# kind = "nexudus"
# base_url = "https://spaces.nexudus.com"
# username = "admin@example.com"
# password = "env:NEXUDUS_PASSWORD"
# business_id = 123

[keys]
"""


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` with mode 0600 from the first byte (no window where it is
    readable by others), replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def init_config(path: str | Path | None = None, *, force: bool = False) -> Path:
    path = Path(path) if path else config_path()
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists (use --force to overwrite it)")
    write_private(path, STARTER)
    return path


_TOP_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def save_setting(key: str, value: Any, path: str | Path | None = None) -> Path:
    """Set one top-level setting (e.g. `theme`), keeping the rest of the file and its comments;
    the file ends up with mode 0600."""
    import tomli_w

    if key in ("profiles", "keys") or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        raise ConfigError(f"save_setting: {key!r} is not a top-level setting")
    path = Path(path) if path else config_path()
    line = tomli_w.dumps({key: value}).strip()
    text = path.read_text("utf-8") if path.exists() else ""
    try:
        existing = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); not changing it") from None
    if isinstance(existing.get(key), dict):
        raise ConfigError(f"{path}: {key} is a table; not replacing it with a value")
    lines = text.splitlines()
    first_table = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("[")),
                       len(lines))
    for i in range(first_table):
        m = _TOP_KEY.match(lines[i])
        if m and m.group(1) == key:
            lines[i] = line
            break
    else:
        lines.insert(first_table, line)
    new = "\n".join(lines) + "\n"
    tomllib.loads(new)  # never write a file we could not read back
    write_private(path, new)
    return path


# -- showing ------------------------------------------------------------------------------------

def display_value(name: str, setting: Setting) -> str:
    """A value for `config show`: secrets masked, references shown by name (never resolved)."""
    secret = is_secret_name(name.rsplit(".", 1)[-1])
    if setting.ref is not None:
        var = setting.ref[4:]
        if var not in os.environ:
            return f"({setting.ref}: NOT SET)"
        shown = REDACTED if secret else _shown(name, os.environ[var])
        return f"{shown} (from {setting.ref})"
    if secret and setting.value not in (None, ""):
        return REDACTED
    if isinstance(setting.value, str):
        return _shown(name, setting.value)
    return str(setting.value).lower() if isinstance(setting.value, bool) else str(setting.value)


def describe(config: Config) -> list[tuple[str, str, str]]:
    """(name, shown value, source) rows for `config show`, secrets redacted."""
    rows: list[tuple[str, str, str]] = [
        ("config file", str(config.path), "exists" if config.exists else "not created yet")]
    top = [("default_profile", config.default_profile), ("theme", config.theme),
           ("api (BASKETBENCH_API)", config.api), ("db (BASKETBENCH_DB)", config.db)]
    for name, setting in top:
        if setting is not None:
            rows.append((name, display_value(name, setting), setting.source))
    if config.keys:
        rows.append(("keys", f"{len(config.keys)} binding(s) remapped", f"file {config.path}"))
    for pname, profile in sorted(config.profiles.items()):
        order = ["kind", "description", *KIND_FIELDS[profile.kind], "read_only"]
        settings = dict(profile.settings)
        if profile.kind == "local" and "db" not in settings:
            from .paths import default_db

            settings["db"] = Setting(str(default_db()), "default")
        for fname in sorted(settings, key=lambda f: order.index(f) if f in order else 99):
            setting = settings[fname]
            rows.append((f"profiles.{pname}.{fname}", display_value(fname, setting),
                         setting.source))
        for hname, setting in profile.headers.items():
            rows.append((f"profiles.{pname}.headers.{hname}", display_value(hname, setting),
                         setting.source))
    return rows
