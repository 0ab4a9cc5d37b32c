"""Chinese words for staff pages: field labels, roles, methods, and the reasons services
give in English turned into Chinese for the person at the form.

Services name fields and reasons in English (the API speaks to programs); a steward reads
Chinese. ``reason_zh`` knows the reasons the services raise today; anything it does not
know is shown as the service wrote it, so no error is ever hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from trustfund.auth.principal import Role
from trustfund.estates.households import LABELS as HOUSEHOLD_LABELS
from trustfund.fees.rules import METHOD_LABELS

ROLE_NAMES: dict[str, str] = {
    Role.STEWARD: "红色管家",
    Role.COMMITTEE: "业委会",
    Role.COUNCIL: "理事会",
    Role.SUPERVISOR: "社区监督",
    Role.ADMIN: "系统管理员",
}

METHOD_NAMES: dict[str, str] = METHOD_LABELS

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

_MONEY = r"-?[\d,]+(?:\.\d+)?"
_CLAIM_STATES = {
    "draft": "还是草稿",
    "submitted": "正在审批",
    "approved": "已批准",
    "payable": "已入账待付款",
    "paid": "已付款",
    "rejected": "已被驳回",
    "void": "已作废",
}

#: (pattern, Chinese) — the pattern matches a whole English reason; groups feed the Chinese.
_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"required|is required"), lambda m: "必填"),
    (re.compile(r"must be positive"), lambda m: "必须大于零"),
    # the reasons of ledger.money.parse_decimal (every amount, price and quantity)
    (
        re.compile(r"use a dot for decimals; no thousands separators"),
        lambda m: "小数点请用“.”，不要用逗号或千位分隔符",
    ),
    (re.compile(r"has more than (\d+) decimals"), lambda m: f"最多 {m[1]} 位小数"),
    (re.compile(r"must be whole"), lambda m: "必须是整数"),
    (
        re.compile(r"use the digits 0-9 \(no full-width or other digits\)"),
        lambda m: "请用数字 0-9 填写",
    ),
    (re.compile(r"has spaces around it"), lambda m: "前后不能有空格"),
    (re.compile(r"write no plus sign"), lambda m: "不要写加号"),
    (re.compile(r"is empty"), lambda m: "必填"),
    (re.compile(r"pass the number as a string, .*"), lambda m: "请把数字写成文字"),
    (re.compile(r"not a number: .*"), lambda m: "不是有效数字（例如 200.50）"),
    (re.compile(r"too large: at most (\S+)"), lambda m: f"数值太大（最多 {m[1]}）"),
    (re.compile(r"a percentage 0–100: (.+)"), lambda m: f"不是 0–100 的百分比：{reason_zh(m[1])}"),
    (re.compile(r"is in the future \(today is (.+)\)"), lambda m: f"不能晚于今天（{m[1]}）"),
    (
        re.compile(rf"overpayment: household (\S+) owes ({_MONEY}) for (\d+), not ({_MONEY})"),
        lambda m: f"超过欠费：该户 {m[3]} 年度尚欠 {m[2]} 元，不能收 {m[4]} 元",
    ),
    (
        re.compile(r"household (\S+) has no charge for (\d+).*"),
        lambda m: f"该户 {m[2]} 年度没有应收费用（收费标准批准后先开具应收）",
    ),
    (
        re.compile(rf"is ({_MONEY}) but the allocations add up to ({_MONEY})"),
        lambda m: f"合计 {m[1]} 元与分配金额 {m[2]} 元不符",
    ),
    (
        re.compile(rf"the steward holds only ({_MONEY}) in cash"),
        lambda m: f"管家手头现金只有 {m[1]} 元",
    ),
    (re.compile(r"not a plausible fee year"), lambda m: "不是有效的费用年度"),
    (re.compile(r"no household '(.+)' in this estate"), lambda m: f"本小区没有住户 {m[1]}"),
    (re.compile(r"no household '(.+)'"), lambda m: f"没有住户 {m[1]}"),
    # merging and splitting units (trustfund.estates.units)
    (re.compile(r"(\S+室) is household (\S+) already"), lambda m: f"{m[1]} 已是住户 {m[2]}"),
    (re.compile(r"(\S+室) is given twice"), lambda m: f"{m[1]} 填了两次"),
    (re.compile(r"household (\S+) is named twice"), lambda m: f"住户 {m[1]} 重复"),
    (re.compile(r"give 2 to (\d+) parts"), lambda m: f"请填写 2 到 {m[1]} 个新户"),
    (re.compile(r"name 1 to (\d+) households to join"), lambda m: f"请选择 1 到 {m[1]} 户"),
    (
        re.compile(r"household (\S+) is in building (\S+), (\S+) in building (\S+);.*"),
        lambda m: f"住户 {m[1]} 在 {m[2]} 幢，本户在 {m[4]} 幢：只能合并同一幢的住户",
    ),
    (
        re.compile(r"household (\S+) was closed on (\S+) .*"),
        lambda m: f"住户 {m[1]} 已于 {m[2]} 合户或分户注销",
    ),
    (
        re.compile(r"must be after (\S+), the date of household (\S+)'s latest change.*"),
        lambda m: f"必须晚于 {m[1]}（住户 {m[2]} 最近一次变更的日期），已有记录不能改写",
    ),
    (
        re.compile(r"household (\S+) already has a charge for (\d+), issued before this .*"),
        lambda m: (
            f"住户 {m[1]} 已开征 {m[2]} 年度费用；注销的户不再收该年度费用，已开征的费用和"
            f"已交的钱不转移。请在 {m[2]} 年开始后办理（日期晚于 {m[2]}-01-01），"
            f"该年度仍按已开征的费用收取，从下一年度起按新户收费"
        ),
    ),
    (re.compile(r"already taken|is already taken"), lambda m: "已被占用"),
    (re.compile(r"must not be empty"), lambda m: "不能为空"),
    (re.compile(r"must not be only spaces"), lambda m: "不能只有空格"),
    (re.compile(r"must be at least (\d+) characters"), lambda m: f"至少 {m[1]} 个字符"),
    (re.compile(r"must be at most (\d+) characters"), lambda m: f"最多 {m[1]} 个字符"),
    (
        re.compile(r"must be 2–64 characters: .*"),
        lambda m: "2–64 个字符：小写字母、数字、_ . -，以字母或数字开头",
    ),
    (
        re.compile(r"name must be the estate's Chinese name.*"),
        lambda m: "请填写小区的中文名称（如 游河小区）",
    ),
    (re.compile(r"give exactly one of estate or community"), lambda m: "请选择小区或填写社区之一"),
    (
        re.compile(r"only supervisors hold a role in a whole community"),
        lambda m: "只有社区监督人员可以按社区授权",
    ),
    (re.compile(r"no estate '(.+)'"), lambda m: f"没有小区 {m[1]}"),
    (re.compile(r"must be one of .*"), lambda m: "请选择列表中的一项"),
    (re.compile(r"the file is empty"), lambda m: "文件是空的"),
    (re.compile(r"more than (\d+) rows; split the file"), lambda m: f"超过 {m[1]} 行，请拆分文件"),
    (re.compile(r"\w+ is required"), lambda m: "必填"),
    (re.compile(r"(?:\w+ )?is longer than (\d+) characters"), lambda m: f"最多 {m[1]} 个字符"),
    (
        re.compile(r"slug must be 2–40 characters of lowercase ASCII letters.*"),
        lambda m: "2–40 个小写英文字母、数字或 -，不以 - 开头或结尾（如 youhe）",
    ),
    (
        re.compile(r"小区片区 \(site\): building (\S+) is in site '(.*)' \((.*)\), not '(.*)'"),
        lambda m: f"{m[1]}幢属于片区 {m[2]}（{m[3]}），不是“{m[4]}”",
    ),
    (
        re.compile(r"小区片区 \(site\) is required: building (\S+) is new and the estate has .*"),
        lambda m: f"{m[1]}幢是新楼栋，本小区有多个片区，请填写片区",
    ),
    (
        re.compile(
            r"小区片区 \(site\): building (\S+) is given site '(.*)' in row (\d+) and '(.*)' here"
        ),
        lambda m: f"{m[1]}幢在第 {m[3]} 行写的片区是“{m[2]}”，这里却是“{m[4]}”",
    ),
    (
        re.compile(r"Four eyes: whoever submitted this cannot approve or reject it\."),
        lambda m: "四眼原则：提交人不能审批自己提交的事项",
    ),
    (
        re.compile(r"Four eyes: you (.+) this (\w+), so you cannot approve or reject it\."),
        lambda m: "四眼原则：编写、修改或提交过这一事项的人不能审批它",
    ),
    (
        re.compile(r"moves money between parties \((.+)\): one person may not post it alone.*"),
        lambda m: "涉及银行、现金等资金往来，一人不能单独记账：请提交业委会审批（记账申请）",
    ),
    (
        re.compile(r"a reclassification keeps every leg in one fund .*"),
        lambda m: "重分类只能在同一基金的支出科目之间进行；基金之间调拨须经审批",
    ),
    (
        re.compile(r"payables are created by an approved claim and settled by paying .*"),
        lambda m: "应付款只能由批准的报销单产生、通过报销付款结清，不能手工记账",
    ),
    (
        re.compile(r"must not be after (\S+) \(today is (\S+)\)"),
        lambda m: f"不能晚于 {m[1]}（今天是 {m[2]}）",
    ),
    (
        re.compile(r"must not be before the books opened \((\S+)\)"),
        lambda m: f"不能早于建账日期 {m[1]}",
    ),
    (
        re.compile(
            rf"(Assets:Bank:Committee|Assets:Cash:Steward) holds ({_MONEY}) CNY (.+); this "
            rf"entry takes ({_MONEY}) CNY, short by ({_MONEY}) CNY.*"
        ),
        lambda m: (
            f"{'业委会银行账户' if 'Bank' in m[1] else '管家现金'}只有 {m[2]} 元，"
            f"本笔需 {m[4]} 元，差 {m[5]} 元：银行存款和现金不能为负数"
        ),
    ),
    (re.compile(r"(Assets:\S+) would go below zero"), lambda m: f"{m[1]} 余额将小于零"),
    (
        re.compile(r"(\S+) now both records \(steward\) and approves \((.+)\) in estate (\S+)\..*"),
        lambda m: (
            f"注意：{m[1]} 在小区 {m[3]} 同时是红色管家和审批人（"
            + "、".join(ROLE_NAMES.get(r, r) for r in m[2].split(" and "))
            + "）。四眼原则照样适用：凡是本人编写、修改或提交过的报销、合同、项目、预算、调拨、"
            "公示、收费标准、期初余额和记账申请，本人都不能审批；最好由两个人分别担任。"
        ),
    ),
    (
        re.compile(r"The books of this estate are not open yet: .*"),
        lambda m: "本小区尚未建账：请管家在「建账」页面填写期初余额，业委会审批通过后才能记账",
    ),
    (
        re.compile(r"The books of this estate opened on (\S+); a second opening is refused.*"),
        lambda m: f"本小区已于 {m[1]} 建账，不能再次建账；期初余额有误请走冲销更正审批流程",
    ),
    (re.compile(r"must not be negative"), lambda m: "不能为负数"),
    (
        re.compile(rf"(\w+) would open at ({_MONEY}): bank \+ cash − payable − prepaid .*"),
        lambda m: f"期初余额为 {m[2]} 元：银行存款＋管家现金－应付承揽方－预收服务费不能小于零",
    ),
    (re.compile(r"the books cannot open on a future date"), lambda m: "建账日期不能晚于今天"),
    (re.compile(r"(\w+) is listed twice"), lambda m: "同一基金填写了两次"),
    (
        re.compile(r"You have already decided on this request\."),
        lambda m: "您已经对这一事项做过决定",
    ),
    (
        re.compile(r"Only a (.+) member of this estate can decide this\."),
        lambda m: "您的角色不能审批这一事项",
    ),
    (re.compile(r"The request is (\w+), not pending\."), lambda m: "这一事项已不在待审批状态"),
    (
        re.compile(r"The (\w+) changed after it was submitted.*"),
        lambda m: "提交后内容已被修改，本次审批已作废，须重新提交",
    ),
    (
        re.compile(r"What you reviewed is not what was submitted.*"),
        lambda m: "您审阅的内容与提交的不一致，请刷新后重新审阅",
    ),
    # --- settlements: claims, payouts, vouchers, work orders, goods, owners' votes ---------
    (
        re.compile(
            rf"unit price ({_MONEY}) is above the reference price ({_MONEY}) per (\S+) "
            rf"\(the line costs ({_MONEY}) more\): a written reason is required"
        ),
        lambda m: f"单价 {m[1]} 元高于参考价 {m[2]} 元/{m[3]}（本行多 {m[4]} 元）：须写明理由",
    ),
    (
        re.compile(r"no reference price (\S+) in force on (\S+)"),
        lambda m: f"{m[2]} 没有有效的参考价 {m[1]}",
    ),
    (
        re.compile(r"the reference price of (\S+) is per (.+)"),
        lambda m: f"参考价 {m[1]} 的单位是“{m[2]}”",
    ),
    (re.compile(r"longer than (\d+) characters"), lambda m: f"最多 {m[1]} 个字符"),
    (re.compile(r"must not be negative"), lambda m: "不能是负数"),
    (re.compile(r"too large"), lambda m: "数值太大"),
    (re.compile(r"at least one line is required"), lambda m: "至少填写一行明细"),
    (re.compile(r"at most (\d+) lines"), lambda m: f"最多 {m[1]} 行"),
    (
        re.compile(r"(\S+) is not an open account of this estate"),
        lambda m: "本小区没有这个支出科目",
    ),
    (re.compile(r"unknown fund .*"), lambda m: "没有这个基金"),
    (re.compile(r"no such work order in this estate"), lambda m: "本小区没有这张工单"),
    (re.compile(r"no such claim in this estate"), lambda m: "本小区没有这张报销单"),
    (re.compile(r"a date YYYY-MM-DD"), lambda m: "不是日期（请写成 2026-03-01）"),
    (re.compile(r"must not be before the work date (\S+)"), lambda m: f"不能早于施工日期 {m[1]}"),
    (re.compile(r"must not be before (\S+)"), lambda m: f"不能早于 {m[1]}"),
    (re.compile(r"required when assigning"), lambda m: "派工须选择承揽方"),
    (re.compile(r"required when settling"), lambda m: "结算须选择已批准的报销"),
    (re.compile(r"the claim is not for this work order"), lambda m: "这张报销单不属于这张工单"),
    (
        re.compile(r"not a JPEG, PNG or PDF file \(checked by its content\)"),
        lambda m: "不是 JPEG、PNG 照片或 PDF 文件",
    ),
    (
        re.compile(r"not a JPEG or PNG file \(checked by its content\)"),
        lambda m: "不是 JPEG 或 PNG 照片",
    ),
    (re.compile(r"larger than (\d+) MB"), lambda m: f"文件超过 {m[1]} MB"),
    (
        re.compile(r"the image is (\d+)×(\d+) = ([\d,]+) pixels; at most ([\d,]+) are accepted"),
        lambda m: f"照片为 {m[1]}×{m[2]} 像素，超过上限 {m[4]} 像素，请缩小后再上传",
    ),
    (
        re.compile(r"the image has more than ([\d,]+) pixels"),
        lambda m: f"照片超过 {m[1]} 像素，请缩小后再上传",
    ),
    (
        re.compile(r"not a readable JPEG or PNG image \(checked by its content\)"),
        lambda m: "无法读取的 JPEG 或 PNG 照片",
    ),
    (
        re.compile(r"the image does not decode \(damaged or truncated\)"),
        lambda m: "照片已损坏或不完整",
    ),
    (
        re.compile(r"not a readable PDF \(checked by its content\)"),
        lambda m: "不是可读取的 PDF 文件",
    ),
    (
        re.compile(r"PDF files cannot be checked on this server; upload a photo instead"),
        lambda m: "本服务器无法检查 PDF 文件，请改为上传照片",
    ),
    (re.compile(r"(.+): none in stock"), lambda m: f"{m[1]}没有库存"),
    (
        re.compile(r"only (\S+) (\S+) of (.+) in stock"),
        lambda m: f"{m[3]}只有 {m[1]} {m[2]} 库存",
    ),
    (re.compile(r"(.+) is counted in (.+)"), lambda m: f"{m[1]}的单位是“{m[2]}”"),
    (re.compile(r"who donated the goods \(may be 匿名\)"), lambda m: "请填写捐赠人（可写匿名）"),
    (re.compile(r"only for donated goods"), lambda m: "只有捐赠物品才填估值"),
    (re.compile(r"must be between 0 and (\w+)"), lambda m: f"须在 0 和{label(m[1])}之间"),
    (
        re.compile(r"m² with at most 2 decimals: (.+)"),
        lambda m: f"不是有效面积（平方米，最多两位小数）：{reason_zh(m[1])}",
    ),
    (
        re.compile(
            rf"The (.+) fund holds ({_MONEY}) CNY on (\S+), but claim (\d+) needs ({_MONEY}) "
            rf"CNY: it is short by ({_MONEY}) CNY\..*"
        ),
        lambda m: (
            f"{m[1]}基金在 {m[3]} 只有 {m[2]} 元，这笔报销需要 {m[5]} 元，"
            f"还差 {m[6]} 元。没有付款；须先有收入或经批准的基金调拨。"
        ),
    ),
    (
        re.compile(r"Claim (\d+) was paid on (\S+) \(entry (\d+)\); it is never paid twice\."),
        lambda m: f"这笔报销已于 {m[2]} 付款（记账第 {m[3]} 笔），不会重复付款",
    ),
    (
        re.compile(r"Claim (\d+) is (\w+); only an approved claim can be paid\."),
        lambda m: f"这笔报销{_CLAIM_STATES.get(m[2], m[2])}，只有已批准的报销才能付款",
    ),
    (
        re.compile(r"Claim (\d+) is (\w+); only a draft or rejected claim can be submitted.*"),
        lambda m: f"这笔报销{_CLAIM_STATES.get(m[2], m[2])}，只有草稿或被驳回的报销才能提交",
    ),
    (
        re.compile(r"Claim (\d+) has no approval for its current content; submit it again\."),
        lambda m: "这笔报销的当前内容没有获得批准，请重新提交",
    ),
    (
        re.compile(r"Work order (\d+) is (\w+); it cannot become (\w+).*"),
        lambda m: "工单须按 登记 → 派工 → 完工 → 结算 的顺序办理",
    ),
    (
        re.compile(r"Claim (\d+) is (\w+); a work order is settled by an approved claim\."),
        lambda m: "工单须用已批准的报销结算",
    ),
    (
        re.compile(r"Four eyes: whoever submitted this cannot record its vote\."),
        lambda m: "四眼原则：提交人不能记录自己事项的业主表决",
    ),
    (re.compile(r"The owners' vote is already recorded\."), lambda m: "业主表决已经记录过"),
    (
        re.compile(r"This request does not need an owners' vote\."),
        lambda m: "这一事项不需要业主表决",
    ),
    (
        re.compile(r"Four eyes: whoever submitted the schedule cannot approve it\."),
        lambda m: "四眼原则：提交人不能批准自己提交的收费标准",
    ),
    (
        re.compile(r"The (\d+) schedule is already approved\."),
        lambda m: f"{m[1]} 年度收费标准已经批准",
    ),
    (
        re.compile(r"The schedule changed since you reviewed it; review it again\."),
        lambda m: "收费标准在您审阅后被修改，请刷新后重新审阅",
    ),
    (
        re.compile(r"The period (\S+) is locked.*"),
        lambda m: f"{m[1]} 期间已公示并锁定，不能再记账",
    ),
    # period locks (disclosure.publication, journal.service, disclosure.unlocks)
    (
        re.compile(
            r"(\S+) has not ended yet \(its last day is (\S+); today is (\S+) in \S+\): "
            r"only an ended period can be disclosed"
        ),
        lambda m: f"{m[1]} 尚未结束（最后一天是 {m[2]}，今天是 {m[3]}）：只能公示已经结束的期间",
    ),
    (
        re.compile(
            r"(\S+) has not passed yet \(today is (\S+) in \S+\): "
            r"only an ended period can be locked"
        ),
        lambda m: f"{m[1]} 尚未过去（今天是 {m[2]}）：只能锁定已经结束的期间",
    ),
    (
        re.compile(
            r"(\S+) lies in the locked period (\S+) – (\S+) \((.*)\); "
            r"post corrections into an open period\."
        ),
        lambda m: (
            f"{m[1]} 在已公示锁定的账期 {m[2]} 至 {m[3]} 内（{m[4]}）：请记在未锁定的期间；"
            "确需改动该账期，须经业委会过半数同意解锁"
        ),
    ),
    (
        re.compile(r"inside locked period (\S+) – (\S+)"),
        lambda m: f"在已锁定的账期 {m[1]} 至 {m[2]} 内",
    ),
    (
        re.compile(r"say why the period must change \(required\)"),
        lambda m: "请写明该账期为什么必须更正（必填，将公开）",
    ),
    (
        re.compile(r"Only the estate's steward or a committee member can propose lifting a lock\."),
        lambda m: "只有本小区的管家或业委会委员可以申请解锁账期",
    ),
    (
        re.compile(r"Period lock (\d+) was already lifted; nothing to propose\."),
        lambda m: "该账期已经解锁",
    ),
    (
        re.compile(
            r"A proposal to lift period lock \d+ is already waiting \(approval request (\d+)\).*"
        ),
        lambda m: f"该账期已有解锁申请（审批单 {m[1]}）等待业委会决定",
    ),
    (re.compile(r"No period lock \d+ in this estate\."), lambda m: "本小区没有这个锁定的账期"),
    (
        re.compile(r"the rule for (\S+) is fixed: a committee majority"),
        lambda m: "该事项的审批规则固定为业委会过半数同意，不能修改",
    ),
    (re.compile(r"(.+) \((\w+)\) is required.*"), lambda m: f"{m[1]}必填"),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' is not an occupancy.*"),
        lambda m: f"{m[1]}“{m[3]}”无法识别：请填 自住、出租、已入住（在住）或 空户、空置",
    ),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' is not a date.*"),
        lambda m: f"{m[1]}“{m[3]}”不是日期（请写成 2026-03-01）",
    ),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' is not a mainland mobile number.*"),
        lambda m: f"{m[1]}“{m[3]}”不是有效的手机号码（11 位，13–19 开头）",
    ),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' is not a number of square metres"),
        lambda m: f"{m[1]}“{m[3]}”不是平方米数",
    ),
    (
        re.compile(r"室 \(room\): (\S+) is already in row (\d+) of this file"),
        lambda m: f"{m[1]} 与本文件第 {m[2]} 行重复",
    ),
    (
        re.compile(r"室 \(room\): (\S+) already exists as household (\S+) and differs.*"),
        lambda m: f"{m[1]} 已存在（户号 {m[2]}）且内容不同：请在住户页面修改，不要用导入",
    ),
    (
        re.compile(r"the header has no (.+) \((\w+)\) column"),
        lambda m: f"表头缺少“{m[1]}”列",
    ),
    # setting up fee collection (schedule form, charges)
    (re.compile(r"at least one component is required"), lambda m: "至少填写一个收费项目"),
    (
        re.compile(r"must be a year between (\d+) and (\d+)"),
        lambda m: f"年度须在 {m[1]} 到 {m[2]} 之间",
    ),
    (re.compile(r"each fund may appear only once"), lambda m: "每个基金只能出现一次"),
    (
        re.compile(r"a percentage 0–100 with at most 2 decimals"),
        lambda m: "请填 0–100 的百分比，最多两位小数",
    ),
    (re.compile(r"must be between 0 and the amount"), lambda m: "须在 0 和每户金额之间"),
    (re.compile(r"No fee schedule for (\d+)\."), lambda m: f"{m[1]} 年度还没有收费标准"),
    (
        re.compile(r"Charges for (\d+) have been issued; the schedule can no longer change\."),
        lambda m: f"{m[1]} 年度已开征，收费标准不能再修改",
    ),
    (
        re.compile(r"The (\d+) fee schedule is not approved by the committee;.*"),
        lambda m: f"{m[1]} 年度收费标准尚未经业委会批准，不能开征",
    ),
    # --- ledger text (trustfund.ledger.entries / bean) -------------------------------------
    (re.compile(r"contains a control character"), lambda m: "含有控制字符（不可见字符），请删除"),
    (
        re.compile(r"would not read back the same from the ledger text"),
        lambda m: "写入账本后无法原样读回，请修改（去掉特殊字符）",
    ),
    (
        re.compile(r"(?:its ledger text|cannot be written into the ledger).*"),
        lambda m: "无法写入账本，请修改（去掉特殊字符）",
    ),
    # --- households after import (trustfund.estates.changes) --------------------------------
    (
        re.compile(
            r"must be after (\S+), the date of the latest occupancy change; earlier history is "
            r"never rewritten"
        ),
        lambda m: f"须晚于 {m[1]}（上一次入住状态变更的日期）；已有记录不能改写",
    ),
    (
        re.compile(r"the household is already (\w+) since (\S+)"),
        lambda m: f"这一户自 {m[2]} 起已经是{OCCUPANCY_NAMES.get(m[1], m[1])}",
    ),
    (
        re.compile(r"the household is already occupied since (\S+); give the new owner.*"),
        lambda m: f"这一户自 {m[1]} 起已经在住：如是新业主，请填写业主姓名或电话",
    ),
    (re.compile(r"(\S+) already exists"), lambda m: f"{m[1]} 已是另一户，不能改成这个地址"),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' must be more than 0 and at most (\S+) m²"),
        lambda m: f"{m[1]}须大于 0、不超过 {m[4]} 平方米",
    ),
    (
        re.compile(r"(.+) \((\w+)\) '(.*)' has more than two decimals"),
        lambda m: f"{m[1]}最多两位小数",
    ),
    # --- import columns, addresses and payment methods (trustfund.estates.columns) ----------
    (
        re.compile(r"unknown column '(.*)' \(column (\w+)\); accepted columns: .*"),
        lambda m: f"第 {m[2]} 列“{m[1]}”不是可识别的列名，没有导入任何数据（可用的列名见导入说明）",
    ),
    (re.compile(r"(.+) \((\w+)\) appears twice in the header"), lambda m: f"“{m[1]}”列出现了两次"),
    (
        re.compile(r"address '(.*)' is not an address.*"),
        lambda m: f"地址“{m[1]}”无法识别：请写成 3-1-502 或 3幢1单元502室",
    ),
    (re.compile(r"no household at (\S+) in this estate"), lambda m: f"本小区没有 {m[1]} 这一户"),
    (
        re.compile(r"(\S+) is not the household at (\S+) \(that is (\S+)\)"),
        lambda m: f"户号 {m[1]} 与地址 {m[2]} 不符（该地址的户号是 {m[3]}）",
    ),
    (re.compile(r"required: give the code or the address"), lambda m: "请填写户号或地址"),
    (
        re.compile(r"method '(.*)' is not a payment method: .*"),
        lambda m: f"付款方式“{m[1]}”无法识别：请填 现金、微信、支付宝 或 银行转账",
    ),
    (
        re.compile(r"method is required: .*"),
        lambda m: "请填写付款方式（现金、微信、支付宝、银行转账）",
    ),
]


def label(field: str) -> str:
    """The Chinese label of a field path's last part (``rows[618].occupancy`` → 状态)."""
    last = field.rsplit(".", 1)[-1]
    last = re.sub(r"\[\d+\]$", "", last)
    return FIELD_LABELS.get(last, last)


def reason_zh(reason: str) -> str:
    """The reason in Chinese when it is one the services are known to give."""
    text = reason.strip()
    for pattern, make in _REASONS:
        match = pattern.fullmatch(text)
        if match:
            return make(match)
    return text
