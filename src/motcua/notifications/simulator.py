"""An SMS brandname gateway (eSMS.vn's protocol) and an SMTP server on loopback, for the demo and
the tests, with an inbox page where a demo user reads the messages (one-time codes included).

    python -m motcua.notifications.simulator --port 8781 --smtp-port 8025

What it serves (a small threaded WSGI app, no Django):
- POST /MainService.svc/json/SendMultipleMessage_V4_post_json/  sends an SMS: checks the keys,
  the brandname, the number and the message type, answers {"CodeResult": "100", "SMSID": …} or an
  error code, answers 124 to a RequestId seen before, and calls the CallbackUrl (HTTP GET, in the
  background) with the delivery status;
- GET  /             the inbox: SMS and e-mails received, newest first;
- GET  /_sim/state   everything as JSON (messages, e-mails, faults, callbacks and motcua's replies);
- POST /_sim/reset   forgets everything;
- POST /_sim/faults  {"gateway": "500" | "timeout" | "<CodeResult>" | "", "delivery": "failed" | "none" | ""}:
  the send API answers HTTP 500, answers only after --timeout seconds, or refuses with that code;
  the delivery report says the phone was not reached, or never comes.
The SMTP server (aiosmtpd) accepts every message and keeps it for the inbox.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import json
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

try:
    from motcua.core import loopback
    from motcua.notifications.contrib.sms import protocol
except ModuleNotFoundError:  # run as a file from a checkout
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    from motcua.core import loopback
    from motcua.notifications.contrib.sms import protocol

PHONE = re.compile(r"(0|84|\+84)[35789]\d{8}")


class Gateway:
    """The simulated gateway's and mailbox's state; every method is safe to call from several threads."""

    def __init__(
        self,
        *,
        api_key: str = protocol.DEMO_API_KEY,
        secret_key: str = protocol.DEMO_SECRET_KEY,
        brandnames: tuple[str, ...] = (protocol.DEMO_BRANDNAME,),
        delivery_delay: float = 0.2,
        timeout: float = 30.0,
    ):
        self.api_key, self.secret_key, self.brandnames = api_key, secret_key, brandnames
        self.delivery_delay, self.timeout = delivery_delay, timeout
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.sms: list[dict] = []
            self.emails: list[dict] = []
            self.callbacks: list[dict] = []
            self.requests: dict[str, str] = {}  # RequestId → SMSID
            self.gateway_fault = ""
            self.delivery_fault = ""
            self.in_flight = 0

    def state(self) -> dict:
        with self.lock:
            return {
                "sms": list(self.sms),
                "emails": list(self.emails),
                "callbacks": list(self.callbacks),
                "faults": {"gateway": self.gateway_fault, "delivery": self.delivery_fault},
                "in_flight": self.in_flight,
            }

    # -- SMS ----------------------------------------------------------------------------------------

    def send_sms(self, body: dict) -> dict:
        def error(code: str) -> dict:
            return {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": protocol.CODES.get(code, "Error")}

        if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret_key:
            return error("101")
        if not str(body.get("SmsType", "")):
            return error("300")
        if str(body.get("SmsType")) == "2" and body.get("Brandname") not in self.brandnames:
            return error("104")
        phone = str(body.get("Phone", ""))
        if not PHONE.fullmatch(phone) or not body.get("Content"):
            return error("108")
        with self.lock:
            if self.gateway_fault.isdigit() and self.gateway_fault != protocol.SUCCESS:
                return error(self.gateway_fault)
            request_id = str(body.get("RequestId") or "")
            if request_id and request_id in self.requests:
                return {**error("124"), "SendStatus": protocol.STATUS_SENT}
            sms_id = uuid.uuid4().hex
            if request_id:
                self.requests[request_id] = sms_id
            entry = {
                "SMSID": sms_id,
                "RequestId": request_id,
                "phone": phone,
                "content": body["Content"],
                "unicode": str(body.get("IsUnicode", "0")) == "1",
                "brandname": body.get("Brandname", ""),
                "received_at": time.time(),
                "status": protocol.STATUS_AT_OPERATOR,
            }
            self.sms.append(entry)
            delivery = self.delivery_fault
            self.in_flight += 1
        callback = str(body.get("CallbackUrl") or "")
        threading.Thread(target=self.report, args=(entry, callback, delivery), daemon=True).start()
        return {"CodeResult": protocol.SUCCESS, "CountRegenerate": 0, "SMSID": sms_id}

    def report(self, entry: dict, callback: str, delivery: str) -> None:
        """The operator's report comes back a moment later; the gateway passes it on."""
        try:
            time.sleep(self.delivery_delay)
            failed = delivery == "failed"
            with self.lock:
                entry["status"] = protocol.STATUS_SENT
                entry["delivered"] = not failed
            if delivery == "none" or not callback:
                return
            params = {
                "SMSID": entry["SMSID"],
                "SendFailed": "1" if failed else "0",
                "SendStatus": protocol.STATUS_SENT,
                "SendSuccess": "0" if failed else "1",
                "TotalPrice": "0.0000" if failed else "800.0000",
                "TotalReceiver": "1",
                "TotalSent": "1",
                "RequestId": entry["RequestId"],
                "TypeId": "2",
                "telcoid": "1",
                "phonenumber": entry["phone"],
            }
            url = callback + ("&" if "?" in callback else "?") + urllib.parse.urlencode(params)
            log = {"SMSID": entry["SMSID"], "url": url, "sent_at": time.time()}
            try:
                with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                    log["http"], log["reply"] = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as exc:
                log["http"], log["error"] = exc.code, str(exc)
            except (urllib.error.URLError, OSError) as exc:
                log["error"] = f"{type(exc).__name__}: {exc}"
            with self.lock:
                self.callbacks.append(log)
        finally:
            with self.lock:
                self.in_flight -= 1

    def wait_idle(self, seconds: float = 5.0) -> None:
        """For tests: until every delivery report has been passed on."""
        end = time.time() + seconds
        while time.time() < end:
            with self.lock:
                if not self.in_flight:
                    return
            time.sleep(0.02)

    # -- e-mail -------------------------------------------------------------------------------------

    def receive_email(self, mail_from: str, rcpt_tos: list[str], data: bytes) -> None:
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        with self.lock:
            self.emails.append(
                {
                    "from": mail_from,
                    "to": list(rcpt_tos),
                    "subject": str(parsed.get("Subject", "")),
                    "message_id": str(parsed.get("Message-ID", "")),
                    "body": text,
                    "received_at": time.time(),
                }
            )


