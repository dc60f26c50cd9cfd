"""``shangdui import-orders --shop NAME [--platform auto|taobao|jd|pdd|douyin|other] [--json] FILE...``

``other``: a shop on another platform, read with the column mapping saved on the shop's page (an
existing "other" shop uses it with ``auto`` too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangdui.shop.importers import ImportFileError, detect_platform
from shangdui.shop.imports import orders_import
from shangdui.shop.management.commands._common import organization_from_option
from shangdui.shop.models import Shop
from shangdui.shop.services import shop_get_or_create


class Command(BaseCommand):
    help = "导入平台订单导出文件（淘宝/天猫、京东、拼多多、抖店；其他平台按店铺保存的列映射）。店铺不存在时自动创建。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--shop", required=True, help="店铺名称")
        parser.add_argument("--platform", default="auto", choices=["auto", "taobao", "jd", "pdd", "douyin", "other"])
        parser.add_argument("--org", default="", help="组织标识（slug）；只有一个组织时可省略")
        parser.add_argument("--json", action="store_true", help="每个文件输出一行 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_from_option(options["org"])
        failed = False
        for name in options["files"]:
            path = Path(name)
            try:
                if not path.is_file():
                    raise ImportFileError(f"文件不存在：{name}")
                platform = options["platform"]
                shop = Shop.objects.filter(organization=organization, name=options["shop"]).first()
                if shop is None:
                    shop = shop_get_or_create(organization=organization, name=options["shop"],
                                              platform=platform if platform != "auto" else detect_platform(path))
                result = orders_import(organization=organization, shop=shop, source=path, file_name=name,
                                       platform=platform, max_errors=None)
            except ImportFileError as exc:
                failed = True
                if options["json"]:
                    self.stdout.write(json.dumps({"file": name, "error": exc.message}, ensure_ascii=False))
                else:
                    self.stderr.write(f"{name}: {exc.message}")
                continue
            result.pop("error_count", None)
            if options["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            else:
                self.stdout.write(
                    f"{name}: {result['platform']} {result['orders']} 单，付款 {result['paid_orders']} 单，"
                    f"GMV {result['paid_gmv']}，退款 {result['refunds']}，净销售额 {result['net_sales']}；"
                    f"新增 {result['created']}，更新 {result['updated']}，未变 {result['unchanged']}，"
                    f"错误行 {len(result['errors'])}")
                for error in result["errors"]:
                    self.stdout.write(f"  第 {error['row']} 行：{error['message']}")
        if failed:
            raise CommandError("部分文件未导入。")
