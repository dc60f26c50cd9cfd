"""Small in-memory order exports for the importer tests."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[4]
SAMPLES = REPO_ROOT / ".." / "shared" / "samples" / "orders"

TAOBAO_HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "总金额",
    "买家实际支付金额", "订单状态", "收货人姓名", "收货地址", "联系电话", "联系手机",
    "订单创建时间", "订单付款时间", "宝贝标题", "宝贝总数量",
]  # fmt: skip


def taobao_row(
    n: int,
    *,
    paid: str = "100.00",
    status: str = "交易成功",
    paid_at: str = "2026-10-07 11:46:00",
    order_id: str | None = None,
) -> list[str]:
    oid = order_id or f'="39000000000{n:08d}"'
    return [
        oid, f"tb_买家{n}", "***", paid, "0.00", paid, paid, status, "张伟",
        "广东省 深圳市 南山区 科技园", "", "138****1000", "2026-10-07 10:45:00", paid_at,
        "智利车厘子 2斤装", "1",
    ]  # fmt: skip


JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "下单时间", "京东价", "应付金额", "订单状态",
             "客户姓名", "客户地址", "联系电话", "运费金额", "付款确认时间", "货号"]  # fmt: skip


def jd_row(order: str, product: str, qty: int, price: str, payable: str, status: str = "完成") -> list[str]:
    return [order, product, f"商品{product}", str(qty), "2026-10-24 09:57:00", price, payable,
            status, "陈静", "浙江省 杭州市 西湖区 文三路", "139****0000", "0.00",
            "2026-10-24 11:15:00", "SKU"]  # fmt: skip


DOUYIN_HEADER = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "订单应付金额", "运费",
                 "收件人", "收件人手机号", "详细地址", "订单提交时间", "支付完成时间", "订单状态",
                 "售后状态"]  # fmt: skip


def douyin_row(
    order: str, sub: str, amount: str, after_sale: str = "-", paid_at: str = "2026-10-30 14:48:00"
) -> list[str]:
    return ["\t" + order, "\t" + sub, "有机婴儿奶粉 3段 800g", "3段", "1", amount, "0.00",
            "##9f3a9f3a", "$$a1b2a1b2", "##c3d4c3d4", "2026-10-30 14:41:00", paid_at, "已完成",
            after_sale]  # fmt: skip


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "gb18030", newline: str = "\r\n") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header: list[object], rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(data: bytes, replace: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Copy of an XLSX with some members replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            if info.filename not in replace:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in replace.items():
            target.writestr(name, content)
    return out.getvalue()
