"""Generate an N-row Pinduoduo-layout XLSX (11 columns, inline strings) for the XLSX benchmark.

    python benchmarks/gen_pdd_xlsx.py 200000 /tmp/pdd_200k.xlsx

Deterministic. openpyxl's write-only mode keeps memory flat while writing; 200,000 rows take
about 20 s and give 121 MB of sheet XML, enough to exercise the streaming reader.
"""

from __future__ import annotations

import argparse

import openpyxl

HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "用户实付金额(元)", "商品数量(件)",
          "商品id", "售后状态", "订单成交时间", "收货地址"]  # fmt: skip


def write(path: str, count: int) -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("订单列表")
    sheet.append(HEADER)
    for n in range(count):
        sheet.append([
            f"商品{n % 50}", f"261027-{n:012d}", "已签收", 100.5 + n % 100, 8.0, 108.5 + n % 100, 1,
            800000 + n % 7, "无售后或售后取消", "2026-10-17 23:38:00", "广东省 深圳市 南山区 科技园",
        ])  # fmt: skip
    workbook.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("path")
    args = parser.parse_args()
    write(args.path, args.rows)


if __name__ == "__main__":
    main()
