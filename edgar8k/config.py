"""Configuration in one place: CLI flags override `EDGAR8K_*` environment variables, which override a
TOML file (`./edgar8k.toml`, or the file named by `EDGAR8K_CONFIG`), which overrides the defaults."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from edgar8k.locations import LocationError, local_path

SEC_BASE_URL = "https://www.sec.gov"
SEC_MAX_RATE = 10.0  # requests/second, the SEC's fair-access ceiling for all of a user's traffic


class ConfigError(ValueError):
    """A setting that cannot work; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    source: str = SEC_BASE_URL
    user_agent: str | None = None
    out: str = "data/parquet"
    raw: str = "data/raw"
    rate: float = 9.0  # requests/second across every thread of the run
    workers: int = 4  # fetch threads
    forms: tuple[str, ...] = ("8-K", "8-K/A")
    retries: int = 5
    backoff_base: float = 0.5  # seconds; doubled per attempt, with jitter
    backoff_max: float = 30.0
    timeout: float = 30.0  # seconds for connect and for each read
    throttle_cooldown: float = 600.0  # seconds the whole run pauses after a throttle response
    max_response_bytes: int = 256 * 1024 * 1024
    request_deadline: float = 600.0  # seconds a single response may take in total (stalled trickles)
    relist_days: int = 3  # business days the nightly job lists again for late index entries
    batch_filings: int = 5000  # filings processed per write batch
    sources_of_values: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def is_sec(self) -> bool:
        return self.source.rstrip("/").lower() in ("https://www.sec.gov", "http://www.sec.gov", "https://sec.gov")

    @property
    def is_local(self) -> bool:
        return not re.match(r"^https?://", self.source)

    def validate(self) -> "Settings":
        """Fail before any request with a message that says what to do."""
        if self.is_sec:
            if not self.user_agent or not re.search(r"\S+@\S+\.\S+", self.user_agent):
                raise ConfigError(
                    "sec.gov requires a User-Agent with a name and an e-mail address: set "
                    "EDGAR8K_USER_AGENT='Your Name you@example.com' or pass --user-agent")
            if self.rate > SEC_MAX_RATE:
                raise ConfigError(f"rate {self.rate}/s is above the SEC's fair-access limit of "
                                  f"{SEC_MAX_RATE:g}/s; use --rate 9 or less")
        elif self.is_local:
            try:
                local = local_path(self.source)
            except LocationError as e:
                raise ConfigError(f"source {e}") from None
            if local is None or not Path(local).is_dir():
                raise ConfigError(f"source {self.source!r} is neither an http(s) URL nor an existing "
                                  "mirror directory; pass --source https://www.sec.gov, a server URL, or a folder")
        for name in ("out", "raw"):
            try:
                local_path(getattr(self, name))
            except LocationError as e:
                raise ConfigError(f"{name} {e}") from None
        if self.rate <= 0:
            raise ConfigError(f"rate must be positive, got {self.rate}")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        return self


_ENV_PREFIX = "EDGAR8K_"


def _kind(name: str) -> str:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    return {"float": "number", "int": "whole number"}.get(kind, kind)


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    if isinstance(value, str):
        if kind == "float":
            return float(value)
        if kind == "int":
            return int(value)
        if kind.startswith("tuple"):
            return tuple(v.strip() for v in value.split(",") if v.strip())
    if kind.startswith("tuple") and isinstance(value, list):
        return tuple(value)
    return value


def load_settings(overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None,
                  config_file: str | Path | None = None) -> Settings:
    """Merge defaults < TOML file < environment < overrides (None values in overrides are ignored)."""
    env = os.environ if env is None else env
    names = {f.name for f in fields(Settings)} - {"sources_of_values"}
    values: dict[str, Any] = {}
    origin: dict[str, str] = {n: "default" for n in names}
    path = Path(config_file or env.get("EDGAR8K_CONFIG") or "edgar8k.toml")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path}: not valid TOML ({e})") from e
        data = data.get("edgar8k", data)
        for k, v in data.items():
            k = k.replace("-", "_")
            if k not in names:
                raise ConfigError(f"{path}: unknown setting {k!r}; known: {', '.join(sorted(names))}")
            values[k] = v
            origin[k] = str(path)
    for n in names:
        v = env.get(_ENV_PREFIX + n.upper())
        if v not in (None, ""):
            values[n] = v
            origin[n] = _ENV_PREFIX + n.upper()
    for k, v in (overrides or {}).items():
        if v is not None and k in names:
            values[k] = v
            origin[k] = "command line"
    coerced = {}
    for k, v in values.items():
        try:
            coerced[k] = _coerce(k, v)
        except ValueError:
            raise ConfigError(f"setting {k} = {v!r} (from {origin[k]}) is not a valid "
                              f"{_kind(k)}; fix it there") from None
    return dataclasses.replace(Settings(**coerced), sources_of_values=origin)