class _SMTPHandler:
    def __init__(self, gateway: Gateway):
        self.gateway = gateway

    async def handle_DATA(self, server, session, envelope):
        self.gateway.receive_email(envelope.mail_from, envelope.rcpt_tos, envelope.original_content or b"")
        return "250 Message accepted for delivery"


def start_smtp(gateway: Gateway, host: str = "127.0.0.1", port: int = 0):
    """An SMTP server feeding the inbox; returns the aiosmtpd controller (stop with `.stop()`)."""
    from aiosmtpd.controller import Controller

    if not port:
        import socket

        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    controller = Controller(_SMTPHandler(gateway), hostname=host, port=port)
    controller.start()
    return controller


# -- the WSGI app -----------------------------------------------------------------------------------


def make_app(gateway: Gateway):
    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""

        def send(status: str, content: str, content_type="text/html; charset=utf-8"):
            data = content.encode("utf-8")
            start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data)))])
            return [data]

        def send_json(payload: dict, status: str = "200 OK"):
            return send(status, json.dumps(payload, ensure_ascii=False), "application/json; charset=utf-8")

        def read_json() -> dict:
            try:
                value = json.loads(body.decode("utf-8") or "{}")
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}

        if path == protocol.SEND_PATH and method == "POST":
            fault = gateway.gateway_fault
            if fault == "500":
                return send("500 Internal Server Error", "Internal error (simulated)", "text/plain")
            if fault == "timeout":
                time.sleep(gateway.timeout)
            request = read_json()
            if not request:
                return send_json({"error": "Invalid request"})
            return send_json(gateway.send_sms(request))
        if path == "/_sim/state":
            return send_json(gateway.state())
        if path == "/_sim/reset" and method == "POST":
            gateway.reset()
            return send_json({"ok": True})
        if path == "/_sim/faults" and method == "POST":
            settings = read_json()
            with gateway.lock:
                if "gateway" in settings:
                    gateway.gateway_fault = str(settings["gateway"] or "")
                if "delivery" in settings:
                    gateway.delivery_fault = str(settings["delivery"] or "")
            return send_json(gateway.state()["faults"])
        if path == "/" and method == "GET":
            return send("200 OK", _inbox(gateway))
        return send("404 Not Found", "Not found", "text/plain")

    return app


