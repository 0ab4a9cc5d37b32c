"""Chinese words for staff pages: field labels, roles, methods, and errors in Chinese.

Services raise errors with a ``Message`` (a code from ``trustfund.catalog``); ``say``
renders its Chinese template with the filters below (``{state:claim_state}`` → 已付款).
"""

from __future__ import annotations

from typing import Any

from trustfund.auth.principal import Role
from trustfund.errors import FieldError, TrustfundError
from trustfund.estates.households import LABELS as HOUSEHOLD_LABELS
from trustfund.fees.rules import METHOD_LABELS
from trustfund.grants.common import STATUS_ZH
from trustfund.ledger.accounts import FUND_NAMES_ZH, Fund
from trustfund.ledger.money import format_money
from trustfund.messages import Filters, Message

ROLE_NAMES: dict[str, str] = {
    Role.STEWARD: "红色管家",
    Role.COMMITTEE: "业委会",
    Role.COUNCIL: "理事会",
    Role.SUPERVISOR: "社区监督",
    Role.ADMIN: "系统管理员",
}

METHOD_NAMES: dict[str, str] = METHOD_LABELS

PROJECT_STATUS_NAMES: dict[str, str] = {s.value: name for s, name in STATUS_ZH.items()}

OCCUPANCY_NAMES: dict[str, str] = {"occupied": "在住", "vacant": "空户"}

FIELD_LABELS: dict[str, str] = {
    **HOUSEHOLD_LABELS,
    "amount": "金额",
    "method": "付款方式",
    "fee_year": "费用年度",
    "paid_on": "付款日期",
    "payer": "交款人",
    "reference": "备注/流水号",
    "deposited_on": "存入日期",
    "username": "用户名",
    "password": "密码",
    "display_name": "姓名",
    "slug": "代号",
    "name": "名称",
    "address": "地址",
    "community": "社区",
    "street_office": "街道",
    "timezone": "时区",
    "role": "角色",
    "estate": "小区",
    "file": "文件",
    "columns": "表头",
    "reason": "理由",
    "payee": "收款方",
    "fund": "基金",
    "expense_item": "支出项目",
    "work_date": "施工日期",
    "description": "说明",
    "contractor_id": "承揽方",
    "period": "期间",
    "lock_reason": "锁定原因",
    "still_locked": "仍锁定",
    "start": "起",
    "end": "止",
    "version": "版本",
    "note": "备注",
    "payment_id": "收费记录",
    "line_id": "账单明细",
    "figures_sha256": "数字指纹",
    "expenditure_total": "支出合计",
    "supersedes_id": "更正的版本",
    "correction_reason": "更正原因",
    "funds_closing": "各基金期末余额",
    "spending": "支出项目",
    "lines": "明细",
    "item_code": "参考价项目",
    "quantity": "数量",
    "unit": "单位",
    "unit_price": "单价",
    "over_reason": "高于参考价的理由",
    "work_order_id": "维修工单",
    "photo_ids": "现场照片",
    "claim_id": "报销单",
    "item": "物品",
    "kind": "类别",
    "slip_date": "日期",
    "donor": "捐赠人",
    "estimated_value": "估值",
    "building": "楼栋",
    "entrance": "单元",
    "location": "位置",
    "problem": "问题",
    "reporter": "报修人",
    "reported_on": "报修日期",
    "on": "日期",
    "households_total": "总户数",
    "households_voted": "参加户数",
    "households_for": "赞成户数",
    "area_total": "总面积",
    "area_voted": "参加面积",
    "area_for": "赞成面积",
    "held_on": "表决日期",
    "code": "代号",
    "title": "名称",
    "purpose": "目的与内容",
    "applicant": "申请人",
    "applied_on": "申请日期",
    "total": "合计",
    "moved_on": "日期",
    "from_fund": "调出",
    "to_fund": "调入",
    "donor_name": "捐赠人",
    "received_on": "收到日期",
    "settled_on": "结算日期",
    "budget_line_id": "预算行",
    "components": "收费项目",
    "vacancy_percent": "空户收费比例",
    "vacant_amount": "空户金额",
    "narration": "摘要",
    "date": "日期",
    "bank": "银行存款",
    "cash": "管家现金",
    "payable": "应付承揽方",
    "prepaid": "预收服务费",
    "funds": "基金",
}

STATUS_TITLES: dict[int, str] = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "找不到",
    409: "与现有记录冲突",
    422: "填写有误",
    429: "尝试次数过多",
}

_CLAIM_STATES = {
    "draft": "还是草稿",
    "submitted": "正在审批",
    "approved": "已批准",
    "payable": "已入账待付款",
    "paid": "已付款",
    "rejected": "已被驳回",
    "void": "已作废",
}


