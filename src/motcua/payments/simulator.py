"""A VNPay payment gateway on loopback, for the demo and the tests: it speaks VNPay's protocol
(version 2.1.0) over HTTP and can be told to misbehave.

    python -m motcua.payments.simulator --port 8780 --ipn-url http://127.0.0.1:8000/thanh-toan/vnpay/ipn/

What it serves (a small threaded WSGI app, no Django):
- GET  /paymentv2/vpcpay.html?vnp_…  the payment page: checks the signature, the terminal and the
  deadline, shows the amount with "Thanh toán" / "Hủy" buttons (a person can pay in the demo);
- POST /paymentv2/vpcpay.html        the button: records the result, sends the signed IPN to
  motcua (server to server, in the background) and redirects the browser to vnp_ReturnUrl with the
  signed result;
- POST /merchant_webapi/api/transaction   querydr and refund (JSON, '|'-joined checksums);
- GET  /merchant_webapi/reconciliation    the day's transactions, signed (stand-in for VNPay's
  daily reconciliation file);
- /_sim/…                            the control endpoint (below).

Faults, per transaction (the payment page's "sim_faults" field, or POST /_sim/faults with a
txn_ref) or for every transaction (POST /_sim/faults without one), comma-separated:
  drop                no IPN at all                 delay:S        IPN S seconds late
  twice               IPN sent twice in a row       race           IPN sent twice at the same instant
  out_of_order        the final IPN, then a stale "pending" one for the same order
  replay:S            the same signed IPN again S seconds later
  wrong_amount        IPN with another amount (correctly signed)
  bad_signature       IPN with a broken signature
Gateway failures (POST /_sim/faults {"api": …} / {"page": …}): "500" answers HTTP 500, "timeout"
answers only after --timeout seconds, "" behaves.

POST /_sim/reset forgets everything; GET /_sim/state shows transactions, faults and every IPN sent
with motcua's reply.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from urllib.parse import parse_qsl

try:
    from motcua.core import loopback
    from motcua.payments.contrib.vnpay import protocol
except ModuleNotFoundError:  # run as a file from a checkout
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    from motcua.core import loopback
    from motcua.payments.contrib.vnpay import protocol

PAY_PATH = "/paymentv2/vpcpay.html"
API_PATH = "/merchant_webapi/api/transaction"
LIST_PATH = "/merchant_webapi/reconciliation"
BANKS = [("NCB", "Ngân hàng NCB"), ("VCB", "Vietcombank"), ("BIDV", "BIDV"), ("VNPAYQR", "Ví / ứng dụng VNPAY-QR")]
IPN_FAULTS = ("drop", "delay", "twice", "race", "out_of_order", "replay", "wrong_amount", "bad_signature")


@dataclass
class Transaction:
    txn_ref: str
    amount: str  # vnp_Amount as sent (đồng × 100)
    order_info: str
    create_date: str
    expire_date: str
    return_url: str
    bank_code: str
    locale: str
    status: str = protocol.TXN_PENDING
    response_code: str = ""
    transaction_no: str = ""
    pay_date: str = ""
    card_type: str = ""
    refunded: int = 0  # × 100
    faults: list[str] = field(default_factory=list)


class Gateway:
    """The simulated gateway's state; every method is safe to call from several threads."""

    def __init__(
        self,
        *,
        tmn_code: str,
        hash_secret: str,
        ipn_url: str,
        ipn_retries: int = 0,
        retry_interval: float = 5.0,
        timeout: float = 30.0,
        quiet: bool = True,
    ):
        self.tmn_code, self.hash_secret, self.ipn_url = tmn_code, hash_secret, ipn_url
        self.ipn_retries, self.retry_interval, self.timeout, self.quiet = ipn_retries, retry_interval, timeout, quiet
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.transactions: dict[str, Transaction] = {}
            self.default_faults: list[str] = []
            self.txn_faults: dict[str, list[str]] = {}
            self.api_fault = ""
            self.page_fault = ""
            self.ipn_log: list[dict] = []
            self.refund_answers: dict[str, dict] = {}
            self.in_flight = 0
            self.next_no = 14_000_000

    # -- callbacks to motcua ----------------------------------------------------------------------

    def result_params(self, txn: Transaction) -> dict[str, str]:
        params = {
            "vnp_Amount": txn.amount,
            "vnp_BankCode": txn.bank_code,
            "vnp_CardType": txn.card_type,
            "vnp_OrderInfo": txn.order_info,
            "vnp_PayDate": txn.pay_date,
            "vnp_ResponseCode": txn.response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionStatus": txn.status,
            "vnp_TxnRef": txn.txn_ref,
        }
        if txn.status == protocol.TXN_SUCCESS:
            params["vnp_BankTranNo"] = f"VNP{txn.transaction_no}"
        return {k: v for k, v in params.items() if v != ""}

    def signed(self, params: dict[str, str], *, bad_signature: bool = False) -> str:
        query = protocol.signed_query(params, self.hash_secret)
        if bad_signature:
            head, _, digest = query.rpartition("vnp_SecureHash=")
            query = head + "vnp_SecureHash=" + ("0" if digest[0] != "0" else "1") + digest[1:]
        return query

    def deliver(self, txn: Transaction) -> None:
        """Send the IPN for a finished transaction, as its faults say (without an IPN URL, only keep
        the signed query in the log: tests hand it to motcua themselves)."""
        faults = self.faults_for(txn)
        if "drop" in faults:
            self.record({"txn_ref": txn.txn_ref, "kind": "dropped"})
            return
        params = self.result_params(txn)
        if "wrong_amount" in faults:
            params["vnp_Amount"] = str(int(txn.amount) + 10_000_00)
        query = self.signed(params, bad_signature="bad_signature" in faults)
        delay = _number(faults, "delay")
        replay = _number(faults, "replay")
        plan = [("ipn", delay, query)]
        if "twice" in faults:
            plan.append(("duplicate", delay + 0.2, query))
        if "out_of_order" in faults:
            stale = {**params, "vnp_TransactionStatus": protocol.TXN_PENDING, "vnp_ResponseCode": "99"}
            plan.append(("stale", delay + 0.3, self.signed(stale)))
        if replay:
            plan.append(("replay", delay + replay, query))
        if "race" in faults:
            barrier = threading.Barrier(2)
            for kind in ("race", "race"):
                self.spawn(self.send, txn.txn_ref, kind, query, delay, barrier)
        else:
            for kind, wait, text in plan:
                self.spawn(self.send, txn.txn_ref, kind, text, wait, None)

    def spawn(self, target, *args) -> None:
        with self.lock:
            self.in_flight += 1
        threading.Thread(target=target, args=args, daemon=True).start()

    def send(self, txn_ref: str, kind: str, query: str, delay: float, barrier) -> None:
        try:
            if not self.ipn_url:
                self.record({"txn_ref": txn_ref, "kind": kind, "captured": True, "query": query, "delay": delay})
                return
            if delay:
                time.sleep(delay)
            if barrier is not None:
                barrier.wait(timeout=10)
            for attempt in range(self.ipn_retries + 1):
                entry = {"txn_ref": txn_ref, "kind": kind, "attempt": attempt, "sent_at": time.time(), "query": query}
                try:
                    with urllib.request.urlopen(f"{self.ipn_url}?{query}", timeout=10) as response:  # noqa: S310
                        entry["http"] = response.status
                        entry["reply"] = json.loads(response.read().decode("utf-8") or "{}")
                except urllib.error.HTTPError as exc:
                    entry["http"], entry["error"] = exc.code, str(exc)
                except (urllib.error.URLError, OSError, ValueError) as exc:
                    entry["error"] = f"{type(exc).__name__}: {exc}"
                self.record(entry)
                if entry.get("reply", {}).get("RspCode") in ("00", "02"):
                    return  # VNPay stops on "confirmed" and "already confirmed"
                if attempt < self.ipn_retries:
                    time.sleep(self.retry_interval)
        finally:
            with self.lock:
                self.in_flight -= 1

    def record(self, entry: dict) -> None:
        with self.lock:
            self.ipn_log.append(entry)
        if not self.quiet:
            print(f"[simulator] IPN {entry}", flush=True)

    def faults_for(self, txn: Transaction) -> list[str]:
        with self.lock:
            return [*self.default_faults, *self.txn_faults.get(txn.txn_ref, []), *txn.faults]

    def state(self) -> dict:
        with self.lock:
            return {
                "transactions": {k: asdict(v) for k, v in self.transactions.items()},
                "faults": {
                    "default": self.default_faults,
                    "per_order": self.txn_faults,
                    "api": self.api_fault,
                    "page": self.page_fault,
                },
                "ipn_log": list(self.ipn_log),
                "in_flight": self.in_flight,
            }

    # -- payment ---------------------------------------------------------------------------------

    def finish(self, txn: Transaction, action: str, bank: str) -> bool:
        """Record the payer's choice; False if the transaction was already finished."""
        now = dt.datetime.now(protocol.GMT7)
        with self.lock:
            if txn.status != protocol.TXN_PENDING:
                return False
            if now > (protocol.parse_date(txn.expire_date) or now):
                txn.status, txn.response_code = protocol.TXN_ERROR, "11"  # timed out
            elif action == "pay":
                self.next_no += 1
                txn.status, txn.response_code = protocol.TXN_SUCCESS, "00"
                txn.transaction_no, txn.pay_date = str(self.next_no), protocol.format_date(now)
                txn.bank_code = bank or txn.bank_code or "NCB"
                txn.card_type = "QRCODE" if txn.bank_code == "VNPAYQR" else "ATM"
            elif action == "insufficient":
                txn.status, txn.response_code = protocol.TXN_ERROR, "51"
            else:
                txn.status, txn.response_code = protocol.TXN_ERROR, "24"  # the customer cancelled
            if not txn.bank_code:
                txn.bank_code = bank or "NCB"
            return True

    # -- merchant API ----------------------------------------------------------------------------

    def api(self, body: dict) -> dict:
        command = body.get("vnp_Command")
        fields = protocol.QUERYDR_REQUEST_FIELDS if command == "querydr" else protocol.REFUND_REQUEST_FIELDS
        response_fields = protocol.QUERYDR_RESPONSE_FIELDS if command == "querydr" else protocol.REFUND_RESPONSE_FIELDS
        answer = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": command,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": body.get("vnp_TxnRef", ""),
        }

        def reply(code: str, message: str, **values) -> dict:
            answer.update({"vnp_ResponseCode": code, "vnp_Message": message, **values})
            answer["vnp_SecureHash"] = protocol.checksum(answer, response_fields, self.hash_secret)
            return answer

        if command not in ("querydr", "refund") or any(not body.get(f) for f in fields if f != "vnp_TransactionNo"):
            return reply("03", "Invalid request format")
        if not protocol.verify_checksum(body, fields, self.hash_secret):
            return reply("97", "Invalid checksum")
        if body.get("vnp_TmnCode") != self.tmn_code:
            return reply("02", "Merchant is not valid")
        if command == "refund" and body["vnp_RequestId"] in self.refund_answers:
            return self.refund_answers[body["vnp_RequestId"]]  # the same request again: the same answer
        with self.lock:
            txn = self.transactions.get(body["vnp_TxnRef"])
            if txn is None or txn.create_date != body.get("vnp_TransactionDate"):
                return reply("91", "Transaction not found")
            values = {
                "vnp_Amount": txn.amount,
                "vnp_BankCode": txn.bank_code,
                "vnp_PayDate": txn.pay_date,
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_OrderInfo": txn.order_info,
            }
            if command == "querydr":
                status = "06" if txn.refunded else txn.status
                return reply(
                    "00",
                    "QueryDR Success",
                    vnp_TransactionType="01",
                    vnp_TransactionStatus=status,
                    vnp_PromotionCode="",
                    vnp_PromotionAmount="",
                    **values,
                )
            amount = int(body.get("vnp_Amount") or 0)
            if txn.status != protocol.TXN_SUCCESS:
                answer_ = reply("95", "Transaction was not successful at VNPAY", **values)
            elif txn.refunded and body.get("vnp_TransactionType") == "02":
                answer_ = reply("04", "Full refund not allowed after a partial refund", **values)
            elif amount <= 0 or txn.refunded + amount > int(txn.amount):
                answer_ = reply("02", "Refund amount exceeds the original amount", **values)
            else:
                txn.refunded += amount
                self.next_no += 1
                answer_ = reply(
                    "00",
                    "Refund success",
                    vnp_TransactionType=body["vnp_TransactionType"],
                    vnp_TransactionStatus="06",
                    **{**values, "vnp_Amount": str(amount), "vnp_TransactionNo": str(self.next_no)},
                )
            self.refund_answers[body["vnp_RequestId"]] = answer_
            return answer_

    def day_list(self, tmn_code: str, day: str) -> dict:
        with self.lock:
            rows = [
                {
                    "vnp_TxnRef": t.txn_ref,
                    "vnp_Amount": t.amount,
                    "vnp_TransactionNo": t.transaction_no,
                    "vnp_TransactionStatus": "06" if t.refunded else t.status,
                    "vnp_ResponseCode": t.response_code,
                    "vnp_PayDate": t.pay_date,
                    "vnp_BankCode": t.bank_code,
                }
                for t in self.transactions.values()
                if t.create_date.startswith(day) and t.status != protocol.TXN_PENDING
            ]
        answer = {"vnp_ResponseCode": "00", "vnp_TmnCode": tmn_code, "vnp_Date": day, "transactions": rows}
        signed = {**answer, "vnp_Count": str(len(rows)), "vnp_Digest": protocol.list_digest(rows)}
        answer["vnp_SecureHash"] = protocol.checksum(signed, protocol.LIST_FIELDS, self.hash_secret)
        return answer


