"""Small in-memory order exports for the importer tests."""

from __future__ import annotations

import csv
import io
import random
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


# --- Randomised one-row-per-order exports: plain rows mixed with every kind of odd cell ---------

PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "用户实付金额(元)", "商品数量(件)",
              "商品id", "售后状态", "订单创建时间", "订单成交时间", "收货人", "手机", "收货地址", "商品规格",
              "商家编码-规格维度", "退款金额"]  # fmt: skip

ODD_AMOUNTS = ["", "-", "0", "0.5", "10", "¥1,234.5", "12元多", "1e400", " 12.30 ", "007", "1234567890123",
               "999999999999.99", "-5.00", "1_000", "12.345", "０", "NULL", "1,000.00", "￥ 12", "0.00",
               ".5", "5.", "100000000000"]  # fmt: skip
ODD_TIMES = ["", "-", "0000-00-00 00:00:00", "1970-01-01 08:00:00", "1970-01-01", "2026/1/5 8:03",
             "2026年10月7日 10:45", "2026-02-30 10:00:00", "2026-10-07 24:00:00", "2026-10-07 23:60:00",
             "2026-10-07 23:59:60", "2026-10-07T10:45:00", "2026-10-07", "2026-10-07 10:45", "1991-06-01 12:00:00",
             "1992-01-01 03:00:00", "2099-12-31 23:59:59", "2100-01-01 00:00:00", "20261007104500",
             "2026-10-07 10:45:00+00:00", "2026-10-07 07:59:59", " 2026-10-07 10:45:00 ", "2026-W40-1", "bad",
             "2024-02-29 00:00:00", "2026-03-01 07:00", "2026-10-07 10:45:00.5", "null",
             "1986-05-04 12:00:00"]  # fmt: skip
ODD_IDS = ['="-"', "", "-", "'1234567", "=1234567", "\t7654321", '=""', ' ="3900000000099" ', "无", "12 34",
           '="3900"0"']  # fmt: skip
ODD_QUANTITIES = ["", "0", "2.0", "1,000", "x", "-1", " 3 ", "1e3", "0003", "-"]
ODD_TEXTS = ["tab\there", "back\\slash", "new\nline", "carriage\rreturn", "\\N", "长" * 300, "##9f3a9f3a",
             "$$a1b2", "~~ x", "138****0000", "***", "null", "-", " padded ", "退款成功", "交易关闭",
             "'quoted", "=formula"]  # fmt: skip
ODD_STATUSES = ["交易关闭", "交易成功", "-", "", "退款成功", " 交易关闭 "]


def _plain_time(rng: random.Random) -> str:
    year = rng.choice((1992, 2000, 2026, 2026, 2026, 2099))
    moment = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    shape = rng.random()
    if shape < 0.8:
        return f"{moment} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    return f"{moment} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}" if shape < 0.9 else moment


def _plain_amount(rng: random.Random) -> str:
    cents = rng.choice((0, rng.randint(1, 99), rng.randint(100, 10**6), rng.randint(10**6, 10**13)))
    text = f"{cents // 100}.{cents % 100:02d}"
    return rng.choice((text, text.rstrip("0").rstrip("."), text))


def fuzzed_rows(platform: str, count: int, seed: int) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` of a Taobao or PDD export where about half the rows carry an odd cell
    (placeholders, noisy amounts, other date forms, bad values, duplicates, refunds, COPY's special
    characters, overlong text, short or long rows)."""
    rng = random.Random(seed)
    header = TAOBAO_HEADER + ["退款金额"] if platform == "taobao" else PDD_HEADER
    kinds: dict[str, list[int]] = (
        {"id": [0], "amount": [3, 4, 5, 6, 16], "time": [12, 13], "quantity": [15], "status": [7],
         "text": [1, 2, 8, 9, 10, 11, 14]}
        if platform == "taobao" else
        {"id": [1], "amount": [3, 4, 5, 16], "time": [9, 10], "quantity": [6], "status": [8, 2],
         "text": [0, 7, 11, 12, 13, 14, 15]}
    )  # fmt: skip
    odd = {"id": ODD_IDS, "amount": ODD_AMOUNTS, "time": ODD_TIMES, "quantity": ODD_QUANTITIES,
           "status": ODD_STATUSES, "text": ODD_TEXTS}  # fmt: skip
    ids: list[str] = []
    rows: list[list[str]] = []
    for n in range(count):
        if platform == "taobao":
            row = taobao_row(n, paid=_plain_amount(rng), paid_at=_plain_time(rng) if rng.random() < 0.9 else "",
                             status=rng.choice(("交易成功", "交易成功", "交易关闭", "等待买家付款")))
            row[12] = _plain_time(rng)
            row[15] = str(rng.randint(0, 20))
            row.append(rng.choice(("", "", "0", "0.00", _plain_amount(rng))))
        else:
            oid = f"261027-{n:012d}"
            row = [f"商品{n % 7}", oid, rng.choice(("已签收", "待发货")), _plain_amount(rng), _plain_amount(rng),
                   _plain_amount(rng), str(rng.randint(1, 9)), str(800000 + n % 7),
                   rng.choice(("无售后或售后取消", "退款成功", "退款中")), _plain_time(rng),
                   _plain_time(rng) if rng.random() < 0.9 else "", "张伟", "138****1000", "广东省 深圳市 南山区",
                   "3段", "SKU-1", rng.choice(("", "0", _plain_amount(rng)))]  # fmt: skip
        ids.append(row[kinds["id"][0]])
        roll = rng.random()
        if roll < 0.5:
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(list(kinds))
                row[rng.choice(kinds[kind])] = rng.choice(odd[kind])
        elif roll < 0.53:
            row[kinds["id"][0]] = rng.choice(ids)  # a duplicate (or the row's own id)
        elif roll < 0.55:
            row = row[: rng.randint(1, len(row) - 1)]  # a short row
        elif roll < 0.57:
            row = row + ["extra", "cells"]
        elif roll < 0.58:
            row = [""] * len(row)  # a blank row: skipped, but still numbered
        rows.append(row)
    return header, rows
