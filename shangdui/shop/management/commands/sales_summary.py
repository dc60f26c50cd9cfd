"""``shangdui sales-summary --shop NAME [--from DATE] [--to DATE] --json``"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangdui.shop import selectors
from shangdui.shop.management.commands._common import organization_from_option
from shangdui.shop.models import Shop


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        raise CommandError(f"日期格式应为 2026-11-01：{text}") from None


class Command(BaseCommand):
    help = "店铺销售汇总（来自已导入的订单）：订单数、付款订单数、付款金额、退款、净销售额。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shop", required=True, help="店铺名称")
        parser.add_argument("--from", dest="date_from", default="", help="起始日期（含），如 2026-11-01")
        parser.add_argument("--to", dest="date_to", default="", help="截止日期（含）")
        parser.add_argument("--org", default="", help="组织标识（slug）；只有一个组织时可省略")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_from_option(options["org"])
        shop = Shop.objects.filter(organization=organization, name=options["shop"]).first()
        if shop is None:
            raise CommandError(f"店铺不存在：{options['shop']}")
        orders = selectors.orders_in(
            organization_id=organization.id, shop_ids=[shop.id],
            start=_date(options["date_from"]) if options["date_from"] else None,
            end=_date(options["date_to"]) if options["date_to"] else None)
        figures = selectors.figures_json(selectors.sales_figures(orders))
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{shop.name}：订单 {figures['orders']}，付款订单 {figures['paid_orders']}，"
                f"付款金额 ¥{figures['paid_gmv']}，退款 ¥{figures['refunds']}，净销售额 ¥{figures['net_sales']}")
