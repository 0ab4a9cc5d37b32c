"""Demo step: the autonomy fund of youhe (游河小区) in 2026 Q3, after the stories of 紫薇小区
and 丽苑小区 (Ningbo, Haishu): the 快鹿公园 garden and the shared kitchen (共享厨房).

- **KLGY 快鹿公园微改造**: a neglected green corner by 紫薇巷 turned into a shared garden.
  Funded by 30 households (居民众筹, 7,600.00), a 40-year-old wintersweet tree (蜡梅) donated
  by a resident who asked to stay anonymous (valued 2,800.00), design advice from the scenic
  area's management office and 186 hours of volunteer work (recorded, not valued). The
  nursery's bill is above its budget line: the claim is refused until the council approves a
  budget revision. Settled on 2026-08-31; the 284.00 left go to the unrestricted fund for the
  garden's upkeep by a council decision, and the project closes.
- **GXCF 共享厨房**: kitchen equipment paid from estate public revenue, building work from a
  district innovation-project grant (区级社区治理创新项目) and a town grant (镇级“五社联动”
  项目资金); bins, tissue boxes and wipes donated. Still in implementation at the end of Q3,
  one claim waiting for approval.

Every date lies in 2026-07-01 … 2026-09-30, so a rerun never touches a published (locked)
quarter. Safe to run twice: a project that exists is left alone; sources are reused.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustfund import approvals
from trustfund.approvals.subjects import current_content
from trustfund.db.models.estates import Building, Estate, Household, Site
from trustfund.db.models.grants import GrantProject, GrantSource, SourceKind
from trustfund.demo.common import approve, principal_of, user_id
from trustfund.grants import disbursements, gifts, projects, settlement, transfers
from trustfund.grants.common import project_by_code
from trustfund.grants.schemas import (
    BudgetLineIn,
    BudgetRevisionIn,
    DisbursementIn,
    GiftIn,
    InKindIn,
    PlanItemIn,
    ProjectIn,
    RevisionLineIn,
    SourceIn,
    TransferIn,
)
from trustfund.settings import Settings
from trustfund.settlements import payouts, vouchers
from trustfund.settlements.schemas import ClaimLineIn

COUNCIL = ("committee1", "committee2", "council1", "council2", "council3", "committee3")
COMMITTEE = ("committee1", "committee2", "committee3", "committee4")
#: 30 households of 紫薇巷 give 7,600.00: 6 × 100, 10 × 200, 10 × 300, 4 × 500.
CROWD = (100,) * 6 + (200,) * 10 + (300,) * 10 + (500,) * 4


def _decide(session: Session, kind: str, subject_id: int, people: tuple[str, ...]) -> None:
    for username in people:
        request = approvals.current_request(session, kind, subject_id)
        if request is None or request.status != approvals.RequestStatus.PENDING:
            return
        principal = principal_of(session, user_id(session, username))
        approve(session, request.id, principal, current_content(session, request))


def _source(
    session: Session, estate: Estate, kind: SourceKind, name: str, anonymous: bool = False
) -> int:
    found = session.scalar(
        select(GrantSource.id).where(
            GrantSource.estate_id == estate.id,
            GrantSource.kind == kind,
            GrantSource.donor_name == name,
        )
    )
    if found is not None:
        return int(found)
    return gifts.add_source(
        session,
        estate.id,
        SourceIn(kind=kind.value, donor_name=name, anonymous=anonymous),
        actor_user_id=user_id(session, "steward"),
    ).id


def voucher_pdf(text: str) -> bytes:
    """A one-page PDF standing in for a scanned invoice."""
    body = f"BT /F1 14 Tf 40 100 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _spend(
    session: Session,
    settings: Settings,
    estate: Estate,
    project: GrantProject,
    line: int,
    payee: str,
    what: str,
    amount: str,
    on: date,
    paid_on: date | None,
) -> int:
    steward = user_id(session, "steward")
    link = disbursements.disburse(
        session,
        estate.id,
        project.id,
        DisbursementIn(
            budget_line_id=project.lines[line].id,
            payee=payee,
            description=what,
            work_date=on,
            lines=[ClaimLineIn(description=what, quantity="1", unit="批", unit_price=amount)],
        ),
        actor_user_id=steward,
    )
    vouchers.add_voucher(
        session,
        settings.var_dir,
        estate.id,
        voucher_pdf(f"Invoice {project.code} claim {link.claim_id}: {amount} CNY"),
        f"{project.code}-{link.claim_id}.pdf",
        claim_id=link.claim_id,
        actor_user_id=steward,
    )
    if paid_on is not None:
        _decide(session, "claim", link.claim_id, COMMITTEE)
        payouts.pay_claim(session, estate.id, link.claim_id, paid_on=paid_on, actor_user_id=steward)
    return link.claim_id


def _project(session: Session, estate: Estate, data: ProjectIn) -> GrantProject:
    steward = user_id(session, "steward")
    project = projects.create_project(session, estate.id, data, actor_user_id=steward)
    projects.submit_project(session, estate.id, project.id, actor_user_id=steward)
    _decide(session, projects.PROJECT, project.id, COUNCIL)
    session.refresh(project)
    return project


def _garden(session: Session, settings: Settings, estate: Estate) -> str:
    steward = user_id(session, "steward")
    crowd = _source(session, estate, SourceKind.CROWDFUNDING, "紫薇巷居民众筹")
    tree = _source(session, estate, SourceKind.SPONSORSHIP, "俞国平", anonymous=True)
    office = _source(session, estate, SourceKind.SPONSORSHIP, "月湖景区管理所")
    volunteers = _source(session, estate, SourceKind.SPONSORSHIP, "紫薇巷居民志愿者")
    project = _project(
        session,
        estate,
        ProjectIn(
            code="KLGY",
            title="快鹿公园微改造",
            purpose="紫薇巷29号绿化地长期地面裸露、化粪池盖上停车、生活垃圾堆放。保留原有三只鹿"
            "雕塑，清理杂物、除草翻土、移植苗木、铺设水管、搭建围栏，改造成居民共享花园，"
            "并成立后期绿化维护组。",
            applicant="小区自治理事会（绿植组、工程组）",
            applied_on=date(2026, 7, 1),
            lines=[
                BudgetLineIn(description="清理杂物、除草翻土", amount="600.00"),
                BudgetLineIn(description="苗木花草", amount="3400.00"),
                BudgetLineIn(description="铺设水管", amount="1200.00"),
                BudgetLineIn(description="搭建围栏", amount="1800.00"),
                BudgetLineIn(description="绿化维护工具", amount="500.00"),
            ],
            plan=[PlanItemIn(source_id=crowd, amount="7500.00")],
        ),
    )
    households = list(
        session.scalars(
            select(Household.code)
            .join(Building, Building.id == Household.building_id)
            .join(Site, Site.id == Building.site_id)
            .where(Household.estate_id == estate.id, Site.code.in_(("S13", "S14")))
            .order_by(Household.id)
            .limit(len(CROWD))
        )
    )
    for i, amount in enumerate(CROWD):
        gifts.record_gift(
            session,
            estate.id,
            GiftIn(
                source_id=crowd,
                amount=f"{amount}.00",
                received_on=date(2026, 7, 2 + i // 5),
                project_id=project.id,
                household_code=households[i] if i < len(households) else None,
            ),
            actor_user_id=steward,
        )
    gifts.record_in_kind(
        session,
        estate.id,
        InKindIn(
            source_id=tree,
            item="蜡梅树（树龄40余年）",
            unit="棵",
            quantity="1",
            estimated_value="2800.00",
            received_on=date(2026, 7, 12),
            project_id=project.id,
            note="热心居民捐赠，移植入园",
        ),
        actor_user_id=steward,
    )
    gifts.record_in_kind(
        session,
        estate.id,
        InKindIn(
            source_id=office,
            item="园林设计与养护培训",
            unit="次",
            quantity="2",
            received_on=date(2026, 7, 8),
            project_id=project.id,
            note="辖区共建单位提供专业设计和养护指导",
        ),
        actor_user_id=steward,
    )
    _spend(
        session,
        settings,
        estate,
        project,
        0,
        "海曙环卫服务队",
        "清运杂物、除草翻土",
        "580.00",
        date(2026, 7, 14),
        date(2026, 7, 16),
    )
    refused = ""
    try:
        with session.begin_nested():
            _spend(
                session,
                settings,
                estate,
                project,
                1,
                "月湖花木场",
                "苗木花草（含月季、绣球、麦冬）",
                "3520.00",
                date(2026, 7, 20),
                None,
            )
    except disbursements.BudgetExceededError as exc:
        refused = f"; nursery bill refused ({exc.extra['requested']} > {exc.extra['approved']})"
    revision = projects.propose_budget(
        session,
        estate.id,
        project.id,
        BudgetRevisionIn(
            reason="苗木价格上涨；维护工具部分由居民自带",
            lines=[
                RevisionLineIn(line_id=project.lines[1].id, amount="3600.00"),
                RevisionLineIn(line_id=project.lines[4].id, amount="300.00"),
            ],
        ),
        actor_user_id=steward,
    )
    _decide(session, projects.BUDGET, revision.id, COUNCIL)
    session.refresh(project)
    for line, payee, what, cost, on, paid_on in (
        (
            1,
            "月湖花木场",
            "苗木花草（含月季、绣球、麦冬）",
            "3520.00",
            date(2026, 7, 20),
            date(2026, 7, 22),
        ),
        (2, "宁波水暖五金店", "铺设浇灌水管", "1150.00", date(2026, 7, 25), date(2026, 7, 27)),
        (3, "海曙木作坊", "竹木围栏", "1780.00", date(2026, 8, 5), date(2026, 8, 7)),
        (4, "宁波水暖五金店", "铁锹、水壶、修枝剪", "286.00", date(2026, 8, 10), date(2026, 8, 10)),
    ):
        _spend(session, settings, estate, project, line, payee, what, cost, on, paid_on)
    gifts.record_in_kind(
        session,
        estate.id,
        InKindIn(
            source_id=volunteers,
            item="志愿劳动（清理、翻土、移植、搭建）",
            unit="工时",
            quantity="186",
            received_on=date(2026, 8, 20),
            project_id=project.id,
        ),
        actor_user_id=steward,
    )
    settlement.settle(
        session, estate.id, project.id, settled_on=date(2026, 8, 31), actor_user_id=steward
    )
    left = settlement.settlement(session, project)["ledger"]["remaining"]
    transfer = transfers.propose(
        session,
        estate.id,
        TransferIn(
            kind="transfer",
            amount=str(left),
            moved_on=date(2026, 9, 5),
            reason="众筹结余转入自治基金，用于快鹿公园后期绿化维护",
            from_fund="autonomy:KLGY",
            to_fund="autonomy",
        ),
        actor_user_id=steward,
    )
    _decide(session, transfers.TRANSFER, transfer.id, COUNCIL)
    transfers.execute(session, estate.id, transfer.id, actor_user_id=steward)
    return f"KLGY {project.status.value}, 30 households gave 7,600.00, left {left}{refused}"


def _kitchen(session: Session, settings: Settings, estate: Estate) -> str:
    steward = user_id(session, "steward")
    revenue = _source(session, estate, SourceKind.PUBLIC_REVENUE, "游河小区公共收益")
    district = _source(session, estate, SourceKind.GOVERNMENT, "区级社区治理创新项目资金")
    town = _source(session, estate, SourceKind.COMMUNITY, "镇级“五社联动”社区治理项目资金")
    shop = _source(session, estate, SourceKind.SPONSORSHIP, "春光里便利店")
    kind_people = _source(session, estate, SourceKind.SPONSORSHIP, "热心群众", anonymous=True)
    project = _project(
        session,
        estate,
        ProjectIn(
            code="GXCF",
            title="共享厨房",
            purpose="双职工家庭没时间做晚饭、老人没精力做、早放学的孩子不会做：在服务综合体"
            "地下室开设只供应晚餐的共享厨房。厨房设施和厨具从小区公共收益中开支，改造建设由"
            "区、镇两级社区治理项目资金支持。",
            applicant="小区自治理事会",
            applied_on=date(2026, 7, 6),
            lines=[
                BudgetLineIn(description="厨房设施（灶具、冰箱、油烟机）", amount="16000.00"),
                BudgetLineIn(description="锅碗瓢盆等厨具", amount="4500.00"),
                BudgetLineIn(description="地下室水电改造", amount="14000.00"),
                BudgetLineIn(description="消防与卫生设施", amount="5500.00"),
            ],
            plan=[
                PlanItemIn(source_id=revenue, amount="8000.00"),
                PlanItemIn(source_id=district, amount="20000.00"),
                PlanItemIn(source_id=town, amount="12000.00"),
            ],
        ),
    )
    for source, amount, on in (
        (revenue, "8000.00", date(2026, 7, 10)),
        (district, "20000.00", date(2026, 7, 28)),
        (town, "12000.00", date(2026, 8, 12)),
    ):
        gifts.record_gift(
            session,
            estate.id,
            GiftIn(source_id=source, amount=amount, received_on=on, project_id=project.id),
            actor_user_id=steward,
        )
    for line, payee, what, cost, on, paid_on in (
        (
            0,
            "海曙厨具设备公司",
            "灶具、冰箱、油烟机",
            "15680.00",
            date(2026, 8, 15),
            date(2026, 8, 18),
        ),
        (
            2,
            "宁波安居水电工程队",
            "地下室水电改造",
            "13200.00",
            date(2026, 8, 20),
            date(2026, 8, 25),
        ),
        (
            1,
            "春光里日用百货",
            "锅碗瓢盆、餐具、砧板",
            "4320.00",
            date(2026, 9, 2),
            date(2026, 9, 3),
        ),
    ):
        _spend(session, settings, estate, project, line, payee, what, cost, on, paid_on)
    for source, item, unit, qty, value, on in (
        (shop, "垃圾桶", "个", "4", "360.00", date(2026, 9, 1)),
        (kind_people, "纸巾盒", "个", "10", "150.00", date(2026, 9, 1)),
        (kind_people, "厨房湿巾", "包", "20", None, date(2026, 9, 1)),
        (kind_people, "大型厨余垃圾桶", "个", "2", "960.00", date(2026, 9, 5)),
    ):
        gifts.record_in_kind(
            session,
            estate.id,
            InKindIn(
                source_id=source,
                item=item,
                unit=unit,
                quantity=qty,
                estimated_value=value,
                received_on=on,
                project_id=project.id,
            ),
            actor_user_id=steward,
        )
    pending = _spend(
        session,
        settings,
        estate,
        project,
        3,
        "海曙消防器材站",
        "灭火器、消毒柜",
        "2800.00",
        date(2026, 9, 10),
        None,
    )
    return f"GXCF {project.status.value}, 40,000.00 received, claim {pending} awaiting approval"


def run(session: Session, settings: Settings) -> str:
    estate = session.scalar(select(Estate).where(Estate.slug == "youhe"))
    if estate is None:
        return "no estate youhe: skipped"
    done = []
    if project_by_code(session, estate.id, "KLGY") is None:
        done.append(_garden(session, settings, estate))
    if project_by_code(session, estate.id, "GXCF") is None:
        done.append(_kitchen(session, settings, estate))
    return "; ".join(done) or "projects KLGY and GXCF already there"