def _number(faults: list[str], name: str) -> float:
    for fault in faults:
        key, _, value = fault.partition(":")
        if key == name:
            try:
                return float(value or 1)
            except ValueError:
                return 1.0
    return 0.0


def _faults(text: str) -> list[str]:
    return [f.strip() for f in (text or "").split(",") if f.strip().partition(":")[0] in IPN_FAULTS]


# -- the WSGI app ---------------------------------------------------------------------------------


def make_app(gateway: Gateway):
    def app(environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        query = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""

        def send(status: str, content: bytes | str, content_type="text/html; charset=utf-8", headers=()):
            data = content.encode("utf-8") if isinstance(content, str) else content
            start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers])
            return [data]

        def send_json(payload: dict, status: str = "200 OK"):
            return send(status, json.dumps(payload), "application/json")

        def failing(kind: str):
            if kind == "500":
                return send("500 Internal Server Error", "Internal error (simulated)", "text/plain")
            if kind == "timeout":
                time.sleep(gateway.timeout)
            return None

        if path == PAY_PATH and method == "GET":
            if gateway.page_fault and (broken := failing(gateway.page_fault)):
                return broken
            return send(*_payment_page(gateway, query))
        if path == PAY_PATH and method == "POST":
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            txn = gateway.transactions.get(form.get("txn_ref", ""))
            if txn is None:
                return send("404 Not Found", _page("Không tìm thấy giao dịch", "<p>Transaction not found.</p>"))
            if form.get("sim_faults"):
                txn.faults = _faults(form["sim_faults"])
            if gateway.finish(txn, form.get("action", "cancel"), form.get("bank", "")):
                gateway.deliver(txn)
            location = f"{txn.return_url}?{gateway.signed(gateway.result_params(txn))}"
            return send("302 Found", "", headers=[("Location", location)])
        if path == API_PATH and method == "POST":
            if gateway.api_fault and (broken := failing(gateway.api_fault)):
                return broken
            try:
                request = json.loads(body.decode("utf-8"))
            except ValueError:
                request = {}
            return send_json(gateway.api(request if isinstance(request, dict) else {}))
        if path == LIST_PATH and method == "GET":
            if gateway.api_fault and (broken := failing(gateway.api_fault)):
                return broken
            ask = {
                "vnp_TmnCode": query.get("vnp_TmnCode", ""),
                "vnp_Date": query.get("vnp_Date", ""),
                "vnp_SecureHash": query.get("vnp_SecureHash", ""),
            }
            if not protocol.verify_checksum(ask, ("vnp_TmnCode", "vnp_Date"), gateway.hash_secret):
                return send_json({"vnp_ResponseCode": "97", "vnp_Message": "Invalid checksum"})
            return send_json(gateway.day_list(ask["vnp_TmnCode"], ask["vnp_Date"]))
        if path == "/_sim/state":
            return send_json(gateway.state())
        if path == "/_sim/reset" and method == "POST":
            gateway.reset()
            return send_json({"ok": True})
        if path == "/_sim/faults" and method == "POST":
            try:
                settings = json.loads(body.decode("utf-8") or "{}")
            except ValueError:
                return send_json({"error": "JSON expected"}, "400 Bad Request")
            with gateway.lock:
                ipn = _faults(
                    ",".join(settings.get("ipn", []))
                    if isinstance(settings.get("ipn"), list)
                    else settings.get("ipn", "")
                )
                if settings.get("txn_ref"):
                    gateway.txn_faults[settings["txn_ref"]] = ipn
                elif "ipn" in settings:
                    gateway.default_faults = ipn
                gateway.api_fault = settings.get("api", gateway.api_fault) or ""
                gateway.page_fault = settings.get("page", gateway.page_fault) or ""
            return send_json(gateway.state()["faults"])
        if path == "/" and method == "GET":
            return send("200 OK", _page("VNPAY simulator", _home(gateway)))
        return send("404 Not Found", "Not found", "text/plain")

    return app


