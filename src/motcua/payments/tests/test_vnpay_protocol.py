"""VNPay's protocol to the letter (legal_spec §9.1): the signed payment URL, the verification of
returns and IPNs, and the '|'-joined checksums of querydr and refund; secrets from settings only."""

import datetime as dt
import hashlib
import hmac
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.payments import conf
from motcua.payments.contrib.vnpay import protocol

SECRET = "TESTSECRET0123456789"
CREATED = dt.datetime(2026, 1, 12, 2, 0, tzinfo=dt.UTC)  # 09:00 in Vietnam


def hmac512(data: str) -> str:
    return hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()


def test_payment_url_is_sorted_form_encoded_and_signed_with_hmac_sha512():
    params = protocol.payment_params(
        tmn_code="TMN00001",
        amount=50_000,
        txn_ref="MCABCDEFGHVK7Q2",
        order_info="Nộp phí hồ sơ H42.18073-260112-0001",
        return_url="http://localhost:8000/thanh-toan/vnpay/tra-ve/",
        ip="127.0.0.1",
        created=CREATED,
        expires=CREATED + dt.timedelta(minutes=15),
        bank_code="VNBANK",
    )
    assert params["vnp_Amount"] == "5000000"  # đồng × 100
    assert params["vnp_CreateDate"] == "20260112090000" and params["vnp_ExpireDate"] == "20260112091500"  # GMT+7
    assert params["vnp_OrderInfo"] == "Nop phi ho so H42 18073 260112 0001"  # no diacritics
    assert (params["vnp_Version"], params["vnp_Command"], params["vnp_CurrCode"]) == ("2.1.0", "pay", "VND")
    url = protocol.payment_url("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html", params, SECRET)
    query = urlsplit(url).query
    data, _, signature = query.rpartition("&vnp_SecureHash=")
    assert [k for k, _v in parse_qsl(data)] == sorted(params)
    assert "vnp_OrderInfo=Nop+phi+ho+so" in data and "vnp_ReturnUrl=http%3A%2F%2Flocalhost%3A8000%2F" in data
    assert signature == hmac512(data)
    received = dict(parse_qsl(query))
    assert protocol.verify(received, SECRET)
    assert not protocol.verify({**received, "vnp_Amount": "6000000"}, SECRET)
    assert not protocol.verify(received, SECRET + "x")
    assert not protocol.verify({k: v for k, v in received.items() if k != "vnp_SecureHash"}, SECRET)


def test_verification_ignores_the_hash_type_and_accepts_both_ways_of_signing_empty_values():
    params = {"vnp_TxnRef": "A1", "vnp_BankTranNo": "", "vnp_Amount": "100"}
    with_empty = protocol.sign(params, SECRET)
    without_empty = hmac512("vnp_Amount=100&vnp_TxnRef=A1")
    for signature in (with_empty, without_empty, with_empty.upper()):
        assert protocol.verify({**params, "vnp_SecureHash": signature, "vnp_SecureHashType": "HmacSHA512"}, SECRET)


def test_signatures_are_compared_in_constant_time():
    received = {"vnp_TxnRef": "A1", "vnp_SecureHash": protocol.sign({"vnp_TxnRef": "A1"}, SECRET)}
    with mock.patch.object(protocol.hmac, "compare_digest", wraps=hmac.compare_digest) as compare:
        assert protocol.verify(received, SECRET)
        assert protocol.verify_checksum(
            {"a": "1", "vnp_SecureHash": protocol.checksum({"a": "1"}, ("a",), SECRET)}, ("a",), SECRET
        )
    assert compare.call_count == 2


def test_querydr_checksum_joins_raw_values_in_the_fixed_order():
    body = protocol.querydr_request(
        tmn_code="TMN00001",
        secret=SECRET,
        request_id="r1",
        txn_ref="MC1",
        transaction_date="20260112090000",
        created=CREATED,
        ip="127.0.0.1",
        order_info="Truy van MC1",
    )
    expected = "r1|2.1.0|querydr|TMN00001|MC1|20260112090000|20260112090000|127.0.0.1|Truy van MC1"
    assert body["vnp_SecureHash"] == hmac512(expected)


def test_refund_checksum_joins_raw_values_in_the_fixed_order():
    body = protocol.refund_request(
        tmn_code="TMN00001",
        secret=SECRET,
        request_id="r2",
        txn_ref="MC1",
        amount=50_000,
        full=True,
        transaction_no="14000001",
        transaction_date="20260112090000",
        create_by="motcua",
        created=CREATED,
        ip="127.0.0.1",
        order_info="Hoan tien MC1",
    )
    expected = (
        "r2|2.1.0|refund|TMN00001|02|MC1|5000000|14000001|20260112090000|motcua|20260112090000|127.0.0.1|Hoan tien MC1"
    )
    assert body["vnp_SecureHash"] == hmac512(expected)


def test_querydr_answer_is_signed_over_fifteen_fields_promotions_included_even_empty():
    answer = {
        "vnp_ResponseId": "x",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "ok",
        "vnp_TmnCode": "T",
        "vnp_TxnRef": "MC1",
        "vnp_Amount": "5000000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260112091000",
        "vnp_TransactionNo": "1",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "o",
    }
    signature = hmac512("x|querydr|00|ok|T|MC1|5000000|NCB|20260112091000|1|01|00|o||")
    assert protocol.verify_checksum({**answer, "vnp_SecureHash": signature}, protocol.QUERYDR_RESPONSE_FIELDS, SECRET)


def test_secrets_come_from_settings_and_the_demo_secret_only_reaches_the_simulator(settings, monkeypatch):
    for name in ("VNPAY_TMN_CODE", "VNPAY_HASH_SECRET", "VNPAY_PAYMENT_URL", "VNPAY_API_URL"):
        monkeypatch.delenv(name, raising=False)
    assert conf.vnpay().hash_secret == protocol.DEMO_HASH_SECRET  # the simulator on this machine
    settings.VNPAY_PAYMENT_URL = "https://pay.vnpay.vn/vpcpay.html"
    settings.VNPAY_API_URL = "https://merchant.vnpay.vn/merchant_webapi/api/transaction"
    with pytest.raises(ImproperlyConfigured):
        conf.vnpay()
    monkeypatch.setenv("VNPAY_TMN_CODE", "REAL0001")
    monkeypatch.setenv("VNPAY_HASH_SECRET", "from-the-environment")
    configured = conf.vnpay()
    assert (configured.tmn_code, configured.hash_secret, configured.reconciliation_url) == (
        "REAL0001",
        "from-the-environment",
        "",
    )
