"""The demo's service quality index set, in the style of Decision 766/QĐ-TTg (2022).

Six groups weighing 18 (transparency), 20 (processing progress), 12 (online services),
10 (online payment), 22 (digitisation) and 18 (satisfaction) points: 100 in all. The
points are data: change them in the admin (/quan-tri/service_quality/indexset/).
"""

from __future__ import annotations

from decimal import Decimal

from dichvucong.reporting.quality.models import Computation, IndicatorGroup
from dichvucong.reporting.quality.services import IndicatorSpec, index_set_upsert

DEMO_INDEX_SET = "bp-chat-luong-phuc-vu"

DEMO_INDICATORS = [
    IndicatorSpec(
        group=IndicatorGroup.TRANSPARENCY,
        code="CK1",
        name="Thủ tục hành chính được công khai đầy đủ thông tin",
        measures="Tỷ lệ thủ tục của cơ quan có đủ các thông tin phải công khai theo "
        "Thông tư 32/2017/TT-BTTTT Điều 5 khoản 1 (đạt mức độ 1 trở lên).",
        computation=Computation.PROCEDURES_PUBLISHED,
        max_points=Decimal(10),
    ),
    IndicatorSpec(
        group=IndicatorGroup.TRANSPARENCY,
        code="CK2",
        name="Thủ tục có đủ biểu mẫu, tờ khai để tải về",
        measures="Tỷ lệ thủ tục của cơ quan mà mọi mẫu đơn, tờ khai đều tải về được "
        "(đạt mức độ 2 trở lên).",
        computation=Computation.FORMS_DOWNLOADABLE,
        max_points=Decimal(8),
    ),
    IndicatorSpec(
        group=IndicatorGroup.PROGRESS,
        code="TD1",
        name="Hồ sơ được giải quyết đúng hạn",
        measures="Tỷ lệ hồ sơ trả kết quả trong kỳ được trả trước hạn hoặc đúng hạn.",
        computation=Computation.PROCESSED_ON_TIME,
        max_points=Decimal(14),
    ),
    IndicatorSpec(
        group=IndicatorGroup.PROGRESS,
        code="TD2",
        name="Hồ sơ đang giải quyết còn trong hạn",
        measures="Tỷ lệ hồ sơ đang giải quyết (cuối kỳ) chưa quá hạn.",
        computation=Computation.IN_PROGRESS_WITHIN,
        max_points=Decimal(6),
    ),
    IndicatorSpec(
        group=IndicatorGroup.ONLINE_SERVICE,
        code="DV1",
        name="Thủ tục cung cấp dịch vụ công trực tuyến mức độ 3 trở lên",
        measures="Tỷ lệ thủ tục của cơ quan đạt mức độ 3 trở lên theo cấu hình thực tế.",
        computation=Computation.PROCEDURES_LEVEL3,
        max_points=Decimal(3),
    ),
    IndicatorSpec(
        group=IndicatorGroup.ONLINE_SERVICE,
        code="DV2",
        name="Thủ tục cung cấp dịch vụ công trực tuyến mức độ 4",
        measures="Tỷ lệ thủ tục của cơ quan đạt mức độ 4 theo cấu hình thực tế.",
        computation=Computation.PROCEDURES_LEVEL4,
        max_points=Decimal(3),
    ),
    IndicatorSpec(
        group=IndicatorGroup.ONLINE_SERVICE,
        code="DV3",
        name="Hồ sơ được nộp trực tuyến",
        measures="Tỷ lệ hồ sơ tiếp nhận trong kỳ được nộp trực tuyến.",
        computation=Computation.RECEIVED_ONLINE,
        max_points=Decimal(6),
    ),
    IndicatorSpec(
        group=IndicatorGroup.ONLINE_PAYMENT,
        code="TT1",
        name="Thủ tục có phí, lệ phí cho phép thanh toán trực tuyến",
        measures="Tỷ lệ thủ tục có phí, lệ phí của cơ quan đã bật thanh toán trực tuyến.",
        computation=Computation.PAYMENT_ENABLED,
        max_points=Decimal(4),
    ),
    IndicatorSpec(
        group=IndicatorGroup.ONLINE_PAYMENT,
        code="TT2",
        name="Hồ sơ được thanh toán trực tuyến",
        measures="Số hồ sơ thanh toán trực tuyến trong kỳ so với số hồ sơ tiếp nhận.",
        computation=Computation.PAID_ONLINE,
        max_points=Decimal(6),
    ),
    IndicatorSpec(
        group=IndicatorGroup.DIGITISATION,
        code="SH1",
        name="Hồ sơ có thành phần được số hóa",
        measures="Tỷ lệ hồ sơ tiếp nhận trong kỳ có ít nhất một thành phần hồ sơ điện tử.",
        computation=Computation.DOCUMENTS_DIGITISED,
        max_points=Decimal(11),
    ),
    IndicatorSpec(
        group=IndicatorGroup.DIGITISATION,
        code="SH2",
        name="Kết quả giải quyết được cấp bản điện tử có ký số",
        measures="Số kết quả điện tử có chữ ký số của cơ quan phát hành trong kỳ so với "
        "số hồ sơ đã giải quyết.",
        computation=Computation.RESULTS_SIGNED,
        max_points=Decimal(11),
    ),
    IndicatorSpec(
        group=IndicatorGroup.SATISFACTION,
        code="HL1",
        name="Người dân, doanh nghiệp hài lòng",
        measures="Tỷ lệ đánh giá trong kỳ ở mức “Rất hài lòng” hoặc “Hài lòng”.",
        computation=Computation.SATISFIED,
        max_points=Decimal(14),
    ),
    IndicatorSpec(
        group=IndicatorGroup.SATISFACTION,
        code="HL2",
        name="Hồ sơ được người dân, doanh nghiệp đánh giá",
        measures="Số đánh giá trong kỳ so với số hồ sơ đã giải quyết.",
        computation=Computation.RATED,
        max_points=Decimal(4),
    ),
]


def demo_service_quality_load() -> int:
    """Load (or update) the demo index set and make it active; return 1 if it changed."""
    _, changed = index_set_upsert(
        code=DEMO_INDEX_SET,
        name="Bộ chỉ số chất lượng phục vụ người dân, doanh nghiệp (mẫu)",
        description="Theo cấu trúc Bộ chỉ số ban hành kèm Quyết định 766/QĐ-TTg ngày "
        "23/6/2022: sáu nhóm chỉ số, tổng 100 điểm.",
        indicators=DEMO_INDICATORS,
        activate=True,
    )
    return int(changed)
