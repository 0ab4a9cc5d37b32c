"""The message catalog: every error's stable code → (English template, Chinese template).

Codes are ``<area>.<what>`` and never change once released (clients key on them); rewording
a template is free. Placeholders are ``str.format`` names, the same in both languages (the
Chinese may leave one out); ``{x:label}`` and the other names in
``trustfund.messages.FILTER_NAMES`` are rendered in Chinese by the page's filters. Adding a
code: add it here with both templates, then ``raise …Error(Message("area.what", x=…))``;
``tests/unit/test_messages.py`` checks every code used in the source against this table.
"""

from __future__ import annotations

CATALOG: dict[str, tuple[str, str]] = {
    # --- any field ------------------------------------------------------------------------
    "input.required": ("required", "必填"),
    "input.is_required": ("is required", "必填"),
    "input.not_positive": ("must be positive", "必须大于零"),
    "input.empty": ("must not be empty", "不能为空"),
    "input.only_spaces": ("must not be only spaces", "不能只有空格"),
    "input.taken": ("already taken", "已被占用"),
    "input.is_taken": ("is already taken", "已被占用"),
    "input.one_of": ("must be one of {choices}", "请选择列表中的一项"),
    "input.too_long": ("longer than {limit} characters", "最多 {limit} 个字符"),
    "input.at_most_chars": ("must be at most {limit} characters", "最多 {limit} 个字符"),
    "input.at_least_chars": ("must be at least {limit} characters", "至少 {limit} 个字符"),
    "input.in_future": ("is in the future (today is {today})", "不能晚于今天（{today}）"),
    "input.not_before": ("must not be before {day}", "不能早于 {day}"),
    # --- numbers typed by a person (ledger.money.parse_decimal) ---------------------------
    "number.not_text": ('pass the number as a string, like "50.00"', "请把数字写成文字"),
    "number.empty": ("is empty", "必填"),
    "number.comma": (
        "use a dot for decimals; no thousands separators",
        "小数点请用“.”，不要用逗号或千位分隔符",
    ),
    "number.negative": ("must not be negative", "不能为负数"),
    "number.too_many_places": ("has more than {places} decimals", "最多 {places} 位小数"),
    "number.not_whole": ("must be whole", "必须是整数"),
    "number.too_large": ("too large: at most {limit}", "数值太大（最多 {limit}）"),
    "number.spaces": ("has spaces around it", "前后不能有空格"),
    "number.wide_digits": (
        "use the digits 0-9 (no full-width or other digits)",
        "请用数字 0-9 填写",
    ),
    "number.plus": ("write no plus sign", "不要写加号"),
    "number.invalid": (
        "not a number: write digits and at most one '.' with {places} decimals, like 200.50",
        "不是有效数字（例如 200.50）",
    ),
    # --- approvals ---------------------------------------------------------------------------
    "approvals.four_eyes_participant": (
        "Four eyes: you {did} this {subject_kind}, so you cannot approve or reject it.",
        "四眼原则：编写、修改或提交过这一事项的人不能审批它",
    ),
    "approvals.four_eyes_submitter": (
        "Four eyes: whoever submitted this cannot approve or reject it.",
        "四眼原则：提交人不能审批自己提交的事项",
    ),
    "approvals.wrong_role": (
        "Only a {roles} member of this estate can decide this.",
        "您的角色不能审批这一事项",
    ),
    "approvals.decided_already": (
        "You have already decided on this request.",
        "您已经对这一事项做过决定",
    ),
    "approvals.not_pending": (
        "The request is {value}, not pending.",
        "这一事项已不在待审批状态",
    ),
    "approvals.changed_after_submit": (
        "The {subject_kind} changed after it was submitted; this request is void and it must be submitted again.",
        "提交后内容已被修改，本次审批已作废，须重新提交",
    ),
    "approvals.reviewed_other_content": (
        "What you reviewed is not what was submitted; reload and review it again.",
        "您审阅的内容与提交的不一致，请刷新后重新审阅",
    ),
    "approvals.four_eyes_vote": (
        "Four eyes: whoever submitted this cannot record its vote.",
        "四眼原则：提交人不能记录自己事项的业主表决",
    ),
    "approvals.vote_not_needed": (
        "This request does not need an owners' vote.",
        "这一事项不需要业主表决",
    ),
    "approvals.vote_recorded_already": (
        "The owners' vote is already recorded.",
        "业主表决已经记录过",
    ),
    "approvals.voted_above_total": (
        "must be between 0 and households_total",
        "须在 0 和总户数之间",
    ),
    "approvals.for_above_voted": (
        "must be between 0 and households_voted",
        "须在 0 和参加户数之间",
    ),
    "approvals.area_voted_above_total": (
        "must be between 0 and area_total",
        "须在 0 和总面积之间",
    ),
    "approvals.area_for_above_voted": (
        "must be between 0 and area_voted",
        "须在 0 和参加面积之间",
    ),
    "approvals.area_invalid": (
        "m² with at most 2 decimals: {exc}",
        "不是有效面积（平方米，最多两位小数）：{exc}",
    ),
    "approvals.rule_fixed": (
        "the rule for {subject_kind} is fixed: a committee majority",
        "该事项的审批规则固定为业委会过半数同意，不能修改",
    ),
    # --- auth --------------------------------------------------------------------------------
    "auth.estate_or_community": (
        "give exactly one of estate or community",
        "请选择小区或填写社区之一",
    ),
    "auth.community_role_supervisor_only": (
        "only supervisors hold a role in a whole community",
        "只有社区监督人员可以按社区授权",
    ),
    "auth.username_invalid": (
        "must be 2–64 characters: letters, digits, '_', '.', '-', starting with a letter or digit",
        "2–64 个字符：小写字母、数字、_ . -，以字母或数字开头",
    ),
    "auth.at_most_100": ("must be at most 100 characters", "最多 100 个字符"),
    # --- disclosure --------------------------------------------------------------------------
    "disclosure.lift_reason_required": (
        "say why the period must change (required)",
        "请写明该账期为什么必须更正（必填，将公开）",
    ),
    "disclosure.lift_by_steward_or_committee": (
        "Only the estate's steward or a committee member can propose lifting a lock.",
        "只有本小区的管家或业委会委员可以申请解锁账期",
    ),
    "disclosure.lifted_already": (
        "Period lock {lock_id} was already lifted; nothing to propose.",
        "该账期已经解锁",
    ),
    "disclosure.lift_waiting": (
        "A proposal to lift period lock {lock_id} is already waiting (approval request {waiting_id}); decide that one first.",
        "该账期已有解锁申请（审批单 {waiting_id}）等待业委会决定",
    ),
    "disclosure.names_reason_required": (
        "say why approvers should appear this way (required)",
        "请写明为什么这样公示审批人（必填，将公开）",
    ),
    "disclosure.names_by_steward_or_committee": (
        "Only the estate's steward or a committee member can propose how approvers appear.",
        "只有本小区的管家或业委会委员可以提出审批人的公示方式",
    ),
    "disclosure.names_already": (
        "Approvers already appear that way (show_names={show_names}); nothing to propose.",
        "审批人已经按这种方式公示",
    ),
    "disclosure.names_waiting": (
        "A proposal on how approvers appear is already waiting (approval request {waiting_id}); decide that one first.",
        "已有一项审批人公示方式的提议（审批单 {waiting_id}）等待业委会决定",
    ),
    "disclosure.no_names_change": (
        "No proposal {change_id} on how approvers appear.",
        "没有这项审批人公示方式的提议",
    ),
    "disclosure.reason_too_long": ("longer than 1000 characters", "最多 1000 个字符"),
    # --- estates -----------------------------------------------------------------------------
    "estates.already_exists": (
        "{address} already exists",
        "{address} 已是另一户，不能改成这个地址",
    ),
    "estates.name_must_estate_s_chinese": (
        "name must be the estate's Chinese name (e.g. 游河小区)",
        "请填写小区的中文名称（如 游河小区）",
    ),
    "estates.name_households_join": (
        "name 1 to {max_merged} households to join",
        "请选择 1 到 {max_merged} 户",
    ),
    "estates.give_parts": ("give 2 to {max_parts} parts", "请填写 2 到 {max_parts} 个新户"),
    "estates.household_named_twice": ("household {code_} is named twice", "住户 {code_} 重复"),
    "estates.household_building_building_only_households": (
        "household {other} is in building {number}, {survivor} in building {number2}; only households of one building are joined",
        "住户 {other} 在 {number} 幢，本户在 {number2} 幢：只能合并同一幢的住户",
    ),
    "estates.required": ("{value} is required", "必填"),
    "input.file_empty": ("the file is empty", "文件是空的"),
    "estates.more_than_rows_split_file": (
        "more than {max_rows} rows; split the file",
        "超过 {max_rows} 行，请拆分文件",
    ),
    "estates.already_exists_2": ("{shown} already exists", "{shown} 已是另一户，不能改成这个地址"),
    # --- fees --------------------------------------------------------------------------------
    "fees.year_range": (
        "must be a year between {min_fee_year} and {max_fee_year}",
        "年度须在 {min_fee_year} 到 {max_fee_year} 之间",
    ),
    "fees.no_schedule": ("No fee schedule for {fee_year}.", "{fee_year} 年度还没有收费标准"),
    "fees.schedule_frozen_by_charges": (
        "Charges for {fee_year} have been issued; the schedule can no longer change.",
        "{fee_year} 年度已开征，收费标准不能再修改",
    ),
    "fees.schedule_changed_since_review": (
        "The schedule changed since you reviewed it; review it again.",
        "收费标准在您审阅后被修改，请刷新后重新审阅",
    ),
    "fees.schedule_already_approved": (
        "The {fee_year} schedule is already approved.",
        "{fee_year} 年度收费标准已经批准",
    ),
    "fees.four_eyes_schedule": (
        "Four eyes: whoever submitted the schedule cannot approve it.",
        "四眼原则：提交人不能批准自己提交的收费标准",
    ),
    "fees.year_2000_2100": (
        "must be a year between 2000 and 2100",
        "年度须在 2000 到 2100 之间",
    ),
    "fees.component_required": (
        "at least one component is required",
        "至少填写一个收费项目",
    ),
    "fees.fund_twice": ("each fund may appear only once", "每个基金只能出现一次"),
    "fees.vacant_amount_range": ("must be between 0 and the amount", "须在 0 和每户金额之间"),
    "fees.percentage_invalid": ("a percentage 0–100: {exc}", "不是 0–100 的百分比：{exc}"),
    "fees.implausible_year": ("not a plausible fee year", "不是有效的费用年度"),
    "fees.steward_cash_short": (
        "the steward holds only {held} in cash",
        "管家手头现金只有 {held} 元",
    ),
    "fees.allocations_mismatch": (
        "is {total} but the allocations add up to {allocated}",
        "合计 {total} 元与分配金额 {allocated} 元不符",
    ),
    "fees.no_charge_for_year": (
        "household {household} has no charge for {fee_year}; charges are issued from the approved schedule first",
        "该户 {fee_year} 年度没有应收费用（收费标准批准后先开具应收）",
    ),
    "fees.overpayment": (
        "overpayment: household {household} owes {left} for {fee_year}, not {amount}",
        "超过欠费：该户 {fee_year} 年度尚欠 {left} 元，不能收 {amount} 元",
    ),
    "fees.schedule_not_approved": (
        "The {fee_year} fee schedule is not approved by the committee; charges can be issued only from an approved schedule.",
        "{fee_year} 年度收费标准尚未经业委会批准，不能开征",
    ),
    "fees.no_household_at": (
        "no household at {shown} in this estate",
        "本小区没有 {shown} 这一户",
    ),
    "fees.code_or_address_required": (
        "required: give the code or the address",
        "请填写户号或地址",
    ),
    "fees.code_address_mismatch": (
        "{code_} is not the household at {shown} (that is {found})",
        "户号 {code_} 与地址 {shown} 不符（该地址的户号是 {found}）",
    ),
    # --- journal -----------------------------------------------------------------------------
    "journal.in_locked_period": (
        "{on} lies in the locked period {start} – {end} ({reason}); post corrections into an open period.",
        "{on} 在已公示锁定的账期 {start} 至 {end} 内（{reason}）：请记在未锁定的期间；确需改动该账期，须经业委会过半数同意解锁",
    ),
    "journal.no_lock": (
        "No period lock {lock_id} in this estate.",
        "本小区没有这个锁定的账期",
    ),
    "journal.inside_locked_period": (
        "inside locked period {start} – {end}",
        "在已锁定的账期 {start} 至 {end} 内",
    ),
    "journal.after_today": (
        "must not be after {value} (today is {today})",
        "不能晚于 {value}（今天是 {today}）",
    ),
    "journal.before_books_opened": (
        "must not be before the books opened ({opened})",
        "不能早于建账日期 {opened}",
    ),
    "journal.books_opened_once": (
        "The books of this estate opened on {opened}; a second opening is refused. Correct opening balances by reversing entries through an approved path.",
        "本小区已于 {opened} 建账，不能再次建账；期初余额有误请走冲销更正审批流程",
    ),
    "journal.books_open_future": (
        "the books cannot open on a future date",
        "建账日期不能晚于今天",
    ),
    "journal.fund_listed_twice": ("{fund} is listed twice", "同一基金填写了两次"),
    "journal.opening_negative": (
        "{fund} would open at {opening}: bank + cash − payable − prepaid must not be below zero",
        "期初余额为 {opening} 元：银行存款＋管家现金－应付承揽方－预收服务费不能小于零",
    ),
    # --- settlements -------------------------------------------------------------------------
    "settlements.claim_not_approved_as_is": (
        "Claim {claim_id} has no approval for its current content; submit it again.",
        "这笔报销的当前内容没有获得批准，请重新提交",
    ),
    "settlements.claim_paid_already": (
        "Claim {claim_id} was paid on {paid_on} (entry {paid_entry_seq}); it is never paid twice.",
        "这笔报销已于 {paid_on} 付款（记账第 {paid_entry_seq} 笔），不会重复付款",
    ),
    "settlements.claim_not_payable": (
        "Claim {claim_id} is {value}; only an approved claim can be paid.",
        "这笔报销{value:claim_state}，只有已批准的报销才能付款",
    ),
    "settlements.before_work_date": (
        "must not be before the work date {work_date}",
        "不能早于施工日期 {work_date}",
    ),
    "settlements.fund_short": (
        "The {fund} fund holds {held} CNY on {booked}, but claim {claim_id} needs {amount} CNY: it is short by {shortfall} CNY. Nothing was paid; the fund must first receive income or an approved transfer.",
        "{fund}基金在 {booked} 只有 {held} 元，这笔报销需要 {amount} 元，还差 {shortfall} 元。没有付款；须先有收入或经批准的基金调拨。",
    ),
    "settlements.donor_required": (
        "who donated the goods (may be 匿名)",
        "请填写捐赠人（可写匿名）",
    ),
    "settlements.out_of_stock": ("{name}: none in stock", "{name}没有库存"),
    "settlements.goods_unit": ("{name} is counted in {unit}", "{name}的单位是“{unit}”"),
    "settlements.stock_short": (
        "only {stock} {unit} of {name} in stock",
        "{name}只有 {stock} {unit} 库存",
    ),
    "settlements.value_only_for_donations": ("only for donated goods", "只有捐赠物品才填估值"),
    "settlements.no_such_claim": ("no such claim in this estate", "本小区没有这张报销单"),
    "settlements.no_such_work_order": (
        "no such work order in this estate",
        "本小区没有这张工单",
    ),
    "settlements.work_order_step": (
        "Work order {order_id} is {value}; it cannot become {value2} (the register goes reported → assigned → done → settled).",
        "工单须按 登记 → 派工 → 完工 → 结算 的顺序办理",
    ),
    "settlements.contractor_required": ("required when assigning", "派工须选择承揽方"),
    "settlements.claim_required": ("required when settling", "结算须选择已批准的报销"),
    "settlements.photo_not_of_order": (
        "voucher {voucher_id} is not a photo of this claim's work order in this estate",
        "凭证 {voucher_id} 不是本报销所选维修工单的照片",
    ),
    "settlements.photo_on_other_claim": (
        "photo {number} already backs claim {claim_id}",
        "照片 {number} 已用于报销 #{claim_id}",
    ),
    "settlements.photos_need_order": (
        "photos come from a work order: choose the work order first",
        "照片来自维修工单：请先选择工单",
    ),
    "vouchers.no_thumbnail": (
        "Voucher {voucher_id} is not an image: it has no thumbnail.",
        "凭证 {voucher_id} 不是图片，没有缩略图",
    ),
    "settlements.claim_of_other_order": (
        "the claim is not for this work order",
        "这张报销单不属于这张工单",
    ),
    "settlements.settle_needs_approved_claim": (
        "Claim {claim_id} is {value}; a work order is settled by an approved claim.",
        "工单须用已批准的报销结算",
    ),
    "settlements.account_not_open": (
        "{account} is not an open account of this estate",
        "本小区没有这个支出科目",
    ),
    "settlements.claim_not_submittable": (
        "Claim {claim_id} is {value}; only a draft or rejected claim can be submitted (edit it first).",
        "这笔报销{value:claim_state}，只有草稿或被驳回的报销才能提交",
    ),
    "settlements.line_required": ("at least one line is required", "至少填写一行明细"),
    "settlements.too_many_lines": ("at most {max_lines} lines", "最多 {max_lines} 行"),
    "settlements.reference_unit": (
        "the reference price of {code_} is per {unit}",
        "参考价 {code_} 的单位是“{unit}”",
    ),
    "settlements.above_reference": (
        "unit price {unit_price} is above the reference price {value} per {unit} (the line costs {over_reference} more): a written reason is required",
        "单价 {unit_price} 元高于参考价 {value} 元/{unit}（本行多 {over_reference} 元）：须写明理由",
    ),
    "settlements.no_reference_price": (
        "no reference price {code_} in force on {work_date}",
        "{work_date} 没有有效的参考价 {code_}",
    ),
    # --- estates -----------------------------------------------------------------------------
    "estates.invalid_paging": ("Invalid paging.", "分页参数有误"),
    "estates.longer_than_characters": (
        "is longer than {max_length} characters",
        "最多 {max_length} 个字符",
    ),
    "estates.household_was_closed_merged_split": (
        "household {code_} was closed on {value} (merged or split; see its history) and no longer changes",
        "住户 {code_} 已于 {value} 合户或分户注销",
    ),
    "estates.must_after_date_latest_occupancy": (
        "must be after {value}, the date of the latest occupancy change; earlier history is never rewritten",
        "须晚于 {value}（上一次入住状态变更的日期）；已有记录不能改写",
    ),
    "estates.household_already_since": (
        "the household is already {value} since {effective_from}",
        "这一户自 {effective_from} 起已经是{value}",
    ),
    "estates.household_already_occupied_since_give": (
        "the household is already occupied since {effective_from}; give the new owner_name or phone, or record the move-out first",
        "这一户自 {effective_from} 起已经在住：如是新业主，请填写业主姓名或电话",
    ),
    "estates.household_already_has_charge_issued": (
        "household {code_} already has a charge for {year}, issued before this change; a household closing on {value} is not charged for {year}, and issued charges (and money paid on them) are never moved. Date the change after {year}-01-01, once that year has begun (the {year} charges then stand as issued and the new shape is charged from {value2})",
        "住户 {code_} 已开征 {year} 年度费用；注销的户不再收该年度费用，已开征的费用和已交的钱不转移。请在 {year} 年开始后办理（日期晚于 {year}-01-01），该年度仍按已开征的费用收取，从下一年度起按新户收费",
    ),
    "estates.household_was_closed_merged_split_2": (
        "household {household} was closed on {value} (merged or split) and cannot be merged or split again",
        "住户 {household} 已于 {value} 合户或分户注销",
    ),
    "estates.must_after_date_household_s": (
        "must be after {value}, the date of household {household}'s latest change; earlier history is never rewritten",
        "必须晚于 {value}（住户 {household} 最近一次变更的日期），已有记录不能改写",
    ),
    "estates.occupancy_change_not_after_latest": (
        "{occupancy} is {was} on {since}, not {status}; a change must take effect after {latest} (the latest change): write that date in {since_label}",
        "{since} 的状态是{was:occupancy}，不是{status:occupancy}；状态变更须晚于上一次变更 {latest}：请在起始日期一栏写晚于它的日期",
    ),
    "estates.area_invalid": ("{value!r}: {reason}", "“{value}”{reason}"),
    "estates.on_reason": ("on: {reason}", "{reason}"),
    "estates.no_household_in": (
        "No household {code_!r} in {estate!r}.",
        "小区 {estate} 没有住户 {code_}",
    ),
    "estates.address_taken_merge_instead": (
        "{shown} is household {taken} already; merge the two units instead of correcting one into the other (POST …/households/merge).",
        "{shown} 已是住户 {taken}：请合并两户，不要把一户改成另一户的地址",
    ),
    "estates.address_taken_meanwhile": (
        "The address was taken by someone else at the same time; nothing was changed.",
        "该地址刚被其他人占用，没有做任何修改",
    ),
    "estates.header_unreadable": (
        "The header row cannot be read ({summary}); nothing was imported. Accepted columns: {columns}.",
        "无法读取表头（{summary}），没有导入任何数据。可用的列名：{columns}",
    ),
    "estates.header_missing_column": ("the header has no {label} column", "表头缺少“{label}”列"),
    "estates.unknown_column": (
        "unknown column {name!r} (column {index}); accepted columns: {columns}",
        "第 {index} 列“{name}”不是可识别的列名，没有导入任何数据（可用的列名见导入说明）",
    ),
    "estates.column_twice": ("{label} appears twice in the header", "“{label}”列出现了两次"),
    "estates.occupancy_required": (
        "is required (occupied/vacant, 自住/出租/已入住 or 空户/空置)",
        "必填（自住、出租、已入住 或 空户、空置）",
    ),
    "estates.not_an_occupancy": (
        "{text!r} is not an occupancy: write occupied or vacant (自住, 出租, 已入住 → occupied; 空户, 空置 → vacant)",
        "“{text}”无法识别：请填 自住、出租、已入住（在住）或 空户、空置",
    ),
    "estates.date_out_of_range": (
        "{value} is outside {year}–{year2}",
        "{value} 不在 {year}–{year2} 年之间",
    ),
    "estates.address_exists_as": (
        "{address} already exists (household {code_}).",
        "{address} 已存在（户号 {code_}）",
    ),
    "estates.not_a_date": (
        "{text!r} is not a date (write 2026-03-01)",
        "“{text}”不是日期（请写成 2026-03-01）",
    ),
    "estates.added_meanwhile": (
        "{address} was added by someone else at the same time.",
        "{address} 刚被其他人添加",
    ),
    "estates.page_at_least_one": ("page must be 1 or more", "页码须大于等于 1"),
    "estates.per_page_range": ("per_page must be between 1 and 500", "每页条数须在 1 到 500 之间"),
    "estates.not_a_calendar_date": (
        "{text!r} is not a real calendar date",
        "“{text}”不是真实存在的日期",
    ),
    "estates.file_utf16": (
        'the file is not UTF-8 or GB18030 text (it looks like UTF-16): save it as "CSV UTF-8" or as an .xlsx workbook',
        "文件不是 UTF-8 或 GB18030 文本（看起来是 UTF-16）：请另存为“CSV UTF-8”或 .xlsx 工作簿",
    ),
    "estates.worksheet_empty": ("the first worksheet is empty", "第一个工作表是空的"),
    "estates.file_too_large": ("the file is larger than {value} MB", "文件超过 {value} MB"),
    "estates.xls_unsupported": (
        "old Excel .xls files are not supported: save it as .xlsx or CSV",
        "不支持旧版 Excel .xls 文件：请另存为 .xlsx 或 CSV",
    ),
    "estates.not_xlsx": (
        "the file is named .xlsx but is not an XLSX workbook",
        "文件名是 .xlsx，但不是 XLSX 工作簿",
    ),
    "estates.confirm_needs_update_mode": (
        "confirm applies an update preview: use mode=update",
        "确认的是更新预览：请选择更新模式",
    ),
    "estates.header_encoding": (
        "the header is not valid UTF-8 or GB18030 text; save the file as UTF-8",
        "表头不是有效的 UTF-8 或 GB18030 文本：请把文件另存为 UTF-8",
    ),
    "estates.rows_have_errors": (
        "{bad_rows} of {rows} rows have errors; nothing was imported. Rows are numbered as in the spreadsheet (the header is row 1).",
        "{rows} 行中有 {bad_rows} 行有误，没有导入任何数据。行号与表格一致（表头是第 1 行）",
    ),
    "estates.changed_since_preview": (
        "The file or the households changed since the preview; nothing was imported. Preview again.",
        "预览之后文件或住户已有变化，没有导入任何数据：请重新预览",
    ),
    "estates.csv_unreadable": ("the CSV file cannot be read: {exc}", "无法读取 CSV 文件：{exc}"),
    "estates.xlsx_unreadable": (
        "not a readable XLSX workbook ({exc})",
        "无法读取的 XLSX 工作簿（{exc}）",
    ),
    "estates.changed_during_import": (
        "Households of this estate were changed by someone else during the import; nothing was imported. Import the file again.",
        "导入期间本小区的住户被其他人修改，没有导入任何数据：请重新导入",
    ),
    "estates.room_repeated_in_file": (
        "{value}: {value2}幢{value3}单元{value4}室 is already in row {value5} of this file",
        "{value2}幢{value3}单元{value4}室 与本文件第 {value5} 行重复",
    ),
    "estates.room_exists_and_differs": (
        "{value}: {address} already exists as household {existing} and differs ({value2}); import with update mode to change it (preview first), or change it on the household's page",
        "{address} 已存在（户号 {existing}）且内容不同：请在住户页面修改，不要用导入",
    ),
    "estates.preview_token_stale": (
        "not the token of what this file would do now",
        "这不是该文件当前预览的确认码，请重新预览",
    ),
    "estates.occupancy_row_needed": (
        "a household always has at least one occupancy row",
        "每户至少有一条入住状态记录",
    ),
    "estates.not_a_phone": (
        "{value!r} is not a mainland mobile number (11 digits starting 13–19) or a landline number (e.g. 0574-87000001)",
        "“{value}”不是有效的手机号码（11 位，13–19 开头）或固定电话（如 0574-87000001）",
    ),
    "estates.slug_invalid": (
        "must be 2–40 characters of lowercase ASCII letters, digits and hyphens, not starting or ending with a hyphen",
        "2–40 个小写英文字母、数字或 -，不以 - 开头或结尾（如 youhe）",
    ),
    "estates.address_part_chars": (
        "{value!r} may hold only letters, digits and - _ / #",
        "“{value}”只能包含字母、数字和 - _ / #",
    ),
    "estates.area_out_of_range": (
        "{value!r} must be more than 0 and at most {max_area} m²",
        "“{value}”须大于 0、不超过 {max_area} 平方米",
    ),
    "estates.not_an_address": (
        "{text!r} is not an address: write 3-1-502 or 3幢1单元502室",
        "地址“{text}”无法识别：请写成 3-1-502 或 3幢1单元502室",
    ),
    "estates.area_not_a_number": (
        "{value!r} is not a number of square metres",
        "“{value}”不是平方米数",
    ),
    "estates.estate_invalid": ("The estate has invalid fields.", "小区信息填写有误"),
    "estates.slug_exists": (
        "An estate with slug {value!r} already exists.",
        "代号 {value} 已被其他小区使用",
    ),
    "estates.no_estate": ("No estate {slug!r}.", "没有小区 {slug}"),
    "estates.unknown_time_zone": (
        "{timezone!r} is not a known IANA time zone",
        "“{timezone}”不是有效的时区",
    ),
    "estates.merge_invalid": ("The merge is not valid.", "合户填写有误"),
    "estates.split_invalid": ("The split is not valid.", "分户填写有误"),
    "estates.no_household": ("no household {code_!r} in this estate", "本小区没有住户 {code_}"),
    "estates.area_sum_too_large": (
        "the sum {area} m² is too large; state it",
        "面积合计 {area} 平方米过大，请分别填写",
    ),
    "estates.address_given_twice": ("{address} is given twice", "{address} 填了两次"),
    "estates.patch_empty": (
        "give at least one of building, entrance, room, owner_name, phone, area_m2",
        "请至少填写幢、单元、室、业主、电话、面积中的一项",
    ),
    "estates.site_required_for_new_building": (
        "{value} is required: building {building} is new and the estate has {sites} sites ({value2})",
        "{building}幢是新楼栋，本小区有多个片区，请填写片区",
    ),
    "estates.building_in_other_site": (
        "{value}: building {building} is in site {site!r} ({name}), not {site2!r}",
        "{building}幢属于片区 {site}（{name}），不是“{site2}”",
    ),
    "estates.import_row_household_closed": (
        "{value}: {address} is household {existing}, closed on {value2} (merged or split); it no longer changes — remove the row or change the household that replaced it",
        "{address} 是住户 {existing}，已于 {value2} 合户或分户注销，不再修改：请删除这一行，或修改取代它的住户",
    ),
    "estates.building_site_differs_in_file": (
        "{value}: building {building} is given site {site!r} in row {first} and {site2!r} here",
        "{building}幢在第 {first} 行写的片区是“{site}”，这里却是“{site2}”",
    ),
    "estates.address_is_household": (
        "{address} is household {taken} already",
        "{address} 已是住户 {taken}",
    ),
    "estates.room_is_household": (
        "{value}幢{value2}单元{value3}室 is household {taken} already",
        "{value}幢{value2}单元{value3}室 已是住户 {taken}",
    ),
    "estates.household_invalid": ("The household has invalid fields.", "住户信息填写有误"),
    "estates.taken": ("taken", "已被占用"),
    "estates.cell_encoding": (
        "{label} has characters that are not valid text in the file's encoding; save the file as UTF-8 (or GB18030) and import it again",
        "{field:label}含有文件编码中无效的字符：请把文件另存为 UTF-8（或 GB18030）后重新导入",
    ),
    # --- input -------------------------------------------------------------------------------
    "input.field_reason": ("{field} {reason}", "{field:label}{reason}"),
    "input.labelled": ("{label} {reason}", "{field:label}{reason}"),
    # --- fees --------------------------------------------------------------------------------
    "fees.header_names_no_household": (
        "The header row cannot name the households; nothing was imported.",
        "表头无法确定住户，没有导入任何数据",
    ),
    "fees.header_needs_household_column": (
        "the header names no household: give 户号 (household_code), 地址 (address) or 幢, 单元, 室",
        "表头没有住户列：请给出 户号、地址 或 幢、单元、室",
    ),
    "fees.address_columns_missing": (
        "an address in columns needs 幢, 单元 and 室; missing {missing}",
        "分列填写地址须有 幢、单元、室：缺少 {missing}",
    ),
    "fees.address_reason": ("address {exc}", "{exc}"),
    "fees.not_a_year": ("not a year (write 2026)", "不是年度（请写成 2026）"),
    "fees.method_reason": ("method {exc}", "{exc}"),
    "fees.no_household": ("No household {code_!r}.", "没有住户 {code_}"),
    "fees.no_charge": (
        "Household {code_} has no charge for {fee_year}.",
        "住户 {code_} 没有 {fee_year} 年度的应收费用",
    ),
    "fees.no_receipt": ("No receipt {receipt_no}.", "没有收据 {receipt_no}"),
    "fees.year_not_started": ("fee year {fee_year} has not started", "{fee_year} 费用年度尚未开始"),
    "fees.no_household_named": ("no household {code_!r}", "没有住户 {code_}"),
    "fees.household_year_twice": ("the same household and year twice", "同一户同一年度填了两次"),
    "fees.between_1_and_10": ("must be between 1 and 10", "须在 1 到 10 之间"),
    "fees.only_with_percent_rule": (
        "only with vacancy_rule 'percent'",
        "只有按比例收取空户费用时才填写",
    ),
    "fees.only_with_amounts_rule": (
        "only with vacancy_rule 'amounts'",
        "只有按金额收取空户费用时才填写",
    ),
    "fees.not_a_method": (
        "{text!r} is not a payment method: write {accepted}",
        "付款方式“{text}”无法识别：请填 现金、微信、支付宝 或 银行转账",
    ),
    "fees.method_required": (
        "is required: write {accepted}",
        "请填写付款方式（现金、微信、支付宝、银行转账）",
    ),
    # --- input -------------------------------------------------------------------------------
    "input.not_a_date": ("not a date (YYYY-MM-DD)", "不是日期（请写成 2026-03-01）"),
    # --- settlements -------------------------------------------------------------------------
    "settlements.date_yyyy_mm_dd": ("a date YYYY-MM-DD", "不是日期（请写成 2026-03-01）"),
    "settlements.no_claim": ("No claim {claim_id} in this estate.", "本小区没有报销单 {claim_id}"),
    "settlements.claim_frozen": (
        "Claim {claim_id} is {value}; it can no longer change.",
        "这笔报销{value:claim_state}，不能再修改",
    ),
    "settlements.claim_not_voidable": (
        "Claim {claim_id} is {value}; it cannot be voided.",
        "这笔报销{value:claim_state}，不能作废",
    ),
    "settlements.contractor_exists": (
        "A contractor named {name} exists already.",
        "承揽方 {name} 已存在",
    ),
    "settlements.no_contractor": (
        "No contractor {contractor_id} in this estate.",
        "本小区没有承揽方 {contractor_id}",
    ),
    "settlements.no_contract": (
        "No repair contract {contract_id} in this estate.",
        "本小区没有维修合同 {contract_id}",
    ),
    "settlements.contract_approved": (
        "The contract is approved already; edit it to change it.",
        "合同已经批准：如需变更请修改合同",
    ),
    "settlements.ends_before_start": ("must be after starts_on", "须晚于开始日期"),
    "settlements.contract_too_long": (
        "a repair contract runs for at most one year",
        "维修合同最长一年",
    ),
    "settlements.claim_not_approved_for_payable": (
        "Claim {claim_id} is {value}; only an approved claim becomes payable.",
        "这笔报销{value:claim_state}，只有已批准的报销才能入账",
    ),
    "settlements.price_list_exists": (
        "A price list effective from {effective_from} exists already; versions never change — import the new prices with a later effective date.",
        "{effective_from} 起生效的参考价已存在；参考价版本不能修改，请以更晚的生效日期导入新价格",
    ),
    "settlements.no_price_rows": ("no price rows", "没有参考价行"),
    "settlements.item_code_invalid": (
        "1–30 letters, digits, dots or dashes",
        "1–30 个字母、数字、点或横线",
    ),
    "settlements.item_code_twice": (
        "appears twice (also row {value})",
        "重复（第 {value} 行也有）",
    ),
    "settlements.no_work_order": (
        "No work order {order_id} in this estate.",
        "本小区没有工单 {order_id}",
    ),
    "settlements.work_order_status_invalid": (
        "one of reported, assigned, done, settled",
        "须为 登记、派工、完工、结算 之一",
    ),
    # --- vouchers ----------------------------------------------------------------------------
    "vouchers.too_many_pixels": (
        "the image is {width}×{height} = {value:,} pixels; at most {max_pixels:,} are accepted",
        "照片为 {width}×{height} 像素，超过上限 {max_pixels:,} 像素，请缩小后再上传",
    ),
    "vouchers.pdf_unchecked": (
        "PDF files cannot be checked on this server; upload a photo instead",
        "本服务器无法检查 PDF 文件，请改为上传照片",
    ),
    "vouchers.pdf_unreadable": (
        "not a readable PDF (checked by its content)",
        "不是可读取的 PDF 文件",
    ),
    "vouchers.too_large": ("larger than {value} MB", "文件超过 {value} MB"),
    "vouchers.pixel_bomb": (
        "the image has more than {max_pixels:,} pixels",
        "照片超过 {max_pixels:,} 像素，请缩小后再上传",
    ),
    "vouchers.image_unreadable": (
        "not a readable JPEG or PNG image (checked by its content)",
        "无法读取的 JPEG 或 PNG 照片",
    ),
    "vouchers.image_damaged": (
        "the image does not decode (damaged or truncated)",
        "照片已损坏或不完整",
    ),
    "vouchers.not_an_image": (
        "not a JPEG or PNG file (checked by its content)",
        "不是 JPEG 或 PNG 照片",
    ),
    "vouchers.not_an_image_or_pdf": (
        "not a JPEG, PNG or PDF file (checked by its content)",
        "不是 JPEG、PNG 照片或 PDF 文件",
    ),
    "vouchers.no_voucher": (
        "No voucher {voucher_id} in this estate.",
        "本小区没有凭证 {voucher_id}",
    ),
    "vouchers.hash_mismatch": (
        "The file of voucher {number} does not match its hash.",
        "凭证 {number} 的文件与其指纹不符",
    ),
    "vouchers.file_missing": (
        "The file of voucher {number} is missing.",
        "凭证 {number} 的文件缺失",
    ),
    # --- approvals ---------------------------------------------------------------------------
    "approvals.kind_invalid": (
        "must be 2–30 lower-case letters or underscores",
        "须为 2–30 个小写字母或下划线",
    ),
    "approvals.tier_required": ("at least one tier is required", "至少填写一档"),
    "approvals.last_tier_unlimited": (
        "the last tier must have no upper limit",
        "最后一档不能有上限",
    ),
    "approvals.only_last_unlimited": (
        "only the last tier may be unlimited",
        "只有最后一档可以不设上限",
    ),
    "approvals.approvals_needed_invalid": (
        "must be 1–{max_approvals} or majority",
        "须为 1–{max_approvals} 或 过半数",
    ),
    "approvals.body_invalid": ("must be committee or council", "须为业委会或理事会"),
    "approvals.number_or_majority": ("a number or 'majority'", "请填数字或“过半数”"),
    "approvals.tier_not_above": ("must be above the previous tier", "须高于上一档"),
    "approvals.no_request": ("No approval request {request_id}.", "没有审批单 {request_id}"),
    "approvals.rejection_reason_required": ("a rejection needs a written reason", "驳回须写明理由"),
    "approvals.no_request_here": (
        "No approval request {request_id} in this estate.",
        "本小区没有审批单 {request_id}",
    ),
    # --- auth --------------------------------------------------------------------------------
    "auth.token_unknown": ("The API token is unknown or revoked.", "API 令牌无效或已撤销"),
    "auth.rate_limited": (
        "Too many failed sign-ins for {what}; try again in {seconds} seconds.",
        "{what} 登录失败次数过多，请 {seconds} 秒后再试",
    ),
    "auth.wrong_password": ("Wrong user name or password.", "用户名或密码错误"),
    "auth.no_user": ("No user {user_id}.", "没有用户 {user_id}"),
    "auth.no_token": ("You have no token {token_id}.", "您没有令牌 {token_id}"),
    "auth.no_user_named": ("No user {username!r}.", "没有用户 {username}"),
    "auth.username_taken": ("User name {username!r} is taken.", "用户名 {username} 已被占用"),
    "auth.admin_not_per_estate": (
        "admin is not held per estate; make the user an administrator instead",
        "系统管理员不按小区授权：请把该用户设为系统管理员",
    ),
    "auth.no_estate_id": ("no estate with id {estate_id}", "没有编号为 {estate_id} 的小区"),
    "auth.no_membership": (
        "User {user_id} has no membership {membership_id}.",
        "用户 {user_id} 没有授权 {membership_id}",
    ),
    "auth.no_estate": ("no estate {estate!r}", "没有小区 {estate}"),
    "auth.sign_in_first": ("Sign in first.", "请先登录"),
    # --- disclosure --------------------------------------------------------------------------
    "disclosure.receipt_no_invalid": (
        "a receipt number: letters, digits and dashes",
        "只能包含字母、数字和短横线（-）",
    ),
    "disclosure.not_a_period": (
        "{value!r} is not a period: write 2026, 2026Q1, 2026-03 or 2026-01-01..2026-03-31",
        "“{value}”不是期间：请写成 2026、2026Q1、2026-03 或 2026-01-01..2026-03-31",
    ),
    "disclosure.year_out_of_range": (
        "year {year} is outside {min_year}–{max_year}",
        "年度 {year} 不在 {min_year}–{max_year} 之间",
    ),
    "disclosure.month_invalid": (
        "month {month:02d} is not 01–12",
        "月份 {month:02d} 不在 01–12 之间",
    ),
    "disclosure.start_after_end": (
        "starts ({start}) after it ends ({end})",
        "开始日期（{start}）晚于结束日期（{end}）",
    ),
    "disclosure.period_too_long": ("longer than five years", "期间超过五年"),
    "disclosure.not_a_calendar_date": ("not a calendar date: {exc}", "不是真实存在的日期：{exc}"),
    "disclosure.no_published": (
        "No published disclosure {version_id} for {slug!r}.",
        "小区 {slug} 没有已公示的版本 {version_id}",
    ),
    "disclosure.no_version_here": (
        "No disclosure version {version_id} in this estate.",
        "本小区没有公示版本 {version_id}",
    ),
    "disclosure.version_waiting": (
        "Version {waiting} of {label} is waiting for approval; resubmit or publish it instead of starting another.",
        "{label} 的第 {waiting} 版正在等待审批：请重新提交或公示它，不要另起一版",
    ),
    "disclosure.published_already": (
        "{label} was already published (version {number}); publish a correction: name the version it supersedes and why.",
        "{label} 已经公示（第 {number} 版）：请公示更正版，写明更正哪一版及原因",
    ),
    "disclosure.version_frozen": (
        "Version {version_id} is {value}; it cannot change.",
        "公示版本 {version_id} 的状态是 {value}，不能再修改",
    ),
    "disclosure.version_state_already": (
        "Version {version_id} is already {value}.",
        "公示版本 {version_id} 已经是 {value}",
    ),
    "disclosure.version_not_submitted": (
        "Version {version_id} has no approval request; resubmit it.",
        "公示版本 {version_id} 没有审批单：请重新提交",
    ),
    "disclosure.no_version": ("No disclosure version {version_id}.", "没有公示版本 {version_id}"),
    "disclosure.correction_reason_required": ("a correction must say why", "更正须写明原因"),
    "disclosure.correction_names_version": (
        "a correction names the version it corrects",
        "更正须写明更正的是哪一版",
    ),
    "disclosure.no_superseded_version": (
        "No disclosure version {supersedes_id} in this estate.",
        "本小区没有公示版本 {supersedes_id}",
    ),
    "disclosure.supersedes_unpublished": (
        "must be a published version of {label}",
        "须是 {label} 已公示的版本",
    ),
    "disclosure.superseded_already": (
        "version {number} is already superseded; correct the latest (version {number2}, id {id})",
        "第 {number} 版已被更正：请更正最新的一版（第 {number2} 版，编号 {id}）",
    ),
    "disclosure.approve_or_reject": ("must be 'approve' or 'reject'", "须为“批准”或“驳回”"),
    "disclosure.no_lock": ("No period lock {lock_id}.", "没有锁定的账期 {lock_id}"),
    # --- journal -----------------------------------------------------------------------------
    "journal.end_before_start": ("must not be before start", "不能早于开始日期"),
    "journal.year_from_2000": ("must be in 2000 or later", "须是 2000 年或以后"),
    "journal.reversal_needs_approval": (
        "Entry {seq} moved money between parties; its reversal does too, so it needs the committee's approval: propose it (POST /ledger/proposals with reverses_seq).",
        "第 {seq} 笔涉及资金往来，冲销它同样须经业委会审批：请提交记账申请",
    ),
    "journal.no_proposal": (
        "No proposed entry {proposal_id} in this estate.",
        "本小区没有记账申请 {proposal_id}",
    ),
    "journal.kind_not_general": (
        "must be {general_kind!r}; {kind!r} entries are posted by their domain",
        "须为 {general_kind}；{kind} 类记录由其业务流程记账",
    ),
    "journal.two_legs": ("an entry needs at least two legs", "一笔记录至少有两行分录"),
    "journal.correct_in_workflow": (
        "entry {seq} is a {kind!r} entry: correct it in its own workflow",
        "第 {seq} 笔是 {kind} 类记录：请在其业务流程中更正",
    ),
    "journal.reversal_has_no_legs": (
        "leave out: a reversal negates the original's legs",
        "不要填写：冲销自动取原记录的相反分录",
    ),
    "journal.reversal_reason_required": (
        "must not be empty: say why it is reversed",
        "必填：请写明冲销理由",
    ),
    "journal.idempotency_reused": (
        "Idempotency-Key {key!r} was already used with a different request.",
        "幂等键 {key} 已用于另一请求",
    ),
    "journal.idempotency_in_progress": (
        "A request with Idempotency-Key {key!r} is still in progress.",
        "使用幂等键 {key} 的请求仍在处理中",
    ),
    "journal.idempotency_key_length": ("must be 1–{max_key} characters", "须为 1–{max_key} 个字符"),
    "journal.idempotency_retry": (
        "A request with Idempotency-Key {key!r} is in progress; retry.",
        "使用幂等键 {key} 的请求正在处理中，请稍后重试",
    ),
    "journal.no_estate": ("No estate with id {estate_id}.", "没有编号为 {estate_id} 的小区"),
    "journal.paging": ("page ≥ 1 and 1 ≤ per_page ≤ 500", "页码须 ≥ 1，每页条数须在 1 到 500 之间"),
    "journal.idempotency_header_required": ("header required for posting", "记账须带幂等键请求头"),
    "journal.as_of_or_range": (
        "give either as_of or start/end, not both",
        "截止日期与起止日期只能给出一种",
    ),
    "journal.proposal_changed": (
        "The proposal changed after it was approved.",
        "记账申请在批准后被修改",
    ),
    "journal.proposal_posted": (
        "Proposal {replacing_id} was posted as entry {entry_seq}; correct it by reversing that entry.",
        "记账申请 {replacing_id} 已记为第 {entry_seq} 笔：请冲销该笔记录来更正",
    ),
    "journal.books_open_already": ("The books of this estate are already open.", "本小区已经建账"),
    "journal.open_entry_not_reversible": (
        "Entry {seq} opens an account; it moves no money to reverse.",
        "第 {seq} 笔是开设科目的记录，没有资金可冲销",
    ),
    "journal.idempotency_other_entry": (
        "Idempotency key {idempotency_key!r} was used for a different entry (seq {seq}).",
        "幂等键 {idempotency_key} 已用于另一笔记录（第 {seq} 笔）",
    ),
    "journal.reversal_of_reversal": (
        "Entry {seq} is itself a reversal (of entry {reverses_seq}); post a new entry instead of reversing it.",
        "第 {seq} 笔本身是冲销（冲销第 {reverses_seq} 笔）：请记一笔新记录，不要再冲销它",
    ),
    "journal.reversed_already": (
        "Entry {seq} was already reversed by entry {already}.",
        "第 {seq} 笔已被第 {already} 笔冲销",
    ),
    "journal.no_entry": ("No journal entry {seq} in this estate.", "本小区没有第 {seq} 笔记录"),
    "journal.lock_lifted_already": (
        "Period lock {lock_id} was already lifted on {lifted_at}.",
        "锁定的账期 {lock_id} 已于 {lifted_at} 解锁",
    ),
    "journal.unknown_fund": ("unknown fund", "没有这个基金"),
    "journal.below_zero": (
        "{account} would go below zero on {day}",
        "{account} 在 {day} 的余额将小于零",
    ),
    # --- auth --------------------------------------------------------------------------------
    "auth.dual_role": (
        "{name} now both records (steward) and approves ({roles}) in estate {estate}. Four eyes still hold: they can never approve or reject anything they wrote, edited or submitted (claims, contracts, projects, budgets, transfers, disclosures, fee schedules, opening balances, proposed entries); where possible give the two roles to two people.",
        "注意：{name} 在小区 {estate} 同时是红色管家和审批人（{roles:roles}）。四眼原则照样适用：凡是本人编写、修改或提交过的报销、合同、项目、预算、调拨、公示、收费标准、期初余额和记账申请，本人都不能审批；最好由两个人分别担任。",
    ),
    # --- disclosure --------------------------------------------------------------------------
    "disclosure.period_not_ended": (
        "{label} has not ended yet (its last day is {end}; today is {today} in {timezone}): only an ended period can be disclosed",
        "{label} 尚未结束（最后一天是 {end}，今天是 {today}）：只能公示已经结束的期间",
    ),
    # --- estates -----------------------------------------------------------------------------
    "estates.no_estate_id": ("No estate {estate_id}.", "没有编号为 {estate_id} 的小区"),
    # --- input -------------------------------------------------------------------------------
    "input.value_reason": ("{value}: {reason}", "{value}：{reason}"),
    # --- journal -----------------------------------------------------------------------------
    "journal.fund_change": (
        "changes the {fund} fund: money enters or leaves a fund only through a fee payment, an approved claim, a gift or an approved fund transfer (four eyes)",
        "改变了{fund}基金：钱只能通过收费、批准的报销、捐赠或批准的基金调拨进出基金（四眼原则）",
    ),
    "journal.needs_approval": (
        "moves money between parties ({account}): one person may not post it alone; propose it for the committee's approval (POST /api/v1/estates/{{slug}}/ledger/proposals)",
        "涉及银行、现金等资金往来，一人不能单独记账：请提交业委会审批（记账申请）",
    ),
    "journal.one_fund": (
        "a reclassification keeps every leg in one fund ({fund}); money moves between funds only by an approved fund transfer",
        "重分类只能在同一基金的支出科目之间进行；基金之间调拨须经审批",
    ),
    "journal.payable_by_claim": (
        "payables are created by an approved claim and settled by paying that claim (POST /api/v1/estates/{{slug}}/claims/{{id}}/pay), never by a general entry",
        "应付款只能由批准的报销单产生、通过报销付款结清，不能手工记账",
    ),
    "journal.books_not_open": (
        "The books of this estate are not open yet: the steward proposes the opening balances (POST /api/v1/estates/{{slug}}/books/opening, or the staff page 建账) and the committee approves them; only then can anything be posted.",
        "本小区尚未建账：请管家在「建账」页面填写期初余额，业委会审批通过后才能记账",
    ),
    "journal.on_day": ("on {on}", "在 {on}"),
    "journal.lowest_on": ("on {day} (its lowest from {on} on)", "在 {day}（{on} 以后的最低点）"),
    "journal.money_short": (
        "{what} holds {lowest} CNY {when}; this entry takes {takes} CNY, short by {short} CNY: a bank or cash balance never goes below zero.",
        "{what:account}{when}只有 {lowest} 元，本笔需 {takes} 元，差 {short} 元：银行存款和现金不能为负数",
    ),
    "journal.fund_short": (
        "Fund {what} holds {lowest} CNY {when}; this entry takes {takes} CNY, short by {short} CNY.",
        "{what:fund}{when}只有 {lowest} 元，本笔需 {takes} 元，差 {short} 元",
    ),
    "journal.name_length": ("must be 1–200 characters", "须为 1–200 个字符"),
    "journal.account_not_open": (
        "{account} is not open in this estate",
        "本小区没有开设科目 {account}",
    ),
    "journal.account_opens_later": (
        "{account} ({name}) opens only on {opened_on}: an entry dated before that day cannot use it (an account first needed after a published period opens after it; date a correction on or after that day)",
        "科目 {account}（{name}）自 {opened_on} 起才开设，更早日期的记账不能使用它（在已公示期间之后首次使用的科目从其后开设；更正请记在该日或之后）",
    ),
    "journal.lock_period_not_ended": (
        "{end} has not passed yet (today is {today} in {timezone}): only an ended period can be locked",
        "{end} 尚未过去（今天是 {today}）：只能锁定已经结束的期间",
    ),
    # --- reconciliation: statements and wallet bills -----------------------------------------
    "bank.no_header_row": (
        "no header row with the columns {columns} was found",
        "找不到表头行（须含 {columns}）",
    ),
    "bank.wallet_source": (
        "No wallet {source}: use wechat or alipay.",
        "没有这种收款渠道（只有微信支付、支付宝）",
    ),
    "bank.wallet_line_changed": (
        "{serial} was imported before as {date} {amount}; a bill line never changes",
        "单号 {serial} 已导入过（{date}，{amount} 元），账单明细不能改变",
    ),
    "bank.after_today": (
        "the file has lines after today ({today})",
        "文件中有今天（{today}）以后的明细",
    ),
    "bank.no_wallet_line": (
        "No {source} bill line {line_id} in this estate.",
        "这个小区的账单里没有这一笔（{line_id}）",
    ),
    "bank.wallet_not_collection": (
        "line {serial} is a {kind}, not a collection: only money received is a fee payment",
        "交易单号 {serial} 不是收款（只有收进来的钱才能对上收费）",
    ),
    "bank.wallet_line_matched": (
        "Bill line {serial} is matched already; undo that first.",
        "交易单号 {serial} 已经对上了；请先撤销",
    ),
    "bank.wallet_line_not_matched": (
        "Bill line {serial} is not matched.",
        "交易单号 {serial} 还没有对上",
    ),
    "bank.no_payment": (
        "No fee payment {payment_id} in this estate.",
        "这个小区没有这笔收费（{payment_id}）",
    ),
    "bank.wallet_other_method": (
        "payment {payment_id} was recorded as {method}, not {source}: a {source} bill line cannot be it",
        "这笔收费记的是{method_name}，不是{source_name}，不能对上{source_name}账单",
    ),
    "bank.wallet_payment_voided": (
        "payment {payment_id} is no longer in the books (its receipts were voided or reversed)",
        "这笔收费已不在账上（收据已作废或已冲销）",
    ),
    "bank.wallet_payment_matched": (
        "Payment {payment_id} is matched to bill line {serial} already.",
        "这笔收费已经对上交易单号 {serial}",
    ),
    "bank.wallet_amount_differs": (
        "payment {payment_id} is {amount}; the bill line is {line_amount}",
        "收费金额 {amount} 元，账单金额 {line_amount} 元，两者不符",
    ),
    "bank.wallet_dates_far_apart": (
        "payment {payment_id} is dated {date}, more than 3 days from the line's {date2}: say why they are the same money",
        "收费日期 {date} 与账单日期 {date2} 相差超过 3 天：请说明为什么是同一笔钱",
    ),
    # --- reconciliation: cash counts (现金盘点) ------------------------------------------------
    "cash_count.unknown_denomination": (
        "not a denomination: use one of {keys}",
        "不是人民币面额",
    ),
    "cash_count.not_found": ("No cash count {count_id} in this estate.", "找不到这次现金盘点"),
    "cash_count.books_not_open": (
        "the books are not open yet: there is no cash in the books to count against",
        "账本尚未建账，没有可核对的账面现金",
    ),
    "cash_count.explain_difference": (
        "counted {counted} but the books hold {book_cash} (difference {difference}): "
        "say why in a note",
        "实点 {counted} 元，账面 {book_cash} 元，差额 {difference} 元：请说明原因",
    ),
    # --- ledger ------------------------------------------------------------------------------
    "ledger.text_does_not_parse": (
        "its ledger text does not parse: {why}",
        "写入账本后无法解析，请修改（去掉特殊字符）",
    ),
    "ledger.text_sets_option": (
        "its ledger text would set a beancount option, plugin or include",
        "无法写入账本，请修改（去掉特殊字符）",
    ),
    "ledger.text_not_one_directive": (
        "its ledger text reads as {count} directives, not one",
        "无法写入账本，请修改（去掉特殊字符）",
    ),
    "ledger.not_read_back": (
        "would not read back the same from the ledger text",
        "写入账本后无法原样读回，请修改（去掉特殊字符）",
    ),
    "ledger.text_reads_as": (
        "its ledger text reads as a {kind}",
        "无法写入账本，请修改（去掉特殊字符）",
    ),
    "ledger.kind_invalid": (
        "must be 1–20 lower-case letters or underscores",
        "须为 1–20 个小写字母或下划线",
    ),
    "ledger.too_many_legs": ("more than {max_legs} legs", "分录超过 {max_legs} 行"),
    "ledger.unbalanced": (
        "legs do not balance: they sum to {total} CNY, not 0.00",
        "借贷不平衡：合计为 {total} 元，不是 0.00",
    ),
    "ledger.meta_key_invalid": (
        "key must be 2–40 characters: a-z first, then a-z A-Z 0-9 _ -",
        "键须为 2–40 个字符：以 a-z 开头，其后为 a-z A-Z 0-9 _ -",
    ),
    "ledger.zero_amount": ("must not be zero", "不能为零"),
    "ledger.meta_key_reserved": ("is written by the ledger itself", "由账本自动写入，不能填写"),
    "ledger.meta_value_not_text": ("value must be a string", "值须为文字"),
    "ledger.account_root": (
        "must start with one of {value} and have at least two components",
        "须以 {value} 之一开头，且至少有两级",
    ),
    "ledger.account_one_fund": (
        "an Income, Expenses or Equity account must name exactly one fund",
        "收入、支出或权益科目须恰好指明一个基金",
    ),
    "ledger.account_component": (
        "component {part!r} must start with A-Z or 0-9 and hold only A-Z, a-z, 0-9, -",
        "科目的一级“{part}”须以 A-Z 或 0-9 开头，只能包含 A-Z、a-z、0-9、-",
    ),
    "ledger.control_character": (
        "contains a control character",
        "含有控制字符（不可见字符），请删除",
    ),
    "ledger.amount_too_large": ("too large", "数值太大"),
    "ledger.account_too_long": ("longer than 200 characters", "最多 200 个字符"),
    "ledger.not_writable": (
        "cannot be written into the ledger: {exc}",
        "无法写入账本，请修改（去掉特殊字符）",
    ),
    # --- grants: transfers and refunds of the autonomy fund -------------------------------
    "grants.no_transfer": (
        "No transfer {transfer_id} in this estate.",
        "本小区没有第 {transfer_id} 号资金调拨或退还",
    ),
    "grants.transfer_posted": (
        "Transfer {transfer_id} was posted as entry {entry}.",
        "第 {transfer_id} 号已入账（分录 {entry}），不会重复入账",
    ),
    "grants.transfer_not_approved": (
        "Transfer {transfer_id} is {state}, not approved.",
        "第 {transfer_id} 号尚未获理事会批准，不能入账",
    ),
    # --- any field: summaries and transport ------------------------------------------------
    "input.problems": ("{problems}", "{problems}"),
    "input.json_too_deep": (
        "JSON nested deeper than {levels} levels is not accepted",
        "内容嵌套超过 {levels} 层，不能接受",
    ),
    "input.date_required": ("required (YYYY-MM-DD)", "必填（日期，例如 2026-03-01）"),
    "input.file_required": ("required: a multipart form with one file", "请选择一个文件上传"),
    # --- access ------------------------------------------------------------------------------
    "auth.role_lacks_action": (
        "Your role in {estate} does not allow {action}.",
        "您在这个小区的角色不能进行这项操作",
    ),
    "auth.admins_only": ("Administrators only.", "只有系统管理员可以进行这项操作"),
    "auth.route_closed": ("This route is not open to you.", "您不能访问这个地址"),
    "auth.cross_site": ("Cross-site request refused.", "拒绝来自其他网站的请求"),
    "auth.csrf": ("CSRF token missing or wrong.", "页面已过期，请刷新后重试"),
    "auth.user_lacks_action": (
        "{user} may not {action} in estate {estate}.",
        "{user} 在小区 {estate} 不能进行这项操作（{action}）",
    ),
    # --- approvals: summaries ----------------------------------------------------------------
    "approvals.rule_invalid": (
        "The approval rule is not valid: {problems}",
        "审批规则有误：{problems}",
    ),
    "approvals.vote_inconsistent": (
        "The vote figures are not consistent: {problems}",
        "表决数字前后不一致：{problems}",
    ),
    "disclosure.no_document": (
        "No published disclosure {document} for {estate}.",
        "没有找到这份已发布的公示",
    ),
    "journal.no_opening_pending": (
        "There is no opening proposal waiting for a decision.",
        "没有待审批的期初余额提议",
    ),
    "input.invalid": ("{exc}", "填写的内容不对"),
    # --- ledger: accounts, amounts, text -----------------------------------------------------
    "ledger.project_code_invalid": (
        "project code {code} must be 1–31 upper-case letters, digits or dashes",
        "项目代号须为 1–31 个大写字母、数字或短横线",
    ),
    "ledger.unknown_fund": ("unknown fund {fund}", "没有这个基金"),
    "ledger.not_a_fee_fund": ("{fund} is not a fee fund", "这不是收费基金"),
    "ledger.unknown_source": ("unknown autonomy source {source}", "没有这种自治基金来源"),
    "ledger.not_autonomy_fund": (
        "{fund} is not the autonomy fund or one of its projects",
        "这不是自治基金或其项目",
    ),
    "ledger.expense_item_invalid": (
        "expense item {item} must be letters, digits or dashes",
        "支出项目只能包含字母、数字或短横线",
    ),
    "ledger.control_characters": (
        "control characters cannot be written into the ledger",
        "不能包含控制字符",
    ),
    "number.float": (
        "money must not be a float or bool; pass a string or Decimal",
        "金额请写成文字（例如 “50.00”）",
    ),
    "number.not_an_amount": ("not an amount: {value}", "不是金额"),
    "number.not_finite": ("not a finite amount: {value}", "不是有效金额"),
    "number.more_than_two_places": ("more than two decimals: {value}", "最多 2 位小数"),
    # --- reconciliation, refunds, grants, inquiries, oversight ------------------------------
    "reconciliation.header_length": (
        "a header is 1–{limit} characters",
        "表头须为 1–{limit} 个字符",
    ),
    "reconciliation.not_a_field": (
        "{field} is not a field; one of {choices}",
        "{field} 不是可用的字段",
    ),
    "reconciliation.standard_name_taken": (
        "{name} is already the standard name of {other}",
        "{name} 已是“{other}”的标准表头",
    ),
    "reconciliation.amount_columns_both": (
        "give 收入金额/支出金额 or 交易金额, not both",
        "请只用 收入金额/支出金额 或 交易金额 其中一种",
    ),
    "reconciliation.amount_columns_missing": (
        "the header needs 收入金额 and 支出金额 (amount_in, amount_out), or one 交易金额 (amount)",
        "表头须有 收入金额 和 支出金额，或一个 交易金额",
    ),
    "reconciliation.direction_needs_amount": (
        "借贷标志 goes with one 交易金额 column",
        "借贷标志 须与一个 交易金额 列一起使用",
    ),
    "reconciliation.header_no_amounts": (
        "The header row cannot give the amounts; nothing was imported.",
        "表头无法读出金额，什么都没有导入。",
    ),
    "reconciliation.amount_empty": ("交易金额 is empty or zero", "交易金额 为空或为零"),
    "reconciliation.direction_invalid": (
        "借贷标志 {direction} is not 贷/收 or 借/支",
        "借贷标志 {direction} 不是 贷/收 或 借/支",
    ),
    "reconciliation.amount_invalid": ("amount {reason}", "金额：{reason}"),
    "reconciliation.amount_both": (
        "both 收入金额 and 支出金额 are given",
        "收入金额 和 支出金额 不能同时填写",
    ),
    "reconciliation.amount_neither": (
        "neither 收入金额 nor 支出金额 is given",
        "收入金额 和 支出金额 都没有填写",
    ),
    "reconciliation.date_invalid": ("交易日期 {reason}", "交易日期：{reason}"),
    "reconciliation.balance_empty": ("余额 is empty", "余额 为空"),
    "reconciliation.balance_invalid": ("余额 {reason}", "余额：{reason}"),
    "reconciliation.serial_empty": ("流水号 is empty", "流水号 为空"),
    "reconciliation.serial_too_long": (
        "流水号 is longer than {limit}",
        "流水号 最多 {limit} 个字符",
    ),
    "reconciliation.serial_twice": (
        "流水号 {serial} is also on row {row}",
        "流水号 {serial} 也出现在第 {row} 行",
    ),
    "reconciliation.currency_not_cny": ("币种 {currency} is not CNY", "币种 {currency} 不是人民币"),
    "reconciliation.counterparty_too_long": (
        "对方户名 is over 200 characters",
        "对方户名 最多 200 个字符",
    ),
    "reconciliation.summary_too_long": ("摘要 is over 100 characters", "摘要 最多 100 个字符"),
    "reconciliation.memo_too_long": ("附言 is over 300 characters", "附言 最多 300 个字符"),
    "reconciliation.no_lines": ("the file has no statement lines", "文件里没有流水"),
    "reconciliation.date_order": (
        "{date} comes after row {row}'s {date2}: lines must be in date order",
        "{date} 早于第 {row} 行的 {date2}：流水须按日期排列",
    ),
    "reconciliation.balance_breaks": (
        "余额 {balance} breaks the running balance: row {row}'s {balance2} {sign} {amount} = {expected}",
        "余额 {balance:money} 与上一行（第 {row} 行，余额 {balance2:money}）对不上：应为 {expected:money}",
    ),
    "reconciliation.line_changed": (
        "流水号 {serial} was imported before as {date} {amount} (余额 {balance}); a statement line never changes",
        "流水号 {serial} 以前导入时是 {date} {amount:money} 元（余额 {balance:money}）；流水不能更改",
    ),
    "reconciliation.line_missing": (
        "流水号 {serial} of {date}, imported before, is missing from this file although the file covers {date2} – {date3}",
        "以前导入的 {date} 流水号 {serial} 不在这个文件里，而文件覆盖 {date2} 至 {date3}",
    ),
    "reconciliation.gap_before": (
        "余额 {balance} does not continue from 流水号 {serial} of {date} (余额 {balance2}) imported before: lines are missing in between",
        "余额 {balance:money} 接不上以前导入的 {date} 流水号 {serial}（余额 {balance2:money}）：中间缺少流水",
    ),
    "reconciliation.gap_after": (
        "余额 {balance} does not lead to 流水号 {serial} of {date} (余额 {balance2}) imported before: lines are missing in between",
        "余额 {balance:money} 接不上以前导入的 {date} 流水号 {serial}（余额 {balance2:money}）：中间缺少流水",
    ),
    "reconciliation.lines_after_today": (
        "the file has lines after today ({today})",
        "文件里有今天（{today}）以后的流水",
    ),
    "reconciliation.through_out_of_range": (
        "must be between the last line's date {date} and today",
        "须在最后一行的日期 {date} 与今天之间",
    ),
    "reconciliation.no_line": (
        "No statement line {line_id} in this estate.",
        "这个小区没有这条流水（{line_id}）",
    ),
    "reconciliation.line_before_opening": (
        "the line of {date} is before the books opened ({opened})",
        "这条流水的日期 {date} 早于建账日期（{opened}）",
    ),
    "reconciliation.line_matched_already": (
        "Statement line {serial} is matched already; undo that first.",
        "流水 {serial} 已经对上了；请先撤销",
    ),
    "reconciliation.name_an_entry": ("name at least one journal entry", "请至少选择一笔分录"),
    "reconciliation.entry_no_bank": (
        "entry {seq} moves no bank money",
        "第 {seq} 号分录不涉及银行存款",
    ),
    "reconciliation.entry_reversed": (
        "entry {seq} was reversed (or is a reversal)",
        "第 {seq} 号分录已冲销（或本身是冲销）",
    ),
    "reconciliation.cannot_match": (
        "These entries cannot be matched.",
        "这些分录不能对上这条流水。",
    ),
    "reconciliation.entry_matched_already": (
        "Entry {entry_seq} is matched to another statement line already.",
        "第 {entry_seq} 号分录已对上另一条流水。",
    ),
    "reconciliation.sum_differs": (
        "the entries sum to {total}; the statement line is {amount}",
        "分录合计 {total:money} 元，流水金额 {amount:money} 元，两者不符",
    ),
    "input.at_most_characters": ("at most {limit} characters", "最多 {limit} 个字符"),
    "reconciliation.dates_far_apart": (
        "entry {seq} is dated {date}, more than 3 days from the line's {date2}: say why they are the same money",
        "第 {seq} 号分录日期 {date} 与流水日期 {date2} 相差超过 3 天：请说明为什么是同一笔钱",
    ),
    "reconciliation.line_not_matched": (
        "Statement line {serial} is not matched.",
        "流水 {serial} 还没有对上。",
    ),
    "reconciliation.not_a_month": (
        "{text} is not a month (write 2026-03)",
        "{text} 不是月份（例如 2026-03）",
    ),
    "reconciliation.month_already": (
        "{month} is already {status} with these figures.",
        "{month} 已经是这些数字的{status}状态。",
    ),
    "reconciliation.books_not_open": ("the books are not open", "账本还没有建账"),
    "reconciliation.books_opened_after": (
        "the books opened on {opened}, after this month",
        "账本在 {opened} 才建账，晚于这个月",
    ),
    "reconciliation.month_not_ended": (
        "the month has not ended (today is {today})",
        "这个月还没有结束（今天是 {today}）",
    ),
    "reconciliation.statement_short": (
        "the imported statement covers only through {covered}; import it through {end}",
        "已导入的对账单只到 {covered}；请导入到 {end}",
    ),
    "reconciliation.statement_missing": (
        "the imported statement covers only through nothing yet; import it through {end}",
        "还没有导入对账单；请导入到 {end}",
    ),
    "reconciliation.balances_differ": (
        "the adjusted balances differ by {difference}: statement {statement} vs books {books}",
        "调整后余额相差 {difference:money} 元：对账单 {statement:money} 元，账面 {books:money} 元",
    ),
    "reconciliation.month_not_ready": (
        "{month} cannot be reconciled yet: {problems}.",
        "{month} 还不能对账：{problems}。",
    ),
    "reconciliation.mapping_invalid": (
        "The column mapping is not valid: {problems}",
        "表头对应有误：{problems}",
    ),
    "reconciliation.rows_invalid": (
        "{count} rows (or the file) are not valid; nothing was imported. {problems}",
        "{count} 行（或文件本身）有误，什么都没有导入。{problems}",
    ),
    "fees.payment_above_outstanding": (
        "The payment is more than what is outstanding. {problems}",
        "付款超过了应缴金额。{problems}",
    ),
    "fees.void_already": ("receipt {receipt_no} is already void", "收据 {receipt_no} 已经作废"),
    "fees.void_recognised": (
        "receipt {receipt_no} was prepaid and is already that year's income; request a refund instead",
        "收据 {receipt_no} 是预收款，已转为当年收入；请改为申请退款",
    ),
    "fees.void_cash_gone": (
        "receipt {receipt_no} was cash, but the steward holds only {held} in cash (the rest was deposited); request a refund by bank transfer instead",
        "收据 {receipt_no} 是现金，但管家手上只有 {held} 元现金（其余已存入银行）；请改为银行转账退款",
    ),
    "fees.void_refunded": (
        "part of this money was refunded already; voiding receipt {receipt_no} would refund it twice",
        "这笔钱已部分退款；作废收据 {receipt_no} 会重复退款",
    ),
    "fees.not_voided": ("Not voided: {problem}.", "未作废：{problem}。"),
    "fees.refund_above_kept": (
        "{amount} exceeds what the household paid for {fee_year} ({kept})",
        "{amount} 元超过了这户 {fee_year} 年度已交的 {kept} 元",
    ),
    "fees.refund_above_kept_waiting": (
        "{amount} exceeds what the household paid for {fee_year} ({kept} once the waiting requests ({held_back}) are taken off)",
        "{amount} 元超过了这户 {fee_year} 年度已交的金额（扣除待审批申请 {held_back} 元后为 {kept} 元）",
    ),
    "fees.refund_cash_short": (
        "the steward holds only {held} in cash; refund by bank transfer",
        "管家手上只有 {held} 元现金；请用银行转账退款",
    ),
    "fees.refund_cash_short_waiting": (
        "the steward holds only {held} in cash besides the waiting cash requests; refund by bank transfer",
        "除去待审批的现金申请，管家手上只有 {held} 元现金；请用银行转账退款",
    ),
    "fees.not_refunded": ("Not refunded: {problem}.", "未退款：{problem}。"),
    "fees.refund_prepaid_unrecognised": (
        "Not refunded: prepaid money for {fee_year} is not yet recognised as income; run recognise-prepaid first.",
        "未退款：{fee_year} 年度的预收款还没有转为收入；请先结转预收款。",
    ),
    "fees.void_refund_waiting": (
        "a refund of {waiting} for this household and year is waiting for approval; decide it first",
        "这户这一年度有一笔 {waiting} 元的退款正在等待审批；请先处理它",
    ),
    "grants.no_source": (
        "No source {source_id} in this estate.",
        "本小区没有这个来源（{source_id}）",
    ),
    "grants.no_project": (
        "No project {project_id} in this estate.",
        "本小区没有这个项目（{project_id}）",
    ),
    "grants.line_not_approved": (
        "Budget line {description} has no approved amount yet.",
        "预算行 {description} 还没有批准的金额",
    ),
    "grants.budget_exceeded": (
        "{what} of {amount} CNY would take budget line {description} to {total} CNY, beyond its approved {limit} CNY (short by {short} CNY). Nothing was changed: ask the council to approve a budget revision first.",
        "这笔 {amount} 元会使预算行 {description} 达到 {total} 元，超过批准的 {limit} 元（超出 {short} 元）。没有做任何更改：请先请理事会批准预算调整。",
    ),
    "grants.project_not_spending": (
        "Project {code} is {status}; it spends only after the council's approval and before its settlement.",
        "项目 {code} {status:project_status}：只有理事会批准后、结算前才能支出。",
    ),
    "grants.no_budget_line": ("no such budget line in this project", "请选择本项目的预算行"),
    "grants.claim_not_on_line": (
        "Claim {claim_id} spends from project {code}'s restricted fund but is not charged to one of its budget lines; record it as a project disbursement.",
        "报销单 {claim_id} 使用项目 {code} 的专项资金，但没有记在它的预算行上；请作为项目支出登记。",
    ),
    "grants.project_spends_no_more": (
        "Project {code} is {status}; it spends nothing more.",
        "项目 {code} {status:project_status}，不再支出。",
    ),
    "grants.source_exists": (
        "A {kind} source named {name} is already recorded in this estate.",
        "本小区已登记过同名的来源 {name}",
    ),
    "grants.no_such_project": ("no such project in this estate", "本小区没有这个项目"),
    "grants.project_receives_no_more": (
        "project {code} is {status}; it receives no more money",
        "项目 {code} {status:project_status}，不再接收资金",
    ),
    "grants.donor_is_resident": (
        "the donor's name is a resident's name and the ledger is public: mark the source anonymous (匿名) or record it under another name",
        "捐赠人姓名与住户姓名相同，而账本是公开的：请标为匿名，或用其他名称登记",
    ),
    "grants.no_such_source": ("no such source in this estate", "没有这个来源"),
    "grants.no_household_here": ("no household with this code here", "本小区没有这个户号"),
    "grants.line_required": ("at least one budget line is required", "至少填写一行预算"),
    "grants.code_taken": (
        "Project code {code} is already used in this estate.",
        "项目代号 {code} 在本小区已被使用。",
    ),
    "grants.budget_needs_revision": (
        "Project {code} is {status}; after approval the budget changes only through a budget revision.",
        "项目 {code} {status:project_status}：批准后预算只能通过预算调整更改。",
    ),
    "grants.code_fixed": (
        "the code of a project (its sub-fund) never changes",
        "项目代号（即它的子基金）不能更改",
    ),
    "grants.not_submittable": (
        "Project {code} is {status}; only a draft or rejected application can be submitted.",
        "项目 {code} {status:project_status}：只有草稿或未获批准的申请才能提交。",
    ),
    "grants.not_revisable": (
        "Project {code} is {status}; only an approved project in implementation can revise its budget.",
        "项目 {code} {status:project_status}：只有已批准、实施中的项目才能调整预算。",
    ),
    "grants.revision_empty": ("name at least one line to change or add", "至少修改或新增一行"),
    "grants.new_line_amount": ("a new line needs an amount", "新增的预算行须填写金额"),
    "grants.no_such_line": ("no such line in this project", "本项目没有这一行"),
    "grants.line_twice": ("named twice", "重复填写了同一行"),
    "grants.line_below_taken": (
        "claims already take {taken} CNY of this line; it cannot be less",
        "已有报销占用本行 {taken} 元，不能少于这个数",
    ),
    "grants.no_request": ("No approval request for this {subject_kind}.", "没有待审批的申请"),
    "approvals.approve_or_reject": ("approve or reject", "请选择批准或驳回"),
    "grants.not_settleable": (
        "Project {code} is {status}; only an approved project in implementation can be settled.",
        "项目 {code} {status:project_status}：只有已批准、实施中的项目才能结算。",
    ),
    "grants.before_application": (
        "before the application {applied_on}",
        "早于申请日期 {applied_on}",
    ),
    "grants.claims_open": (
        "Claims {claims} of project {code} are still open; pay or void them before the settlement.",
        "项目 {code} 还有未完成的报销单（{claims}）；请先付款或作废再结算。",
    ),
    "grants.fund_choice": (
        "autonomy or autonomy:<CODE> of a project here",
        "请选择自治基金或本小区的一个项目",
    ),
    "grants.same_fund": ("must differ from from_fund", "调入和调出不能是同一个基金"),
    "grants.only_for_refund": ("only for a refund", "只有退还捐赠时才填写"),
    "grants.no_such_gift": ("no such gift in this estate", "本小区没有这笔捐赠"),
    "grants.gift_unrestricted": (
        "an unrestricted gift belongs to the fund; nothing to return",
        "非定向捐赠属于基金，无需退还",
    ),
    "grants.gift_left": ("at most {left} CNY of this gift is left", "这笔捐赠最多还剩 {left} 元"),
    "grants.not_settled_yet": (
        "Project {code} is {status}: its restricted money is moved or returned only after its settlement.",
        "项目 {code} {status:project_status}：专项资金只有在结算后才能调出或退还。",
    ),
    "grants.project_not_settled": ("the project is not settled", "项目还没有结算"),
    "grants.not_receiving": (
        "Project {code} is {status}; it receives money only while approved and in implementation.",
        "项目 {code} {status:project_status}：只有已批准、实施中的项目才能接收资金。",
    ),
    "grants.project_not_active": ("the project is not active", "项目不在实施中"),
    "fees.request_pending": (
        "{what} already has a pending request ({request_id}); it must be approved or rejected first.",
        "{what}已有一个待审批的申请（{request_id}）；请先批准或驳回它。",
    ),
    "fees.payment_request_pending": (
        "This payment already has a pending request; it must be approved or rejected first.",
        "这笔付款已有一个待审批的申请；请先批准或驳回它。",
    ),
    "fees.receipt_not_voidable": (
        "Receipt {receipt_no} cannot be voided: {problem}.",
        "收据 {receipt_no} 不能作废：{problem}。",
    ),
    "fees.no_request": (
        "No refund or void request {request_id} in this estate.",
        "本小区没有这个退款或作废申请（{request_id}）",
    ),
    "fees.only_asker_withdraws": (
        "Only whoever asked for this request can withdraw it.",
        "只有提出申请的人才能撤回它。",
    ),
    "fees.request_not_pending": (
        "The request is {status}, not pending.",
        "这个申请已不在待审批状态（{status}）。",
    ),
    "input.one_of_short": ("one of {choices}", "请选择列表中的一项"),
    "inquiries.empty": ("write something", "请写下内容"),
    "inquiries.personal_data": (
        "looks like personal data (a name or a phone number); it would be published — leave it out",
        "看起来含有个人信息（姓名或电话）；这些内容会公开——请删去",
    ),
    "inquiries.no_line_here": ("no line {line_ref} in this disclosure", "这份公示没有这一行"),
    "inquiries.too_many_wrong_codes": (
        "Too many wrong codes; try again in {wait} seconds.",
        "尝试次数太多，请 {wait} 秒后再试。",
    ),
    "inquiries.too_many_questions": (
        "Too many questions; try again in {wait} seconds.",
        "质询太多，请 {wait} 秒后再试。",
    ),
    "inquiries.too_many_today": (
        "Too many questions from this household today; try again in {wait} seconds.",
        "这一户今天已经提了 3 个质询，请明天再提。",
    ),
    "inquiries.no_line": (
        "No line {line_ref} in disclosure {version_id}.",
        "这份公示（{version_id}）没有这一行",
    ),
    "inquiries.no_question": (
        "No question {inquiry_id} in this estate.",
        "本小区没有这个提问（{inquiry_id}）",
    ),
    "inquiries.answerer": (
        "Questions are answered by a {role} member of this estate who is not its steward.",
        "提问由本小区{role:roles}成员（不是红色管家）回答。",
    ),
    "inquiries.answered": (
        "Question {inquiry_id} is answered already; answers are never edited.",
        "提问 {inquiry_id} 已经回答；回答不能修改。",
    ),
    "oversight.unknown_threshold": ("unknown threshold; one of {choices}", "没有这个阈值"),
    "oversight.not_a_number": ("must be a number ≥ 0", "须为不小于 0 的数字"),
    "oversight.thresholds_invalid": ("The thresholds are not valid.", "阈值填写有误。"),
    "oversight.note_required": ("say what was checked or done", "请写明查了什么、做了什么"),
    "oversight.no_alert": (
        "No alert {key} in this estate now.",
        "这条预警现在已经不存在（情况已变化），请刷新。",
    ),
    "oversight.acknowledged": (
        "Alert {key} is acknowledged already.",
        "这条预警已经有人确认过了。",
    ),
    "inquiries.wrong_pair": (
        "does not match the household code (or no such household)",
        "与户号不符（或没有这一户）",
    ),
    "input.invalid_summary": ("{what} {problems}", "{what}{problems}"),
    "input.invalid_input": ("Invalid input.", "填写有误。"),
    "settlements.slip_invalid": ("The slip is not valid.", "出入单填写有误。"),
    "settlements.contract_invalid": ("The contract is not valid.", "合同填写有误。"),
    "settlements.work_order_invalid": ("The work order is not valid.", "维修工单填写有误。"),
    "settlements.claim_invalid": ("The claim is not valid.", "报销单填写有误。"),
    "fees.fee_schedule_invalid": ("The fee schedule is not valid.", "收费标准填写有误。"),
    "fees.payment_invalid": ("The payment is not valid.", "付款填写有误。"),
    "fees.deposit_invalid": ("The deposit is not valid.", "存款填写有误。"),
    "fees.refund_request_invalid": ("The refund request is not valid.", "退款申请填写有误。"),
    "grants.settlement_invalid": ("The settlement is not valid.", "结算填写有误。"),
    "grants.source_invalid": ("The source is not valid.", "来源填写有误。"),
    "grants.gift_invalid": ("The gift is not valid.", "捐赠填写有误。"),
    "grants.in_kind_gift_invalid": ("The in-kind gift is not valid.", "实物捐赠填写有误。"),
    "grants.transfer_invalid": ("The transfer is not valid.", "调拨填写有误。"),
    "grants.application_invalid": ("The application is not valid.", "项目申请填写有误。"),
    "grants.budget_revision_invalid": ("The budget revision is not valid.", "预算调整填写有误。"),
    "ledger.meta_too_many": ("more than {limit} items", "最多 {limit} 项"),
    "journal.personal_name": (
        "contains an owner's name (spaces, punctuation and invisible characters are ignored); the ledger is public — name households by their code",
        "含有业主姓名（不论空格、标点或不可见字符）；账本是公开的——请用户号指代住户",
    ),
    "journal.personal_phone": (
        "contains a phone number (however its digits are written or separated); the ledger is public — name households by their code",
        "含有电话号码（不论数字怎样书写或分隔）；账本是公开的——请用户号指代住户",
    ),
    "fees.rows_not_posted": (
        "Some rows cannot be posted; nothing was imported. {problems}",
        "有些行不能入账，什么都没有导入。{problems}",
    ),
    "input.rows_invalid": (
        "{count} rows are not valid; nothing was imported. {problems}",
        "{count} 行有误，什么都没有导入。{problems}",
    ),
    "journal.opening_invalid": (
        "The opening balances are not valid: {problems}",
        "期初余额填写有误：{problems}",
    ),
    "input.what_problems": ("{what}: {problems}", "{what}：{problems}"),
    "journal.general_not_alone": (
        "This general entry cannot be posted by one person",
        "这笔普通分录不能由一个人直接记账",
    ),
    "journal.proposed_reversal_invalid": ("The proposed reversal is not valid", "冲销提议填写有误"),
    "journal.proposed_entry_invalid": ("The proposed entry is not valid", "分录提议填写有误"),
    "journal.correct_where_made": (
        "Entry {seq} is a {kind} entry: correct it where it was made (void the receipt, refund, void the claim …), not with a ledger reversal.",
        "第 {seq} 号分录请在原处更正（作废收据、退款、作废报销单……），不要在账本里冲销。",
    ),
    "journal.opening_reversal_proposed": (
        "Entry {seq} is a 'opening' entry: correct it where it was made (void the receipt, refund, void the claim …), not with a ledger reversal. Opening balances are corrected by a proposed reversal (POST /ledger/proposals with reverses_seq) that the committee approves.",
        "第 {seq} 号是期初余额分录：期初余额通过冲销提议（由业委会批准）更正，不要直接在账本里冲销。",
    ),
    "web.source_anonymous": (
        "this source is recorded as anonymous; keep it so",
        "这个来源已按匿名登记，请保持一致",
    ),
    "web.source_named": (
        "this source is recorded under its name; keep it so",
        "这个来源已按实名登记，请保持一致",
    ),
    "web.choose_source_kind": ("choose the kind of source", "请选择来源类别"),
    "disclosure.figures_changed": (
        "The figures changed after submission: the approval is void; resubmit.",
        "提交后数字有变化：审批已失效，请重新提交。",
    ),
    "disclosure.not_approved_yet": (
        "The committee has not approved this version (yet).",
        "业委会还没有批准这个版本。",
    ),
    "journal.beancount_unbalanced": (
        "beancount finds the legs unbalanced",
        "beancount 检查发现借贷不平衡",
    ),
    "reconciliation.count_invalid": ("The count is not valid", "现金盘点填写有误"),
    # --- web (staff forms) -----------------------------------------------------------------
    "web.choose_method": (
        "choose a payment method",
        "请选择付款方式（现金、微信支付、支付宝、银行转账）",
    ),
    "web.choose_fee_year": ("choose a fee year", "请选择费用年度"),
    "web.choose_occupancy": ("choose occupied or vacant", "请选择在住或空户"),
    "web.effective_from_required": ("give the day it takes effect", "请填写从哪一天起"),
    "web.choose_public": ("choose public or not public", "请选择公开或不公开"),
    "web.choose_contractor": ("choose a contractor", "请选择承揽方"),
    "web.choose_file": ("choose a CSV or Excel file", "请选择 CSV 或 Excel 文件"),
    "web.rows_refused": (
        "{value} rows are not valid; nothing was imported",
        "{value} 行有错误，没有导入任何一行；行号与表格一致（表头是第 1 行），改正后重新导入整个文件",
    ),
    "web.choose_slip_kind": ("choose purchase, donation or issue", "请选择购入、捐赠或领用"),
    "web.issue_needs_work_order": ("an issue names its work order", "领用须选择维修工单"),
    "web.choose_from_list": ("choose one from the list", "请选择列表中的一项"),
    "web.fee_year_example": ("write the year, like 2026", "请写年份，例如 2026"),
    "web.opening_date_required": ("give the day the books open", "请填写建账日期"),
    "web.opening_fund_required": (
        "give the opening figures of at least one fund (0 where there are none)",
        "请至少填写一个基金的期初数字（没有的填 0）",
    ),
    "web.fill_in": ("{field} is required", "请填写{label}"),
    "web.choose_refund_method": ("choose how the money goes back", "请选择退款方式"),
    "web.no_such_receipt": ("no such receipt", "没有这张收据"),
    "web.choose_role": ("choose a role", "请选择角色"),
    "web.donor_name_required": (
        "required (an anonymous gift records the real name too, seen by staff only)",
        "必填（匿名捐赠也须登记真实姓名，仅工作人员可见）",
    ),
    "web.reject_needs_reason": ("a rejection says why", "驳回须写明理由"),
    "web.households_whole": ("a number of households (whole)", "请填写户数（整数）"),
    "web.merge_date_required": ("give the day the households join", "请填写合户日期"),
    "web.merge_choose_households": (
        "tick the households that join this one",
        "请勾选要并入本户的住户",
    ),
    "web.choose_photo_or_file": ("take a photo or choose a file", "请拍照或选择文件"),
    "web.choose_photo": ("take a photo or choose one", "请拍照或选择照片"),
    "web.file_refused": ("{name}: {reason}", "{name}：{reason}"),
    "web.file_refused_after": (
        "{name}: {reason} (the {saved} files before it were saved)",
        "{name}：{reason}（此前的 {saved} 个文件已保存）",
    ),
    "web.choose_next_step": ("choose the next step", "请选择下一步"),
    "web.choose_approved_claim": ("choose an approved claim", "请选择已批准的报销"),
    "web.choose_spending": ("choose what the money was spent on", "请选择支出项目"),
    "web.claim_line_required": ("give at least one line", "至少填写一行明细"),
    "web.end_before_start": ("must not be before the start", "不能早于开始日期"),
    "web.nothing_changed": ("nothing was changed", "没有修改任何内容"),
    "web.split_date_required": ("give the day the household divides", "请填写分户日期"),
    "web.budget_line_required": ("give at least one budget line", "至少填写一行预算"),
    "web.choose_source": ("choose a source", "请选择来源"),
    "web.choose_budget_line": ("choose a budget line", "请选择预算行"),
    "web.budget_no_change": (
        "nothing changed: change a line's amount or add a line",
        "没有改动：请修改某一行的金额或新增一行",
    ),
    "web.choose_transfer_kind": ("choose refund or transfer", "请选择退还或调拨"),
    "web.choose_refund_gift": ("choose the gift to refund", "请选择要退还的捐赠"),
    "web.budget_line_unapproved": (
        "this budget line has no approved amount yet; nothing can be spent from it",
        "这一预算行还没有批准的金额，不能支出。",
    ),
    "web.budget_exceeded": (
        "beyond the budget: this line has {approved} approved, {taken} taken, {asked} asked now, {over} over. Nothing was recorded; the council must approve a budget revision first.",
        "超出预算：这一行批准 {approved} 元，已占用 {taken} 元，本次 {asked} 元，超出 {over} 元。未做任何记录；须先请理事会批准预算调整。",
    ),
    # the approval rule of a request (``approvals.rules`` label), said on the staff pages
    "web.rule": ("{span}: {who}", "{span}，{who}"),
    "web.rule_with_vote": (
        "{span}: {who} and an owners' vote (double majority)",
        "{span}，{who}，并须业主表决",
    ),
    "web.rule_any_amount": ("any amount", "任何金额"),
    "web.rule_up_to": ("≤ {amount}", "不超过 {amount} 元"),
    "web.rule_over": ("> {amount}", "超过 {amount} 元"),
    "web.rule_between": ("> {lower} and ≤ {upper}", "超过 {lower} 且 不超过 {upper} 元"),
    "web.rule_approvers": ("{count} {role} approver(s)", "需 {count} 位{role}批准"),
    "web.rule_majority": (
        "a {role} majority ({count} of {pool})",
        "需{role}过半数（{count} 人）批准",
    ),
    # residents' questions: why an answer was refused
    "web.answer_not_yours": (
        "you cannot answer: the estate's rule names who answers (the committee by default), not the steward",
        "您不能答复：质询由本小区答复规则指定的角色（默认业委会）答复，红色管家不能答复。",
    ),
    "web.answer_personal_data": (
        "it looks like it holds a name or a phone number; the answer is public, take them out",
        "看起来含有姓名或电话等个人信息；答复会公开，请删去。",
    ),
    "web.answer_too_long": ("at most {limit} characters", "答复最多 {limit} 字。"),
    "web.answer_required": ("write the answer", "请写下答复。"),
    "web.answered_already": (
        "this question has been answered; a published answer is never changed",
        "这条质询已经答复过了；答复公开后不能修改。",
    ),
    # the households import page
    "web.import_choose_file": (
        "choose the CSV or Excel file to import",
        "请选择要导入的 CSV 或 Excel 文件。",
    ),
    "web.import_changed": (
        "the file or the households changed after the preview; nothing was written: preview the file again",
        "预览之后文件或住户资料有变动，没有写入任何内容。请重新选择文件预览。",
    ),
    "web.import_rows_refused": (
        "{value} rows are not valid; no household was imported (row numbers as in the sheet, the header is row 1)",
        "{value} 行有错误，没有导入任何住户。行号与表格中一致（表头是第 1 行）。",
    ),
    "web.import_refused": ("the file cannot be imported", "文件无法导入。"),
    "web.row_reason": ("row {row}: {reason}", "第 {row} 行：{reason}"),
    "web.field_reason": ("{field}: {reason}", "{field:label}：{reason}"),
}
