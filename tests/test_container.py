"""The Dockerfile and compose file agree with the Makefile and the settings (no engine runs here, so
the image itself cannot be built in tests: these are the facts a build depends on)."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

from bot.settings import Settings
from bot.webserver import HttpSettings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = (ROOT / "compose.yaml").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def instructions(name: str) -> list[str]:
    """The Dockerfile's instructions ``name``, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(name + " ")]


def make_recipe(target: str) -> list[str]:
    lines = MAKEFILE.split(f"\n{target}:", 1)[1].splitlines()[1:]
    return [
        line.strip() for line in lines[: next(i for i, text in enumerate(lines) if not text.startswith("\t"))]
    ]


def test_the_image_installs_with_the_makefiles_pip_commands_minus_the_dev_tools() -> None:
    make = [
        line.replace("$(BIN)/python", "python") for line in make_recipe("$(STAMP)") if "pip install" in line
    ]
    run = " ".join(instructions("RUN"))
    assert make[0] in run  # pip upgraded the same way
    assert make[1].replace(" -e '.[dev]'", "") in run and "--no-cache-dir ." in run


def test_the_image_starts_as_make_run_does_and_copies_every_package() -> None:
    assert make_recipe("run") == ["$(BIN)/videobot run"]
    assert instructions("CMD") == ['["videobot", "run"]']
    packages = {name.rstrip("*") for name in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = {shlex.split(line)[0] for line in instructions("COPY")}
    assert packages <= copied and {"pyproject.toml", PYPROJECT["project"]["readme"]} <= set(
        " ".join(instructions("COPY")).split()
    )


def test_the_python_base_matches_the_project() -> None:
    [base] = instructions("FROM")
    version = re.fullmatch(r"python:(\d+\.\d+)-slim", base)
    assert version is not None and PYPROJECT["project"]["requires-python"] == f">={version.group(1)}"


def test_a_non_root_user_a_data_volume_and_a_healthcheck_on_healthz() -> None:
    assert instructions("USER") == ["videobot"]
    [env] = instructions("ENV")
    settings = dict(re.findall(r"(\w+)=(\S+)", env))
    assert instructions("VOLUME") == [f'["{settings["VIDEOBOT_DATA_DIR"]}"]']
    port = settings["VIDEOBOT_HTTP_PORT"]
    assert instructions("EXPOSE") == [port] and str(HttpSettings.model_fields["port"].default) == port
    assert f"http://127.0.0.1:{port}/healthz" in instructions("HEALTHCHECK")[0]
    assert {"VIDEOBOT_DATA_DIR", "VIDEOBOT_HTTP_HOST"} <= settings.keys()
    assert Settings.model_fields["data_dir"].validation_alias == "VIDEOBOT_DATA_DIR"


def test_compose_keeps_the_data_asks_for_the_token_and_publishes_on_loopback() -> None:
    assert "build: ." in COMPOSE and ":/data" in COMPOSE
    assert "VIDEOBOT_WEB_TOKEN: ${VIDEOBOT_WEB_TOKEN:?" in COMPOSE
    assert '"127.0.0.1:8080:8080"' in COMPOSE
    grace = Settings.model_fields["shutdown_grace_s"].default
    assert int(re.search(r"stop_grace_period: (\d+)s", COMPOSE).group(1)) > 2 * grace  # type: ignore[union-attr]


def test_the_instances_compose_runs_two_replicas_on_one_postgresql() -> None:
    instances = (ROOT / "compose.instances.yaml").read_text()
    assert "image: postgres:" in instances and "replicas: 2" in instances
    url = "postgresql://videobot:${VIDEOBOT_DB_PASSWORD}@db:5432/videobot"
    assert f"VIDEOBOT_DATABASE_URL: {url}" in instances
    assert "condition: service_healthy" in instances and "pg_isready" in instances
    assert Settings.model_fields["database_url"].validation_alias == "VIDEOBOT_DATABASE_URL"
    assert "/data" not in instances.split("volumes:")[-1], "no data volume shared between replicas"
    grace = Settings.model_fields["shutdown_grace_s"].default
    assert int(re.search(r"stop_grace_period: (\d+)s", instances).group(1)) > 2 * grace  # type: ignore[union-attr]
