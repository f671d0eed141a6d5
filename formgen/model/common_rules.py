"""Rules every notice shares: identifiers whose check characters may legally fail."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from formgen.model.checks import uscc_check_character
from formgen.model.fields import CreditCodeField, field_type
from formgen.model.rules import Finding, Rule


def _credit_codes(instance: BaseModel) -> Iterator[Finding]:
    for name, info in type(instance).model_fields.items():
        _, metadata = field_type(info)
        if not any(isinstance(m, CreditCodeField) for m in metadata):
            continue
        code = getattr(instance, name)
        if isinstance(code, str) and len(code) == 18:
            expected = uscc_check_character(code[:17])
            if code[17] != expected:
                yield Finding(
                    (name,),
                    f"统一社会信用代码校验位应为 {expected}，请核对（部分早期代码可能不符合校验规则）",
                    f"the check character should be {expected}; please check the code (some early codes fail it)",
                )


CREDIT_CODE_CHECK = Rule(
    id="common.credit-code-check-character",
    severity="warning",
    source="GB 32100-2015《法人和其他组织统一社会信用代码编码规则》第4.5条 校验码",
    zh="统一社会信用代码的校验位须与前17位相符",
    en="a unified social credit code's last character must match its first 17",
    scope=BaseModel,
    check=_credit_codes,
)

RULES: tuple[Rule, ...] = (CREDIT_CODE_CHECK,)
