"""Quality inspection (质检): schemes, rules, keyword matching."""

from .engine import InspectionResult, Inspector, RuleResult, inspect
from .scheme import Rule, Scheme, SchemeError, load_scheme, parse_scheme

__all__ = [
    "InspectionResult",
    "Inspector",
    "Rule",
    "RuleResult",
    "Scheme",
    "SchemeError",
    "inspect",
    "load_scheme",
    "parse_scheme",
]
