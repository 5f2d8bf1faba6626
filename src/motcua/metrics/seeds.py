"""The index schemes motcua starts with (editable afterwards in admin, or replaced by a newer one).

- Decision 766/QĐ-TTg (2022): five groups of 18/20/22/22/18 points. The decision's summary confirms
  1.2 = 4, 2.1 = 20 and 5.4 = 6; the other sub-indicator points follow the national dashboard.
- The national portal's evaluation since 2024: the same indicators with online service (12) and
  online payment (10) as separate groups, as its dashboard shows them.

Thresholds: at or above, full points; below, points × rate ÷ threshold (3.1 80 %, 3.3 50 %, 3.5 and
3.5b 80 %, 4.3 80 %, 5.4 90 %; elsewhere 100 %, i.e. points × rate).
"""

# (group code, group name, [(code, name, measure, points, threshold, when_empty)])
TRANSPARENCY = (
    "cong-khai",
    "Công khai, minh bạch",
    [
        ("1.1", "Thủ tục hành chính được công bố đúng hạn", "procedures_announced", 6, 100, "full"),
        ("1.2", "Thủ tục hành chính được cập nhật, công khai đúng hạn", "procedures_updated", 4, 100, "full"),
        ("1.3", "Thủ tục hành chính công khai đầy đủ các nội dung", "procedures_complete", 2, 100, "full"),
        ("1.4", "Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia", "dossiers_synced", 6, 100, "full"),
    ],
)
PROGRESS = (
    "tien-do",
    "Tiến độ, kết quả giải quyết",
    [
        ("2.1", "Hồ sơ giải quyết trước hạn, đúng hạn", "on_time", 20, 100, "full"),
        ("2.2", "Thời gian giải quyết trung bình một thủ tục", "resolution_time", 0, 100, "full"),
    ],
)
ONLINE = [
    ("3.1", "Thủ tục hành chính cung cấp dịch vụ công trực tuyến", "procedures_online", 2, 80, "full"),
    ("3.2", "Dịch vụ công trực tuyến có phát sinh hồ sơ trực tuyến", "online_procedures_used", 4, 100, "full"),
    ("3.3", "Hồ sơ tiếp nhận trực tuyến", "online_share", 6, 50, "full"),
]
PAYMENT = [
    ("3.5", "Thủ tục có nghĩa vụ tài chính được thanh toán trực tuyến", "fee_procedures_online", 2, 80, "full"),
    (
        "3.5b",
        "Thủ tục có nghĩa vụ tài chính có giao dịch thanh toán trực tuyến",
        "fee_procedures_paid_online",
        2,
        80,
        "full",
    ),
    ("3.6", "Hồ sơ thanh toán trực tuyến", "paid_online", 6, 100, "full"),
]
DIGITIZATION = (
    "so-hoa",
    "Số hóa hồ sơ",
    [
        ("4.1", "Hồ sơ cấp kết quả điện tử", "e_result", 6, 100, "full"),
        ("4.2", "Hồ sơ được số hóa", "digitized", 4, 100, "full"),
        ("4.2b", "Cấp bản sao điện tử có chứng thực", "certified_copies", 2, 100, "full"),
        ("4.3", "Khai thác, sử dụng lại dữ liệu đã số hóa", "reused", 2, 80, "full"),
        ("4.4", "Hồ sơ đồng bộ với kho dữ liệu của cá nhân, tổ chức", "warehouse", 4, 100, "full"),
        ("4.5", "Hồ sơ sử dụng dữ liệu dân cư (tài khoản định danh điện tử)", "population_data", 4, 100, "full"),
    ],
)
SATISFACTION = (
    "hai-long",
    "Mức độ hài lòng",
    [
        ("5.1", "Phân loại phản ánh, kiến nghị (theo dõi)", "feedback_classified", 0, 100, "full"),
        ("5.2", "Phản ánh, kiến nghị được xử lý đúng hạn", "feedback_on_time", 6, 100, "full"),
        ("5.3", "Mức độ hài lòng trong xử lý phản ánh, kiến nghị", "feedback_satisfaction", 6, 100, "full"),
        ("5.4", "Mức độ hài lòng trong giải quyết thủ tục hành chính", "dossier_satisfaction", 6, 90, "zero"),
    ],
)

SCHEMES = [
    (
        "Quyết định 766/QĐ-TTg",
        "2022-08-01",
        "Bộ chỉ số theo Quyết định 766/QĐ-TTg ngày 23/6/2022: 5 nhóm, 100 điểm.",
        [
            TRANSPARENCY,
            PROGRESS,
            ("truc-tuyen", "Cung cấp dịch vụ trực tuyến", ONLINE + PAYMENT),
            DIGITIZATION,
            SATISFACTION,
        ],
    ),
    (
        "Cổng Dịch vụ công quốc gia (trực tuyến 12 + thanh toán 10)",
        "2024-01-01",
        "Cách tính đang áp dụng trên Cổng Dịch vụ công quốc gia: nhóm dịch vụ trực tuyến 12 điểm "
        "và nhóm thanh toán trực tuyến 10 điểm.",
        [
            TRANSPARENCY,
            PROGRESS,
            ("truc-tuyen", "Cung cấp dịch vụ công trực tuyến", ONLINE),
            ("thanh-toan", "Thanh toán trực tuyến", PAYMENT),
            DIGITIZATION,
            SATISFACTION,
        ],
    ),
]


def load(Scheme, Group, Indicator) -> None:
    """Create the schemes above (models passed in, so that a migration can use its own)."""
    import datetime as dt

    for name, effective_from, note, groups in SCHEMES:
        scheme, created = Scheme.objects.get_or_create(
            effective_from=dt.date.fromisoformat(effective_from), defaults={"name": name, "note": note}
        )
        if not created:
            continue
        for position, (code, group_name, indicators) in enumerate(groups):
            group = Group.objects.create(scheme=scheme, position=position, code=code, name=group_name)
            Indicator.objects.bulk_create(
                Indicator(
                    group=group,
                    position=i,
                    code=c,
                    name=n,
                    measure=m,
                    points=p,
                    threshold=t,
                    when_empty=w,
                )
                for i, (c, n, m, p, t, w) in enumerate(indicators)
            )
