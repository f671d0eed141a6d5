"""Rules every notice shares: a 统一社会信用代码's check character.

A code whose check character does not compute is an error, like any mistyped character: the
field types that hold such codes (`CreditCode`, `OrgOrCreditCode`) refuse it as soon as the
field is checked, so the rule is listed here for the rulebook and enforced by the model.
"""

from __future__ import annotations

from pydantic import BaseModel

from formgen.model.rules import Rule

CREDIT_CODE_CHECK = Rule(
    id="common.credit-code-check-character",
    severity="error",
    source="GB 32100-2015《法人和其他组织统一社会信用代码编码规则》第4.5条 校验码",
    zh="统一社会信用代码的校验位须与前17位相符",
    en="a unified social credit code's last character must match its first 17",
    scope=BaseModel,
)

RULES: tuple[Rule, ...] = (CREDIT_CODE_CHECK,)
