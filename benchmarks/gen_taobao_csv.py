"""Generate an N-row Taobao order-report CSV in GBK (the seller back end's layout).

    python benchmarks/gen_taobao_csv.py 1000000 /tmp/taobao_1m.csv [--seed 42]

Deterministic for a given seed.  About 5% unpaid, 10% closed (refunded),
ids written as ="…" and masked phones, like a real export.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta

HEADER = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
    "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名", "收货地址",
    "运送方式", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "宝贝标题", "宝贝种类", "物流单号",
    "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称", "订单关闭原因", "卖家服务费", "买家服务费",
    "发票抬头", "是否手机订单",
]  # fmt: skip
NAMES = ["赵敏", "王芳", "刘洋", "陈静", "张伟", "李娜", "杨磊", "黄强"]
ADDRESSES = [
    "广东省 深圳市 南山区 科技园", "浙江省 杭州市 西湖区 文三路", "北京 北京市 朝阳区 望京街道",
    "湖北省 武汉市 洪山区 珞喻路", "四川省 成都市 武侯区 人民南路",
]  # fmt: skip
TITLES = ["智利车厘子 2斤装", "空气净化器 除甲醛", "蓝牙降噪耳机 Pro", "有机婴儿奶粉 3段 800g",
          "龙井茶叶礼盒 250g"]  # fmt: skip
CARRIERS = ["顺丰速运", "中通快递", "圆通速递", "韵达快递"]
PAID_STATUSES = ["交易成功", "交易成功", "交易成功", "卖家已发货，等待买家确认", "买家已付款，等待卖家发货"]


def rows(count: int, seed: int):
    rng = random.Random(seed)
    start = datetime(2026, 10, 1)
    for n in range(count):
        goods = rng.randint(1000, 200000) / 100
        fee = rng.choice((0, 0, 8, 12))
        total = goods + fee
        created = start + timedelta(seconds=rng.randint(0, 30 * 86400))
        roll = rng.random()
        paid = roll >= 0.05
        status = "等待买家付款" if not paid else ("交易关闭" if roll < 0.15 else rng.choice(PAID_STATUSES))
        paid_time = created + timedelta(minutes=rng.randint(1, 90))
        paid_at = paid_time.strftime("%Y-%m-%d %H:%M:%S") if paid else ""
        name = rng.choice(NAMES)
        yield [
            f'="39{n:017d}"', f"tb_{name}{n}", "***", f"{goods:.2f}", f"{fee:.2f}", "0", f"{total:.2f}", "0",
            f"{total if paid else 0:.2f}", "0", status, "", name, rng.choice(ADDRESSES), "快递", "",
            f"138****{n % 10000:04d}", created.strftime("%Y-%m-%d %H:%M:%S"), paid_at, rng.choice(TITLES),
            "1", f'="{rng.randint(10**11, 10**12 - 1)}"' if paid else "",
            rng.choice(CARRIERS) if paid else "",
            "", str(rng.randint(1, 5)), "12345678", "棉语旗舰店", "", "0", "0", "", "手机订单",
        ]  # fmt: skip


def write(path: str, count: int, seed: int = 42) -> None:
    with open(path, "w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int)
    parser.add_argument("path")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    write(args.path, args.rows, args.seed)


if __name__ == "__main__":
    main()