def _payment_page(gateway: Gateway, query: dict) -> tuple[str, str]:
    english = query.get("vnp_Locale") == "en"
    if not protocol.verify(query, gateway.hash_secret):
        return "400 Bad Request", _page("Sai chữ ký", "<p>Mã lỗi 70: chữ ký không hợp lệ (invalid signature).</p>")
    if query.get("vnp_TmnCode") != gateway.tmn_code or query.get("vnp_Version") != protocol.VERSION:
        return "400 Bad Request", _page("Sai website", "<p>Mã lỗi 71: website chưa được phê duyệt.</p>")
    amount = query.get("vnp_Amount", "")
    if not amount.isdigit() or int(amount) % 100 or not query.get("vnp_TxnRef"):
        return "400 Bad Request", _page("Sai tham số", "<p>Mã lỗi 03: dữ liệu gửi sang không đúng định dạng.</p>")
    expire = protocol.parse_date(query.get("vnp_ExpireDate", ""))
    if expire is None or dt.datetime.now(protocol.GMT7) > expire:
        return "400 Bad Request", _page("Hết hạn", "<p>Mã lỗi 11: giao dịch đã quá thời gian chờ thanh toán.</p>")
    with gateway.lock:
        txn = gateway.transactions.get(query["vnp_TxnRef"])
        if txn is None:
            txn = Transaction(
                txn_ref=query["vnp_TxnRef"],
                amount=amount,
                order_info=query.get("vnp_OrderInfo", ""),
                create_date=query.get("vnp_CreateDate", ""),
                expire_date=query.get("vnp_ExpireDate", ""),
                return_url=query.get("vnp_ReturnUrl", ""),
                bank_code=query.get("vnp_BankCode", ""),
                locale=query.get("vnp_Locale", "vn"),
            )
            gateway.transactions[txn.txn_ref] = txn
    if txn.status != protocol.TXN_PENDING:
        return "409 Conflict", _page("Đã xử lý", "<p>Mã lỗi 02: giao dịch này đã được xử lý (already processed).</p>")
    value = f"{int(amount) // 100:,}".replace(",", ".")
    bank = (
        f'<input type="hidden" name="bank" value="{html.escape(txn.bank_code)}"><p>Ngân hàng / Bank: '
        f"<strong>{html.escape(txn.bank_code)}</strong></p>"
        if txn.bank_code
        else '<p><label>Ngân hàng / Bank <select name="bank">'
        + "".join(f'<option value="{c}">{html.escape(n)}</option>' for c, n in BANKS)
        + "</select></label></p>"
    )
    defaults = ",".join(gateway.default_faults + gateway.txn_faults.get(txn.txn_ref, []))
    body = f"""
<p class="who">{html.escape(gateway.tmn_code)} — {html.escape(txn.order_info)}</p>
<p class="amount">{value} VND</p>
<p>Mã giao dịch / Order: <code>{html.escape(txn.txn_ref)}</code></p>
<form method="post" action="{PAY_PATH}">
  <input type="hidden" name="txn_ref" value="{html.escape(txn.txn_ref)}">
  {bank}
  <p><button name="action" value="pay" class="pay">{"Pay" if english else "Thanh toán"}</button>
     <button name="action" value="cancel" class="cancel">{"Cancel" if english else "Hủy"}</button></p>
  <details><summary>Tester options (simulator only)</summary>
    <p><label>IPN faults <input name="sim_faults" value="{html.escape(defaults)}"
      placeholder="drop, delay:5, twice, race, out_of_order, replay:3, wrong_amount, bad_signature"></label></p>
    <p><button name="action" value="insufficient">Insufficient balance (51)</button></p>
  </details>
</form>"""
    return "200 OK", _page("Cổng thanh toán VNPAY (mô phỏng)", body)


