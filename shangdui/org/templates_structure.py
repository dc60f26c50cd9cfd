"""The department structure good e-commerce teams use (one-click template)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

# (kind, Chinese name, responsibilities). Names and responsibilities are stored in the
# organization's language (Chinese); the UI label of the *kind* is translated.
DEPARTMENT_TEMPLATE: list[tuple[str, str, list[str]]] = [
    ("operations", "运营部", ["数据分析", "活动策划与报名", "页面与详情优化", "推广投放", "竞品监控"]),
    ("design", "设计部", ["店铺首页设计", "商品详情页设计", "主图与修图", "活动海报与视觉", "短视频素材"]),
    ("customer_service", "客服部",
     ["售前咨询与导购", "售中跟进（催付、物流关怀）", "售后处理（退换货、投诉）", "评价维护"]),
    ("logistics", "物流部", ["订单转运单", "打包发货", "快递对接与运费核算", "库存与异常件处理"]),
    ("sales", "销售部", ["客户开发与拜访", "需求沟通与报价", "谈判与成交", "客户维护与回访"]),
]

DEFAULT_STRENGTHS = ["细心", "沟通", "数据分析", "文案", "修图", "谈判", "活动策划", "售后处理", "打包", "视频剪辑"]

# Marked for translation so that makemessages keeps these kind names in the catalogue.
_KIND_LABELS = [N_("Operations"), N_("Design"), N_("Customer service"), N_("Logistics"), N_("Sales")]
