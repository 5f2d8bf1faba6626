"""VNPay (cổng thanh toán VNPAY): payment URL, return, IPN, querydr and refund, to the letter of
the published protocol version 2.1.0 (see `protocol` and docs/payments.md)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from motcua.payments import conf
from motcua.payments.base import (
    Callback,
    Gateway,
    GatewayResult,
    GatewayUnavailable,
    Method,
    NotSupported,
    Outcome,
    RefundResult,
    StartRequest,
    StartResponse,
    State,
)
from motcua.payments.registry import register

from . import protocol

REPLY_CODES = {
    Outcome.CONFIRMED: "00",
    Outcome.NOT_FOUND: "01",
    Outcome.ALREADY_CONFIRMED: "02",
    Outcome.BAD_AMOUNT: "04",
    Outcome.BAD_SIGNATURE: "97",
    Outcome.ERROR: "99",
}
# querydr's vnp_TransactionStatus: paid (00; 05, 06 and 09 are refunds of a paid one), pending
# (01; 07 is held as suspected fraud), failed (02 error, 04 reversed).
PAID_STATUSES = {"00", "05", "06", "09"}
PENDING_STATUSES = {"01", "07"}


def _amount(value) -> int:
    """vnp_Amount (đồng × 100) in đồng; -1 for anything that is not a whole number of đồng."""
    text = str(value or "")
    if not text.isdigit() or int(text) % 100:
        return -1
    return int(text) // 100


def _request_id() -> str:
    return secrets.token_hex(16)


def _open(request: urllib.request.Request, timeout: float) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — URL from settings
            payload = json.loads(response.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:  # HTTP errors, refused, timeouts, not JSON
        raise GatewayUnavailable(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(payload, dict):
        raise GatewayUnavailable("The gateway answered something that is not a JSON object.")
    return payload


def _post_json(url: str, body: Mapping[str, object], timeout: float) -> dict:
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    return _open(urllib.request.Request(url, data=data, headers=headers, method="POST"), timeout)  # noqa: S310


@register
class VNPay(Gateway):
    identifier = "vnpay"
    label = _("VNPay")
    methods = (
        Method("VNBANK", _("Domestic ATM card or bank account"), _("Any Vietnamese bank with internet banking.")),
        Method("VNPAYQR", _("Banking app or e-wallet"), _("Scan a VNPAY-QR code with your bank's or e-wallet's app.")),
        Method("INTCARD", _("International card"), _("Visa, Mastercard, JCB, American Express.")),
    )
    settles_itself = True

    def start(self, request: StartRequest) -> StartResponse:
        cfg = conf.vnpay()
        payment = request.payment
        params = protocol.payment_params(
            tmn_code=cfg.tmn_code,
            amount=payment.amount,
            txn_ref=payment.txn_ref,
            order_info=str(payment.gateway_data.get("order_info", payment.txn_ref)),
            return_url=request.return_url,
            ip=request.client_ip,
            created=payment.created_at,
            expires=payment.expires_at,
            locale=request.locale,
            bank_code=payment.method,
        )
        return StartResponse(
            redirect_url=protocol.payment_url(cfg.payment_url, params, cfg.hash_secret),
            data={
                "create_date": params["vnp_CreateDate"],
                "ip": params["vnp_IpAddr"],
                "order_info": params["vnp_OrderInfo"],
            },
        )

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        cfg = conf.vnpay()
        values = {k: params.get(k) for k in params}
        if not protocol.verify(values, cfg.hash_secret):
            return Callback(signature_valid=False, result=None)
        response_code = str(values.get("vnp_ResponseCode") or "")
        status = str(values.get("vnp_TransactionStatus") or "")
        if response_code == "00" and status == protocol.TXN_SUCCESS:
            state = State.PAID
        elif status == protocol.TXN_PENDING:
            state = State.PENDING
        else:
            state = State.FAILED
        result = GatewayResult(
            txn_ref=str(values.get("vnp_TxnRef") or ""),
            state=state,
            amount=_amount(values.get("vnp_Amount")),
            transaction_no=str(values.get("vnp_TransactionNo") or ""),
            bank_code=str(values.get("vnp_BankCode") or ""),
            paid_at=protocol.parse_date(str(values.get("vnp_PayDate") or "")),
            response_code=response_code,
            transaction_status=status,
            raw=values,
        )
        return Callback(signature_valid=True, result=result, for_us=values.get("vnp_TmnCode") == cfg.tmn_code)

    def reply(self, outcome: Outcome) -> dict:
        code = REPLY_CODES[outcome]
        return {"RspCode": code, "Message": protocol.IPN_REPLIES[code]}

    def query(self, payment, *, now: dt.datetime) -> GatewayResult:
        cfg = conf.vnpay()
        body = protocol.querydr_request(
            tmn_code=cfg.tmn_code,
            secret=cfg.hash_secret,
            request_id=_request_id(),
            txn_ref=payment.txn_ref,
            transaction_date=str(payment.gateway_data.get("create_date") or protocol.format_date(payment.created_at)),
            created=now,
            ip=str(payment.gateway_data.get("ip") or "127.0.0.1"),
            order_info=f"Truy van {payment.txn_ref}",
        )
        answer = _post_json(cfg.api_url, body, cfg.timeout)
        if not protocol.verify_checksum(answer, protocol.QUERYDR_RESPONSE_FIELDS, cfg.hash_secret):
            raise GatewayUnavailable("querydr answer not signed by the gateway (97).")
        code = str(answer.get("vnp_ResponseCode") or "")
        if code == protocol.QUERY_NOT_FOUND:
            return GatewayResult(txn_ref=payment.txn_ref, state=State.NOT_FOUND, response_code=code, raw=answer)
        if code != "00":
            raise GatewayUnavailable(f"querydr refused: {code} {answer.get('vnp_Message', '')}")
        if answer.get("vnp_TxnRef") != payment.txn_ref or answer.get("vnp_TmnCode") != cfg.tmn_code:
            raise GatewayUnavailable("querydr answered about another order.")
        status = str(answer.get("vnp_TransactionStatus") or "")
        state = State.PAID if status in PAID_STATUSES else State.PENDING if status in PENDING_STATUSES else State.FAILED
        return GatewayResult(
            txn_ref=payment.txn_ref,
            state=state,
            amount=_amount(answer.get("vnp_Amount")),
            transaction_no=str(answer.get("vnp_TransactionNo") or ""),
            bank_code=str(answer.get("vnp_BankCode") or ""),
            paid_at=protocol.parse_date(str(answer.get("vnp_PayDate") or "")),
            response_code=code,
            transaction_status=status,
            raw=answer,
        )

    def transactions(self, day: dt.date) -> list[GatewayResult]:
        """The day's transactions of our terminal, from the reconciliation list (see docs/payments.md)."""
        cfg = conf.vnpay()
        if not cfg.reconciliation_url:
            raise NotSupported("VNPAY_RECONCILIATION_URL is not set.")
        ask = {"vnp_TmnCode": cfg.tmn_code, "vnp_Date": day.strftime("%Y%m%d")}
        ask["vnp_SecureHash"] = protocol.checksum(ask, ("vnp_TmnCode", "vnp_Date"), cfg.hash_secret)
        url = f"{cfg.reconciliation_url}?{urlencode(ask)}"
        answer = _open(urllib.request.Request(url), cfg.timeout)  # noqa: S310 — URL from settings
        rows = answer.get("transactions")
        if not isinstance(rows, list):
            raise GatewayUnavailable("The reconciliation list has no transactions.")
        signed = {**answer, "vnp_Count": str(len(rows)), "vnp_Digest": protocol.list_digest(rows)}
        if not protocol.verify_checksum(signed, protocol.LIST_FIELDS, cfg.hash_secret):
            raise GatewayUnavailable("Reconciliation list not signed by the gateway.")
        results = []
        for row in rows:
            status = str(row.get("vnp_TransactionStatus") or "")
            results.append(
                GatewayResult(
                    txn_ref=str(row.get("vnp_TxnRef") or ""),
                    state=State.PAID if status in PAID_STATUSES else State.FAILED,
                    amount=_amount(row.get("vnp_Amount")),
                    transaction_no=str(row.get("vnp_TransactionNo") or ""),
                    bank_code=str(row.get("vnp_BankCode") or ""),
                    paid_at=protocol.parse_date(str(row.get("vnp_PayDate") or "")),
                    response_code=str(row.get("vnp_ResponseCode") or ""),
                    transaction_status=status,
                    raw=row,
                )
            )
        return results

    def refund(self, refund, *, now: dt.datetime) -> RefundResult:
        cfg = conf.vnpay()
        payment = refund.payment
        body = protocol.refund_request(
            tmn_code=cfg.tmn_code,
            secret=cfg.hash_secret,
            request_id=refund.request_id,
            txn_ref=payment.txn_ref,
            amount=refund.amount,
            full=refund.amount == payment.amount,
            transaction_no=payment.gateway_transaction_no,
            transaction_date=str(payment.gateway_data.get("create_date") or protocol.format_date(payment.created_at)),
            create_by="motcua",
            created=now,
            ip=str(payment.gateway_data.get("ip") or "127.0.0.1"),
            order_info=f"Hoan tien {payment.txn_ref}",
        )
        answer = _post_json(cfg.api_url, body, cfg.timeout)
        if not protocol.verify_checksum(answer, protocol.REFUND_RESPONSE_FIELDS, cfg.hash_secret):
            raise GatewayUnavailable("refund answer not signed by the gateway (97).")
        code = str(answer.get("vnp_ResponseCode") or "")
        if code in ("94", "99"):
            raise GatewayUnavailable(f"refund not processed now: {code} {answer.get('vnp_Message', '')}")
        return RefundResult(
            done=code == "00",
            transaction_no=str(answer.get("vnp_TransactionNo") or ""),
            code=code,
            message=str(answer.get("vnp_Message") or ""),
            raw=answer,
        )
