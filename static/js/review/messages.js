// The review dashboard's words, zh-CN first. Item and type names come from the period's
// rulebook; the English names below are used only when the page is in English.

import { currentLang, has, t } from "../i18n.js";
import { typeName as sharedTypeName } from "../names.js";

export const MESSAGES = {
  "review.title": ["考核审核", "Assessment review"],
  "review.year": ["考核年度", "Year"],
  "review.asOf": ["截至", "As of"],
  "review.asOf.apply": ["查询", "Apply"],
  "review.asOf.reset": ["恢复默认", "Default"],
  "review.asOf.now": ["查看截至现在的得分", "Standings as of now"],
  "review.asOf.nowShort": ["截至现在", "Now"],
  "review.asOf.hint": ["北京时间；默认为当前时刻（会议室和人员配备按年末情况）", "Beijing time; default: now (rooms and staffing as at the year's end)"],
  "review.edition": ["{title}（{edition} 版）", "{title} ({edition} edition)"],
  "review.export.xlsx": ["导出考核表 XLSX", "Standings XLSX"],
  "review.export.pdf": ["导出考核表 PDF", "Annual table PDF"],
  "review.export.csv": ["导出扣分明细 CSV", "Incidents CSV"],
  "review.export.json": ["导出交换文件 JSON", "Interchange JSON"],
  "review.print": ["打印报告", "Print report"],
  "review.loading": ["加载中…", "Loading…"],
  "review.noPeriods": ["尚未设置考核年度，请联系管理员。", "No assessment period yet: ask an admin to create one."],
  "review.error": ["出错了：{message}", "Something went wrong: {message}"],

  "standings.title": ["设区市得分", "City standings"],
  "standings.caption": [
    "每项指标：条形为原始扣分，竖线为该项上限；红色表示已封顶（超出部分不计）。",
    "Each item: the bar is the raw deduction, the line its cap; red marks a binding cap (the excess does not count).",
  ],
  "standings.rank": ["排名", "Rank"],
  "standings.city": ["设区市", "City"],
  "standings.unit": ["单位", "Unit"],
  "standings.score": ["得分", "Score"],
  "standings.deduction": ["扣分", "Deduction"],
  "standings.cap": ["上限 {cap}", "cap {cap}"],
  "standings.expand": ["展开 {name} 下属县（市、区）", "Show the counties of {name}"],
  "standings.collapse": ["收起 {name} 下属县（市、区）", "Hide the counties of {name}"],
  "standings.own": ["{name}本级", "{name} (own venue)"],
  "standings.counties": ["下属县（市、区），按扣分从高到低", "Counties, highest deduction first"],
  "standings.binding": ["已封顶", "cap binds"],
  "standings.bindingCount": ["{n} 项封顶", "{n} capped"],
  "standings.none": ["本年度没有设区市。", "No cities in this year."],
  "standings.open": ["查看 {name} 明细", "Details of {name}"],
  "bar.label": [
    "{item}：原始 {raw}，计入 {capped}，上限 {cap}，{n} 次",
    "{item}: raw {raw}, counted {capped}, cap {cap}, {n} occurrences",
  ],
  "bar.over": ["超 {over}", "+{over} over"],

  "unit.back": ["全省", "Province"],
  "unit.score": ["得分", "Score"],
  "unit.deduction": ["扣分", "Deduction"],
  "unit.items": ["分项扣分", "Deductions by item"],
  "unit.item": ["指标", "Item"],
  "unit.raw": ["原始", "Raw"],
  "unit.capped": ["计入", "Counted"],
  "unit.capCol": ["上限", "Cap"],
  "unit.times": ["次数", "Occurrences"],
  "unit.cityNote": [
    "设区市扣分 = 本级 + 所属县（市、区）扣分之和，按项封顶。",
    "A city's deduction: its own venue's plus its counties', capped item by item.",
  ],
  "unit.countyNote": [
    "本单位扣分，按项封顶；同时计入所属设区市。",
    "This unit's own deduction, capped item by item; it also counts towards its city.",
  ],
  "unit.counties": ["下属单位", "Units of the city"],

  "chart.title": ["月度扣分（按指标）", "Deductions by month and item"],
  "chart.note": [
    "各月发生的扣分，未封顶；第3–5项为当月月末登记情况所扣分值。",
    "Points of each month, uncapped; items 3–5 are what the register cost at the month's end.",
  ],
  "chart.month": ["{m}月", "{m}"],
  "chart.points": ["扣分", "points"],
  "chart.failed": ["图表无法加载：{message}", "The chart could not be drawn: {message}"],
  "chart.empty": ["本年度没有扣分。", "No deductions this year."],

  "incidents.title": ["扣分记录", "Incidents"],
  "incidents.unit": ["单位", "Unit"],
  "incidents.allUnits": ["全部（本级及下属）", "All (own venue and counties)"],
  "incidents.item": ["指标", "Item"],
  "incidents.type": ["类型", "Type"],
  "incidents.meeting": ["会议", "Meeting"],
  "incidents.from": ["起始日期", "From"],
  "incidents.to": ["截止日期", "To"],
  "incidents.status": ["状态", "Status"],
  "incidents.all": ["全部", "All"],
  "incidents.live": ["有效", "Counting"],
  "incidents.voidedOnly": ["已作废", "Voided"],
  "incidents.reset": ["清除筛选", "Clear filters"],
  "incidents.at": ["时间", "Seen at"],
  "incidents.points": ["扣分", "Points"],
  "incidents.source": ["来源", "Source"],
  "incidents.loggedBy": ["记录人", "Logged by"],
  "incidents.note": ["备注", "Note"],
  "incidents.evidence": ["证据", "Evidence"],
  "incidents.state": ["状态", "Status"],
  "incidents.actions": ["操作", "Actions"],
  "incidents.details": ["详情", "Details"],
  "incidents.none": ["没有符合条件的扣分记录。", "No incidents match."],
  "incidents.noneFiltered": [
    "没有符合当前筛选条件的扣分记录，可放宽或清除筛选。",
    "No incidents match these filters: widen or clear them.",
  ],
  "incidents.noneYear": ["{year} 年度还没有扣分记录。", "There are no incidents in {year} yet."],
  "incidents.inverted": [
    "起始日期晚于截止日期，没有可显示的记录，请调整日期。",
    "The start date is after the end date, so nothing can match: adjust the dates.",
  ],
  "incidents.range": ["第 {from}–{to} 条，共 {total} 条", "{from}–{to} of {total}"],
  "incidents.prev": ["上一页", "Previous"],
  "incidents.next": ["下一页", "Next"],
  "incidents.derivedNote": [
    "第3–5项（会议室配备、设备条件、人员配备）按登记情况计算，不逐条记录。",
    "Items 3–5 (rooms, equipment, staffing) come from the register and have no incident records.",
  ],

  "state.counting": ["有效", "Counting"],
  "state.voided": ["已作废", "Voided"],
  "state.objected": ["申诉中", "Objection open"],


  "incident.title": ["扣分记录：{key}", "Incident: {key}"],
  "incident.unit": ["单位", "Unit"],
  "incident.type": ["类型", "Type"],
  "incident.points": ["扣分", "Points"],
  "incident.at": ["发生时间", "Seen at"],
  "incident.meeting": ["会议", "Meeting"],
  "incident.checkpoint": ["点名节点", "Roll-call checkpoint"],
  "incident.source": ["来源", "Source"],
  "incident.loggedBy": ["记录人", "Logged by"],
  "incident.loggedAt": ["记录时间", "Logged at"],
  "incident.note": ["备注", "Note"],
  "incident.evidence": ["证据截图", "Evidence"],
  "incident.noEvidence": ["无证据截图", "No evidence image"],
  "incident.enlarge": ["点击放大", "Click to enlarge"],
  "incident.history": ["作废记录", "Void history"],
  "incident.notVoided": ["未作废，计入扣分。", "Not voided: it counts."],
  "incident.voidedLine": ["{at} 由 {by} 作废：{reason}", "Voided {at} by {by}: {reason}"],
  "incident.objections": ["申诉", "Objections"],
  "incident.noObjections": ["无申诉。", "No objections."],
  "incident.close": ["关闭", "Close"],
  "incident.loading": ["加载中…", "Loading…"],

  "objection.file": ["申诉", "Object"],
  "objection.fileTitle": ["对“{key}”提出申诉", "Object to “{key}”"],
  "objection.reason": ["申诉理由", "Reason"],
  "objection.reasonHint": ["请说明理由，如网络故障、标错会场等", "Say why, e.g. a network fault or the wrong venue"],
  "objection.submit": ["提交申诉", "File objection"],
  "objection.filed": ["已提交申诉 #{id}，等待政府办审核。", "Objection #{id} filed; it waits for a reviewer."],
  "objection.line": ["#{id} · {status} · {by} 于 {at} 提出：{reason}", "#{id} · {status} · filed by {by} at {at}: {reason}"],
  "objection.ruling": ["{by} 于 {at} 裁定：{reason}", "Ruled by {by} at {at}: {reason}"],
  "objection.cannot.voided": ["已作废的记录无需申诉。", "A voided incident needs no objection."],
  "objection.cannot.open": ["已有待审核的申诉。", "An objection is already open."],

  "queue.title": ["待处理申诉", "Objections to rule on"],
  "queue.count": ["{n} 件待处理", "{n} open"],
  "queue.none": ["目前没有待处理的申诉。", "No open objections."],
  "queue.id": ["编号", "No."],
  "queue.unit": ["单位", "Unit"],
  "queue.incident": ["扣分记录", "Incident"],
  "queue.reason": ["申诉理由", "Reason"],
  "queue.filed": ["申诉人 / 时间", "Filed by / at"],
  "queue.actions": ["裁定", "Ruling"],
  "queue.view": ["查看", "View"],
  "queue.uphold": ["支持申诉", "Uphold"],
  "queue.reject": ["驳回", "Reject"],
  "queue.more": ["另有 {n} 件，处理后显示。", "{n} more, shown once these are ruled on."],
  "ruling.upholdTitle": ["支持申诉 #{id}", "Uphold objection #{id}"],
  "ruling.rejectTitle": ["驳回申诉 #{id}", "Reject objection #{id}"],
  "ruling.upholdNote": [
    "支持后，扣分记录“{key}”将被作废（注明本申诉），不再计入扣分。",
    "Upholding voids the incident “{key}”, citing this objection: it no longer counts.",
  ],
  "ruling.rejectNote": ["驳回后，扣分记录“{key}”继续计入扣分。", "Rejecting keeps the incident “{key}” counting."],
  "ruling.reason": ["裁定理由", "Reason"],
  "ruling.confirmUphold": ["确认支持", "Uphold"],
  "ruling.confirmReject": ["确认驳回", "Reject"],
  "ruling.cancel": ["取消", "Cancel"],
  "ruling.done.upheld": ["申诉 #{id} 成立，扣分记录已作废。", "Objection #{id} upheld: the incident is voided."],
  "ruling.done.upheldLater": [
    "申诉 #{id} 成立，扣分记录已作废。作废时间晚于所显示的截至时刻（{asOf}），该时刻的得分不变。",
    "Objection #{id} upheld: the incident is voided. The void is later than the moment shown ({asOf}), whose standings do not change.",
  ],
  "ruling.done.rejected": ["申诉 #{id} 已驳回。", "Objection #{id} rejected."],

  "reason.required": ["请填写理由。", "A reason is needed."],
  "mine.title": ["本单位申诉", "Our objections"],
  "mine.none": ["本单位尚未提出申诉。", "No objections filed yet."],

  "report.title": ["{year}年度 视频会议（10分）考核情况", "Video conferences (10 points), {year} assessment"],
  "report.meta": ["截至 {asOf} · {edition}", "As of {asOf} · {edition}"],
  "report.summary": ["得分 {score} · 扣分 {deduction}", "Score {score} · deduction {deduction}"],
  "report.items": ["分项扣分", "Deductions by item"],
  "report.counties": ["各县（市、区）扣分（本单位视角，按项封顶）", "Counties (own view, capped by item)"],
  "report.deductionTotal": ["合计扣分（不超过10分）", "Deduction (at most 10.00)"],
  "report.total": ["全市合计（计入设区市，封顶后）", "City total (counted, capped)"],
  "report.printed": ["打印时间：{at}", "Printed {at}"],
  // the official annual table (report.js renderOfficial)
  "report.office": ["制表单位：{office}", "Issued by: {office}"],
  "report.rank": ["排名", "Rank"],
  "report.city": ["设区市", "City"],
  "report.unit": ["单位", "Unit"],
  "report.item": ["考核项目", "Item"],
  "report.reason": ["扣分原因", "Reason"],
  "report.reasons": ["扣分原因", "Reasons"],
  "report.noReasons": ["无扣分。", "No deductions."],
  "report.cap": ["（上限{cap}分）", "(cap {cap})"],
  "report.count": ["次数", "Count"],
  "report.raw": ["扣分", "Deduction"],
  "report.capped": ["计入", "Counted"],
  "report.binds": ["（封顶）", " (capped)"],
  "report.beforeCap": ["各项计入合计", "Sum of counted items"],
  "report.deductionCapped": ["扣分合计（总分上限{full}分）", "Deduction (at most {full})"],
  "report.score": ["得分（满分{full}分）", "Score (of {full})"],
  "report.unitTotal": ["合计（未封顶）", "Total (uncapped)"],
  "report.ownVenue": ["{name}本级", "{name} (own venue)"],
  "report.cityRaw": ["全市合计（未封顶）", "City total (uncapped)"],
  "report.caps": ["项目上限", "Item caps"],
  "report.cityCapped": ["计入（封顶后）", "Counted (capped)"],
  "report.cityTitle": ["{name}（{code}）视频会议（10分）扣分计算表", "{name} ({code}): video conference deductions"],
  "report.note": [
    "注：“扣分”为按次数计算的扣分（含所属县市区），“计入”为按该项上限封顶后的扣分；标“（封顶）”者为触及上限：该项超过项目上限，或各项合计超过总分上限{full}分。",
    "Deduction: occurrences × points (counties included); counted: capped by the item's cap. “(capped)” marks where a cap binds: an item over its cap, or the sum over {full}.",
  ],
  "report.sealOffice": ["制表单位（盖章）：{office}", "Issuing office (seal): {office}"],
  "report.signatures": ["审核人（签字）：＿＿＿＿＿＿　　负责人（签字）：＿＿＿＿＿＿", "Reviewed by: ____________    Approved by: ____________"],
  "report.signDate": ["日期：＿＿＿＿年＿＿月＿＿日", "Date: ____________"],
};

// An item by its rulebook name; in English, the glossary's.
export function itemName(rulebook, code) {
  if (currentLang() === "en" && has(`item.${code}`)) return t(`item.${code}`);
  const item = rulebook?.items.find((entry) => entry.code === code);
  return item ? item.name : t(`item.${code}`);
}

export function typeName(rulebook, code) {
  for (const item of rulebook?.items ?? []) {
    const found = item.types.find((entry) => entry.code === code);
    if (found) return sharedTypeName(code, found.name);
  }
  return sharedTypeName(code);
}

export function sourceName(code) {
  return has(`source.${code}`) ? t(`source.${code}`) : t("field.source");
}