def label(field: str) -> str:
    """The Chinese label of a field path's last part (``rows[618].occupancy`` → 状态)."""
    last = field.rsplit(".", 1)[-1].split("[", 1)[0]
    return FIELD_LABELS.get(last, last)


def _roles(value: Any) -> str:
    return "、".join(ROLE_NAMES.get(r, r) for r in str(value).split(" and "))


def _account(value: Any) -> str:
    names = {"Assets:Bank:Committee": "业委会银行账户", "Assets:Cash:Steward": "管家现金"}
    return names.get(str(value), str(value))


def _fund(value: Any) -> str:
    fund = str(value)
    if fund.startswith("autonomy:"):
        return f"{FUND_NAMES_ZH[Fund.AUTONOMY]}·{fund.split(':', 1)[1]}"
    return FUND_NAMES_ZH.get(fund, fund)


FILTERS: Filters = {
    "label": lambda v: label(str(v)),
    "claim_state": lambda v: _CLAIM_STATES.get(str(v), str(v)),
    "occupancy": lambda v: OCCUPANCY_NAMES.get(str(v), str(v)),
    "roles": _roles,
    "account": _account,
    "fund": _fund,
    "money": format_money,  # the one display formatter: 1,234.50, as the yuan filter
    "project_status": lambda v: PROJECT_STATUS_NAMES.get(str(v), str(v)),
}


def say(message: Message) -> str:
    """The message in Chinese, from the catalog."""
    return message.render("zh", FILTERS)


def reason(item: FieldError) -> str:
    """A field error's reason in Chinese."""
    return say(item.message)


def detail(error: TrustfundError) -> str:
    """An error's detail in Chinese."""
    return say(error.message)


#: Who decides, as a rule names them (``approvals.rules``): one of them, or the body.
_APPROVERS = {"council": "理事", "committee": "业委会委员"}
_VOTE = " and an owners' vote (double majority)"


def rule_label(text: str) -> str:
    """A request's approval rule (``project ≤ 500.00: 1 council approver``, stored as
    ``approvals.rules`` wrote it) in Chinese — also the one closing a status history line
    (``提交理事会决定（project ≤ 500.00: 1 council approver）``); anything else unchanged."""
    whole = _rule(text)
    if whole is not None:
        return whole
    head, opening, inner = text.rpartition("（")
    if opening and inner.endswith("）") and (said := _rule(inner[:-1])) is not None:
        return f"{head}（{said}）"
    return text


def _rule(label: str) -> str | None:
    """``<kind> <span>: <who>[ and an owners' vote …]`` in Chinese, or None."""
    head, colon, who = label.partition(": ")
    kind, _, span = head.partition(" ")
    if not (colon and kind.isidentifier() and span):
        return None
    vote = who.endswith(_VOTE)
    said_span, said_who = _span(span), _who(who.removesuffix(_VOTE))
    if said_span is None or said_who is None:
        return None
    if vote:
        return say(Message("web.rule_with_vote", span=said_span, who=said_who))
    return say(Message("web.rule", span=said_span, who=said_who))


def _amount(text: str) -> str | None:
    return text if text and all(c.isdigit() or c in ",." for c in text) else None


def _span(span: str) -> str | None:
    """``any amount``, ``≤ 500.00``, ``> 500.00`` or ``> 500.00 and ≤ 2,000.00``."""
    if span == "any amount":
        return say(Message("web.rule_any_amount"))
    if span.startswith("> ") and " and ≤ " in span:
        lower, _, upper = span[2:].partition(" and ≤ ")
        if _amount(lower) and _amount(upper):
            return say(Message("web.rule_between", lower=lower, upper=upper))
        return None
    if span.startswith("≤ ") and _amount(span[2:]):
        return say(Message("web.rule_up_to", amount=span[2:]))
    if span.startswith("> ") and _amount(span[2:]):
        return say(Message("web.rule_over", amount=span[2:]))
    return None


def _who(who: str) -> str | None:
    """``2 council approvers`` or ``a committee majority (3 of 5)``."""
    words = who.split(" ")
    if len(words) == 3 and words[0].isdigit() and words[2] in ("approver", "approvers"):
        role = _APPROVERS.get(words[1], words[1])
        return say(Message("web.rule_approvers", count=words[0], role=role))
    if len(words) == 6 and words[0] == "a" and words[2] == "majority" and words[4] == "of":
        count, pool = words[3].removeprefix("("), words[5].removesuffix(")")
        if count.isdigit() and pool.isdigit():
            role = _APPROVERS.get(words[1], words[1])
            return say(Message("web.rule_majority", role=role, count=count, pool=pool))
    return None
