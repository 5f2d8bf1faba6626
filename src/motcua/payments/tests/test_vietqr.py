"""VietQR: the transfer QR payload (EMVCo merchant-presented, NAPAS's ID 38) with the invoice
reference in the additional data, and bank statements matched to invoices by reference and amount."""

import pytest

from motcua.payments import services
from motcua.payments.contrib.vietqr import emvco
from motcua.payments.contrib.vietqr.plugin import transfer_for
from motcua.payments.contrib.vietqr.statement import StatementError, read_csv
from motcua.payments.models import Discrepancy, Payment, Refund


def test_crc_is_ccitt_false():
    assert emvco.crc16("123456789") == "29B1"


def test_payload_carries_account_amount_and_reference():
    payload = emvco.vietqr_payload(
        bank_bin="970415",
        account_no="113000006868",
        amount=50_000,
        bill_number="MCABCDEFGH",
        purpose="MCABCDEFGH NOP PHI",
    )
    fields = emvco.parse(payload)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["53"] == "704" and fields["58"] == "VN"
    assert fields["54"] == "50000"
    merchant = emvco.parse(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert emvco.parse(merchant["01"]) == {"00": "970415", "01": "113000006868"}
    assert emvco.parse(fields["62"]) == {"01": "MCABCDEFGH", "08": "MCABCDEFGH NOP PHI"}
    assert payload[-8:-4] == "6304" and emvco.crc16(payload[:-4]) == payload[-4:]


def test_values_must_be_ascii_and_short():
    with pytest.raises(ValueError, match="ASCII"):
        emvco.field("08", "Nộp phí")
    with pytest.raises(ValueError, match="99"):
        emvco.field("08", "x" * 100)


def test_statement_csv_in_vietnamese_with_thousand_dots():
    rows = read_csv(
        "Ngày giao dịch;Số tiền ghi có;Nội dung;Số tham chiếu\n"
        "12/01/2026;50.000;IBFT MCABCDEFGH NOP PHI;FT001\n"
        "12/01/2026;75,000 VND;chuyen tien mc-abcd efgh2;FT002\n".encode()
    )
    assert [(r.line, r.amount, r.bank_ref) for r in rows] == [(2, 50_000, "FT001"), (3, 75_000, "FT002")]
    assert rows[0].references() == ["MCABCDEFGH"]
    assert rows[1].references() == ["MCABCDEFGH"]  # banks drop punctuation and spaces: still found
    with pytest.raises(StatementError):
        read_csv(b"date,amount,description\n12/01/2026,50.5,x\n")
    with pytest.raises(StatementError):
        read_csv(b"foo,bar\n1,2\n")


@pytest.mark.django_db
def test_statement_lines_pay_their_invoices_once(accept, invoice_of, finance):
    first, second, third = (invoice_of(accept(fees_collected=0)) for _ in range(3))
    assert transfer_for(first).content == f"{first.reference} NOP PHI"
    csv = (
        "date,amount,description,reference\n"
        f"12/01/2026,50000,{first.reference} NOP PHI,FT1\n"
        f"12/01/2026,40000,{second.reference} nop thieu,FT2\n"
        "12/01/2026,50000,chuyen khoan khong ghi ma,FT3\n"
        f"12/01/2026,50000,{first.reference} lan hai,FT4\n"
    ).encode()
    with pytest.raises(services.NotAllowed):
        services.import_statement(read_csv(csv), finance["receptionist"])
    outcomes = services.import_statement(read_csv(csv), finance["head"])
    assert [o.result for o in outcomes] == ["paid", "amount_mismatch", "unmatched", "not_due"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, third.status) == ("paid", "open", "open")
    assert Payment.objects.get(txn_ref="FT1").settled_by == "statement"
    assert set(Discrepancy.objects.values_list("kind", flat=True)) == {
        "amount_mismatch",
        "unmatched_transfer",
        "double_payment",
    }
    refund = Refund.objects.get()
    assert (refund.payment.txn_ref, refund.by_hand) == ("FT4", True)  # a transfer goes back by hand

    again = services.import_statement(read_csv(csv), finance["head"])
    assert [o.result for o in again] == ["duplicate"] * 4
    assert Payment.objects.filter(gateway="vietqr").count() == 3
