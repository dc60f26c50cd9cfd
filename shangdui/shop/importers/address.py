"""Split a Chinese delivery address into province / city / district / street.

Carrier bulk-upload sheets (SF, ZTO, YTO, Yunda) want the four parts in
separate columns.  Platform exports write addresses either with blanks between
the parts ("广东省 深圳市 南山区 科技园路1号") or run together
("浙江省杭州市西湖区文三路"); both are handled.  Province names are a bundled,
complete list (they change rarely); cities and districts are recognised by
their administrative suffixes, which is what carriers' own parsers do.  The
``cpca`` package was considered but does not import on current setuptools
(it needs ``pkg_resources``) and carries 2018 data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import is_encrypted

# (official name, short names) of the 34 province-level divisions.
PROVINCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("北京市", ("北京",)), ("天津市", ("天津",)), ("上海市", ("上海",)), ("重庆市", ("重庆",)),
    ("河北省", ("河北",)), ("山西省", ("山西",)), ("辽宁省", ("辽宁",)), ("吉林省", ("吉林",)),
    ("黑龙江省", ("黑龙江",)), ("江苏省", ("江苏",)), ("浙江省", ("浙江",)), ("安徽省", ("安徽",)),
    ("福建省", ("福建",)), ("江西省", ("江西",)), ("山东省", ("山东",)), ("河南省", ("河南",)),
    ("湖北省", ("湖北",)), ("湖南省", ("湖南",)), ("广东省", ("广东",)), ("海南省", ("海南",)),
    ("四川省", ("四川",)), ("贵州省", ("贵州",)), ("云南省", ("云南",)), ("陕西省", ("陕西",)),
    ("甘肃省", ("甘肃",)), ("青海省", ("青海",)), ("台湾省", ("台湾",)),
    ("内蒙古自治区", ("内蒙古",)), ("广西壮族自治区", ("广西", "广西自治区")),
    ("西藏自治区", ("西藏",)), ("宁夏回族自治区", ("宁夏", "宁夏自治区")),
    ("新疆维吾尔自治区", ("新疆", "新疆自治区")),
    ("香港特别行政区", ("香港",)), ("澳门特别行政区", ("澳门",)),
)  # fmt: skip
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})

# Longest spelling first, so that "内蒙古自治区" wins over "内蒙古".
_PROVINCE_SPELLINGS = sorted(
    ((spelling, name) for name, shorts in PROVINCES for spelling in (name, *shorts)),
    key=lambda pair: -len(pair[0]),
)
# Prefecture level: 深圳市, 延边朝鲜族自治州, 大兴安岭地区, 阿拉善盟.
_CITY_RE = re.compile(r"([^\s\d]{1,12}?(?:自治州|地区|盟|市))")
# County level: 南山区, 浦东新区, 昆山市, 长白朝鲜族自治县, 鄂托克前旗.  Kept short so
# that "阳光花园小区" in a street is not taken for a district.
_DISTRICT_RE = re.compile(r"([^\s\d]{1,12}?自治[县旗]|[^\s\d]{1,5}?(?:新区|区|县|旗|市))")
_NOT_DISTRICTS = ("小区", "社区", "校区", "景区", "厂区", "营区", "片区", "园区", "城市")
_STREET_CHARS = re.compile(r"[路街巷弄号栋楼室]")
# Municipalities' exports often repeat the city: "北京 北京市 朝阳区", "上海市 市辖区 ...".
_MUNICIPALITY_FILLERS = ("市辖区", "城区", "郊县")


@dataclass(frozen=True, slots=True)
class AddressParts:
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""


def _take_province(text: str) -> tuple[str, str]:
    for spelling, name in _PROVINCE_SPELLINGS:
        if text.startswith(spelling):
            return name, text[len(spelling) :]
    return "", text


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, str]:
    match = pattern.match(text)
    if not match:
        return "", text
    part = match.group(1)
    # The suffix char must end the part at a word boundary of the address: the part must not
    # look like a street ("文三路东区") and must leave something meaningful behind.
    if _STREET_CHARS.search(part[:-1]) or part.endswith(_NOT_DISTRICTS):
        return "", text
    return part, text[match.end() :].lstrip()


def split_address(text: str) -> AddressParts:
    """Province (official name), city, district and the rest (street, building, room).

    A part that cannot be recognised is ``""``; an encrypted platform address
    (``##…``) comes back whole as ``street``.  Never raises.
    """
    text = " ".join(str(text or "").split())
    if not text or is_encrypted(text):
        return AddressParts(street=text)
    province, rest = _take_province(text)
    rest = rest.lstrip()
    city = ""
    if province in MUNICIPALITIES:
        city = province
        for spelling in (province, province[:-1]):
            if rest.startswith(spelling):
                rest = rest[len(spelling) :].lstrip()
                break
        for filler in _MUNICIPALITY_FILLERS:
            if rest.startswith(filler):
                rest = rest[len(filler) :].lstrip()
                break
    elif province.endswith("特别行政区"):
        pass
    else:
        city, rest = _take(_CITY_RE, rest)
    district, rest = _take(_DISTRICT_RE, rest)
    return AddressParts(province=province, city=city, district=district, street=rest.strip())