def _inbox(gateway: Gateway) -> str:
    state = gateway.state()
    items = [("sms", m["received_at"], m) for m in state["sms"]] + [
        ("email", m["received_at"], m) for m in state["emails"]
    ]
    items.sort(key=lambda item: item[1], reverse=True)
    rows = []
    for kind, at, m in items:
        stamp = time.strftime("%d/%m/%Y %H:%M:%S", time.localtime(at))
        if kind == "sms":
            rows.append(
                f'<li class="sms"><p class="meta">SMS · {html.escape(m["brandname"])} → '
                f"<strong>{html.escape(m['phone'])}</strong> · {stamp}</p>"
                f'<p class="text">{html.escape(m["content"])}</p></li>'
            )
        else:
            rows.append(
                f'<li class="mail"><p class="meta">E-mail → <strong>{html.escape(", ".join(m["to"]))}</strong>'
                f' · {stamp}</p><p class="subject">{html.escape(m["subject"])}</p>'
                f'<pre class="text">{html.escape(m["body"])}</pre></li>'
            )
    listing = "<ul>" + "".join(rows) + "</ul>" if rows else "<p>Chưa có tin nhắn nào. / No messages yet.</p>"
    faults = state["faults"]
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="5">
<title>Hộp thư mô phỏng — SMS và e-mail</title>
<style>body{{font-family:sans-serif;max-width:42rem;margin:1.5rem auto;padding:0 1rem;color:#1a1a1a;font-size:1.05rem}}
h1{{color:#0b4f8a;font-size:1.4rem}}ul{{list-style:none;padding:0}}li{{border:1px solid #bbb;border-radius:6px;
padding:.6rem .8rem;margin:.6rem 0}}li.sms{{border-left:6px solid #0b7a3b}}li.mail{{border-left:6px solid #0b4f8a}}
.meta{{margin:0;color:#444;font-size:.95rem}}.subject{{font-weight:bold;margin:.3rem 0}}.text{{white-space:pre-wrap;
margin:.3rem 0;font-family:inherit}}.banner{{background:#fff3cd;padding:.4rem .6rem}}</style></head>
<body><p class="banner">Mô phỏng cổng SMS (eSMS) và máy chủ thư — không có tin nào thật sự được gửi đi.
Lỗi đang giả lập: gateway “{html.escape(faults["gateway"]) or "không"}”,
báo phát “{html.escape(faults["delivery"]) or "không"}”.</p>
<h1>Hộp thư mô phỏng: SMS và e-mail (mới nhất trước)</h1>{listing}</body></html>"""


def serve(gateway: Gateway, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True):
    """Serve the simulator; returns the server (its port in `server.server_address[1]`)."""
    return loopback.wsgi_server(make_app(gateway), host, port, quiet=quiet)


def start_in_thread(gateway: Gateway, host: str = "127.0.0.1", port: int = 0):
    """For tests: serve on a free port in a daemon thread; stop with `server.shutdown()`."""
    server = serve(gateway, host, port)
    return loopback.in_thread(server)


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(description="SMS gateway (eSMS protocol) and SMTP simulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8781)
    parser.add_argument("--smtp-port", type=int, default=8025)
    parser.add_argument("--api-key", default=os.environ.get("ESMS_API_KEY") or protocol.DEMO_API_KEY)
    parser.add_argument("--secret-key", default=os.environ.get("ESMS_SECRET_KEY") or protocol.DEMO_SECRET_KEY)
    parser.add_argument("--brandname", default=os.environ.get("ESMS_BRANDNAME") or protocol.DEMO_BRANDNAME)
    parser.add_argument("--delivery-delay", type=float, default=1.0, help="Seconds before the delivery report.")
    parser.add_argument("--timeout", type=float, default=30.0, help="How long the 'timeout' fault hangs.")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    gateway = Gateway(
        api_key=args.api_key,
        secret_key=args.secret_key,
        brandnames=(args.brandname,),
        delivery_delay=args.delivery_delay,
        timeout=args.timeout,
    )
    smtp = start_smtp(gateway, args.host, args.smtp_port)
    server = serve(gateway, args.host, args.port, quiet=not args.verbose)
    print(
        f"Message simulator: inbox and SMS gateway on http://{args.host}:{server.server_address[1]}/, "
        f"SMTP on {args.host}:{args.smtp_port}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        smtp.stop()


if __name__ == "__main__":
    main()