def _home(gateway: Gateway) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(t.txn_ref)}</td><td>{int(t.amount) // 100}</td><td>{t.status}</td>"
        f"<td>{t.response_code}</td><td>{t.transaction_no}</td></tr>"
        for t in gateway.transactions.values()
    )
    return (
        f"<p>Terminal <code>{html.escape(gateway.tmn_code)}</code>; "
        f"IPN to <code>{html.escape(gateway.ipn_url)}</code>.</p>"
        f"<table><tr><th>Order</th><th>VND</th><th>Status</th><th>Code</th><th>No.</th></tr>{rows}</table>"
    )


def _page(title: str, body: str) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
h1{{color:#005baa;font-size:1.3rem}}.amount{{font-size:2rem;font-weight:bold;color:#ed1c24}}
button{{font-size:1.1rem;padding:.6rem 1.4rem;margin-right:.5rem;border-radius:6px;border:1px solid #005baa}}
.pay{{background:#005baa;color:#fff}}.cancel{{background:#fff;color:#005baa}}
.banner{{background:#fff3cd;padding:.4rem .6rem;font-size:.9rem}}</style></head>
<body><p class="banner">VNPAY simulator — no real money moves.</p><h1>{html.escape(title)}</h1>{body}</body></html>"""


def serve(gateway: Gateway, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True):
    """Serve the simulator; returns the server (its port in `server.server_address[1]`)."""
    return loopback.wsgi_server(make_app(gateway), host, port, quiet=quiet)


def start_in_thread(gateway: Gateway, host: str = "127.0.0.1", port: int = 0):
    """For tests: serve on a free port in a daemon thread; stop with `server.shutdown()`."""
    server = serve(gateway, host, port)
    return loopback.in_thread(server)


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(description="VNPay gateway simulator (loopback only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8780)
    parser.add_argument("--ipn-url", default="http://127.0.0.1:8000/thanh-toan/vnpay/ipn/")
    parser.add_argument("--tmn-code", default=os.environ.get("VNPAY_TMN_CODE") or protocol.DEMO_TMN_CODE)
    parser.add_argument("--hash-secret", default=os.environ.get("VNPAY_HASH_SECRET") or protocol.DEMO_HASH_SECRET)
    parser.add_argument("--ipn-retries", type=int, default=3, help="Retries of an IPN not answered 00 or 02.")
    parser.add_argument("--retry-interval", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="How long the 'timeout' fault hangs.")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    gateway = Gateway(
        tmn_code=args.tmn_code,
        hash_secret=args.hash_secret,
        ipn_url=args.ipn_url,
        ipn_retries=args.ipn_retries,
        retry_interval=args.retry_interval,
        timeout=args.timeout,
        quiet=not args.verbose,
    )
    server = serve(gateway, args.host, args.port, quiet=not args.verbose)
    print(f"VNPay simulator on http://{args.host}:{server.server_address[1]}/ (IPN to {args.ipn_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
