"""Runs the web server, the task worker, the scheduler and the payment gateway simulator as one
process group.

Any of them stopping stops the others, so the group is either whole or gone.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web server, task worker and scheduler together (the embedded single-machine setup)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MOTCUA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MOTCUA_PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
        parser.add_argument("--no-banner", action="store_true")

    def handle(self, *args, host, port, web_workers, no_banner, **options):
        src = str(Path(settings.SRC_DIR).parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "motcua.settings.dev"))
        manage = [sys.executable, str(Path(src).parent / "manage.py")]
        commands = {
            "web": [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "wsgi",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(web_workers),
                "--blocking-threads",
                "4",
                "--no-ws",
                "motcua.wsgi:application",
            ],
            "worker": [*manage, "db_worker", "--queue-name", "*"],
            "scheduler": [*manage, "crontask"],
            # The VNPay simulator, so that fees can be paid in the demo (docs/payments.md).
            "simulator": [
                sys.executable,
                "-m",
                "motcua.payments.simulator",
                "--port",
                "8780",
                "--ipn-url",
                f"http://127.0.0.1:{port}/thanh-toan/vnpay/ipn/",
            ],
            # SMS gateway (eSMS protocol) and SMTP server with an inbox page (docs/messages.md).
            "messages": [
                sys.executable,
                "-m",
                "motcua.notifications.simulator",
                "--port",
                "8781",
                "--smtp-port",
                "8025",
            ],
            # The national identity provider simulator, for "log in with VNeID" (docs/portal-accounts.md).
            "identity": [
                sys.executable,
                "-m",
                "motcua.citizens.oidc_provider",
                "--port",
                "8782",
                "--redirect-uri",
                f"http://localhost:{port}/tai-khoan/dinh-danh/ve/",
                "--redirect-uri",
                f"http://127.0.0.1:{port}/tai-khoan/dinh-danh/ve/",
            ],
        }
        # Our own interpreter and fixed arguments: nothing here comes from outside.
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603

        def stop(*_):
            for child in children.values():
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not no_banner:
            time.sleep(1.5)
            self.stdout.write(self.banner(host, port))
        exit_code = 0
        while children:
            for name, child in list(children.items()):
                code = child.poll()
                if code is not None:
                    del children[name]
                    if code not in (0, -signal.SIGTERM, -signal.SIGINT):
                        self.stderr.write(f"{name} stopped with code {code}; stopping the others.")
                        exit_code = exit_code or code
                    stop()
            time.sleep(0.3)
        sys.exit(exit_code if exit_code > 0 else 0)

    def banner(self, host, port):
        from motcua.core.demo import DEMO_CITIZEN, DEMO_LOGINS, DEMO_PASSWORD

        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host  # noqa: S104
        lines = [
            "",
            "motcua is running.",
            f"  Open:        http://{shown}:{port}/",
            f"  Back office: http://{shown}:{port}/can-bo/",
            f"  Admin:       http://{shown}:{port}/quan-tri/",
            f"  API:         http://{shown}:{port}/api/v1/docs",
            "  Payments:    VNPay simulator at http://localhost:8780/ (no real money)",
            "  Messages:    SMS and e-mail simulator at http://localhost:8781/",
            "  Identity:    VNeID simulator at http://127.0.0.1:8782/ (demo identities, no real ones)",
            f"  Demo logins (password {DEMO_PASSWORD}):",
            *[f"    {username:<12} {role}" for username, role in DEMO_LOGINS],
            f"  Citizen on the portal: {DEMO_CITIZEN['phone']} (password {DEMO_PASSWORD}); the one-time code",
            "    arrives in the message simulator's inbox.",
            "  Stop with Ctrl+C.",
            "",
        ]
        return "\n".join(lines)
