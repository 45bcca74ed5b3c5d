"""``flask check-deploy``: the settings a production site must have, checked before it serves.

Each missing setting is named with what goes wrong without it and what to set; the exit status
is 1 when any is missing (for a deployment script), 0 when none is.
"""

from collections.abc import Mapping
from urllib.parse import urlsplit

import click
from flask import current_app

from ..config import INSTANCE_DIR

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


def deployment_problems(config: Mapping) -> list[str]:
    """What a production deployment with these settings lacks, one sentence each."""
    problems = []
    generated = INSTANCE_DIR / "secret_key"
    if generated.exists() and config["SECRET_KEY"] == generated.read_text().strip():
        problems.append(
            "SECRET_KEY is the random key kept in instance/secret_key, which suits development "
            "only: set SECRET_KEY in the environment (at least 32 random characters, e.g. "
            '`python -c "import secrets; print(secrets.token_hex(32))"`), the same for every '
            "process, and keep it secret."
        )
    elif len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY is shorter than 32 characters: use a long random one.")
    site = urlsplit(config["SITE_URL"])
    public_site = site.scheme == "https" and (site.hostname or "") not in LOCAL_HOSTS
    if not public_site:
        problems.append(
            f"SITE_URL is {config['SITE_URL']}: set it to the site's public https:// address "
            "(every link in emails and calendar files is built from it)."
        )
    hosts = config.get("TRUSTED_HOSTS")
    if not hosts:
        problems.append(
            "TRUSTED_HOSTS is unset: set it to the site's host names (comma-separated), so that "
            "requests for any other Host header are refused."
        )
    elif public_site and site.hostname not in hosts:
        problems.append(
            f"TRUSTED_HOSTS ({', '.join(hosts)}) lacks SITE_URL's host {site.hostname}."
        )
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://: each worker process counts on its own, so the "
            "limits multiply by the number of workers; set it to redis://host:6379/0."
        )
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append(
            "SESSION_COOKIE_SECURE is off: set it to 1, so that sign-in cookies travel over "
            "HTTPS only."
        )
    if not config["MAIL_SERVER"]:
        problems.append(
            "MAIL_SERVER is unset: emails are written to files in MAIL_FOLDER instead of being "
            "sent; set MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS)."
        )
    elif config["MAIL_DEFAULT_SENDER"].endswith("@localhost"):
        problems.append(
            "MAIL_DEFAULT_SENDER is an address at localhost, which mail servers refuse: set it "
            "to the site's address."
        )
    return problems


@click.command("check-deploy")
def check_deploy():
    """Say which settings a production deployment lacks (exit status 1 if any)."""
    problems = deployment_problems(current_app.config)
    for problem in problems:
        click.echo(f"- {problem}")
    if problems:
        click.echo(f"{len(problems)} setting(s) to fix before serving in production.", err=True)
        raise SystemExit(1)
    click.echo("The settings are ready for production.")
