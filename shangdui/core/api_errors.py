"""Turning validation errors (pydantic, Django) into clear Chinese messages for the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from ninja.errors import HttpError

_MESSAGES = {
    "missing": "必填",
    "string_type": "应为文本",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "小数位数太多",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "date_from_datetime_parsing": "日期格式应为 2026-11-27",
    "date_parsing": "日期格式应为 2026-11-27",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是合法的 JSON",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "extra_forbidden": "不允许的字段",
    "value_error": "取值无效",
}


def chinese_validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    result = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", []) if p not in ("body", "payload", "query", "path")]
        field = ".".join(loc) or "请求体"
        message = _MESSAGES.get(error.get("type", ""), "取值无效")
        result.append({"field": field, "message": message})
    return result


def raise_validation(exc: ValidationError) -> None:
    """Re-raise a service's ValidationError as a 422 with the (translated) messages."""
    if hasattr(exc, "error_dict"):
        text = "；".join(f"{field}：{'、'.join(str(m) for m in msgs)}" for field, msgs in exc.message_dict.items())
    else:
        text = "；".join(str(m) for m in exc.messages)
    raise HttpError(422, text)
