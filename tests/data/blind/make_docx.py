"""Make the two blind .docx plans and their gold files.

    python tests/data/blind/make_docx.py

05_yichun_notice_at_end.docx  the plan body first; the 关于印发…的通知, signature and date at the END;
                              tasks 1. 2. … restart in every chapter; titles in a bold run.
06_fuzhou_annex_table.docx    a plan whose 附件 is a real Word table 重点任务分工表 restating the tasks.
"""
import json
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Pt

HERE = Path(__file__).resolve().parent


def squash(s):
    return re.sub(r"\s+", "", s)


def font(run, name="仿宋_GB2312", size=16, bold=False):
    run.font.name = name
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)
    run.font.size = Pt(size)
    run.bold = bold
    return run


def para(doc, text="", name="仿宋_GB2312", size=16, bold=False, indent=True, align=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(32)
    if align:
        p.alignment = align
    if text:
        font(p.add_run(text), name, size, bold)
    return p


def gold(name, about, plan, chapters, tasks, aliases=None):
    units = set()
    canon = {}
    for k, vs in (aliases or {}).items():
        for v in vs + [k]:
            canon[squash(v)] = k
    out = []
    for t in tasks:
        for role in ("lead", "cooperating", "responsible"):
            for u in t[role]:
                assert squash(u) in squash(t["clause"]), (u, t["clause"])
                units.add(canon.get(squash(u), u))
        g = {k: t[k] for k in ("number", "chapter", "title", "lead", "cooperating", "responsible")}
        if t.get("deadline"):
            g["deadline"] = t["deadline"]
        out.append(g)
    assert len({t["title"] for t in out}) == len(out)
    plan = dict(plan, chapters=len(chapters), tasks=len(out), distinct_units=len(units))
    g = {"about": about, "plan": plan,
         "chapters": [{"number": i + 1, "numeral": n, "title": t} for i, (n, t) in enumerate(chapters)],
         "tasks": out, "unit_aliases": aliases or {}, "min_f1": 0.95}
    (HERE / f"{name}.gold.json").write_text(json.dumps(g, ensure_ascii=False, indent=1), encoding="utf-8")


def task(ch, num, title, body, clause, lead=(), coop=(), resp=(), deadline=None):
    return {"chapter": ch, "number": num, "title": title, "body": body, "clause": clause,
            "lead": list(lead), "cooperating": list(coop), "responsible": list(resp), "deadline": deadline}


# ---------------------------------------------------------------- 05 宜春
def yichun():
    CN = "一二三四"
    chapters = [("一", "打造增值服务体系"), ("二", "提升增值服务能力"), ("三", "推进增值服务数字化"), ("四", "强化组织保障")]
    X = "各县（市、区）人民政府"
    tasks = [
        task(1, 1, "建设企业综合服务专区", "在市县两级政务服务中心设立企业综合服务专区，整合涉企服务事项和服务资源，为企业提供政策咨询、诉求办理、要素对接等“一站式”服务。",
             "（牵头单位：市行政审批局；配合单位：市发改委、市工信局、市商务局）", lead=["市行政审批局"], coop=["市发改委", "市工信局", "市商务局"]),
        task(1, 2, "编制增值服务事项清单", "围绕企业全生命周期，梳理政策、金融、人才、法律、科创等增值服务事项，形成增值服务事项清单并动态调整。",
             "（牵头单位：市行政审批局；配合单位：市直有关单位）", lead=["市行政审批局"], coop=["市直有关单位"]),
        task(1, 3, "组建企业服务专员队伍", "从市县两级部门选派业务骨干组建企业服务专员队伍，建立“一企一专员”联系服务机制。",
             "（牵头单位：市工信局；配合单位：市行政审批局、各县（市、区）人民政府）", lead=["市工信局"], coop=["市行政审批局", X]),
        task(2, 1, "深化惠企政策精准直达", "依托“惠企通”平台，推动惠企政策集中发布、精准推送、一键申报，推动更多政策“免申即享”“即申即享”。",
             "（牵头单位：市发改委；配合单位：市财政局、市行政审批局）", lead=["市发改委"], coop=["市财政局", "市行政审批局"]),
        task(2, 2, "强化人才服务保障", "为企业引进的高层次人才提供落户、住房、子女入学、医疗保健等“一站式”服务，打造“宜春人才服务码”。",
             "（牵头单位：市人社局、市委人才办；配合单位：市教育局、市卫健委、市住建局）", lead=["市人社局", "市委人才办"], coop=["市教育局", "市卫健委", "市住建局"]),
        task(2, 3, "拓展金融服务渠道", "搭建政银企对接平台，常态化开展融资对接活动，推广“财园信贷通”“科贷通”等金融产品。",
             "（牵头单位：市委金融办；配合单位：人民银行宜春市分行、国家金融监督管理总局宜春监管分局）", lead=["市委金融办"], coop=["人民银行宜春市分行", "国家金融监督管理总局宜春监管分局"]),
        task(2, 4, "优化涉企法律服务供给", "组建企业法律顾问团，开展“法治体检”进企业活动，为企业提供合规指引和纠纷化解服务。",
             "（牵头单位：市司法局；配合单位：市中级人民法院、市工商联）", lead=["市司法局"], coop=["市中级人民法院", "市工商联"]),
        task(3, 1, "建设“赣企通”宜春站", "依托省级“赣企通”平台，建设宜春站点，推动涉企服务事项线上集成、一网通办。",
             "（牵头单位：市数据局；配合单位：市行政审批局）", lead=["市数据局"], coop=["市行政审批局"]),
        task(3, 2, "推动涉企数据共享", "推动市场监管、税务、人社、医保等部门涉企数据按需共享，为增值服务提供数据支撑。",
             "（牵头单位：市数据局；配合单位：市市场监管局、市税务局、市人社局、市医保局）", lead=["市数据局"], coop=["市市场监管局", "市税务局", "市人社局", "市医保局"]),
        task(3, 3, "推广“免申即享”服务模式", "通过数据比对主动识别符合条件的企业，推动惠企资金直达快享。",
             "（牵头单位：市财政局、市数据局；配合单位：市发改委、市直有关单位、各县（市、区）人民政府）", lead=["市财政局", "市数据局"], coop=["市发改委", "市直有关单位", X]),
    ]
    doc = Document()
    doc.core_properties.author = "Administrator"
    doc.core_properties.title = ""
    para(doc, "为深入贯彻落实省委、省政府关于推进政务服务增值化改革的决策部署，进一步优化营商环境，推动政务服务从“便捷服务”向“增值服务”全面升级，结合我市实际，制定本方案。")
    para(doc, "到2025年底，全市政务服务增值化改革取得明显成效，企业综合服务专区实现市县全覆盖，增值服务事项清单化、规范化运行，企业获得感和满意度明显提升。")
    cur = 0
    for t in tasks:
        if t["chapter"] != cur:
            cur = t["chapter"]
            para(doc, f"{chapters[cur-1][0]}、{chapters[cur-1][1]}", name="黑体")
        p = para(doc)
        font(p.add_run(f"{t['number']}."))
        font(p.add_run(f"{t['title']}。"), name="楷体_GB2312", bold=True)
        font(p.add_run(t["body"]))
        if t["number"] == 2 and t["chapter"] == 2:
            p.add_run().add_break(WD_BREAK.LINE)  # a soft line break (Shift+Enter) before the clause
        font(p.add_run(t["clause"]))
    para(doc, f"四、{chapters[3][1]}", name="黑体")
    for i, (h, b) in enumerate([("加强组织领导", "成立市政务服务增值化改革工作专班，统筹推进改革各项工作，研究解决重大问题。"),
                                ("强化督导考核", "将增值化改革工作纳入全市高质量发展考核，定期通报工作进展，确保改革取得实效。")], 1):
        p = para(doc)
        font(p.add_run(f"{i}."))
        font(p.add_run(f"{h}。"), name="楷体_GB2312", bold=True)
        font(p.add_run(b))
    para(doc)
    para(doc, "宜春市人民政府办公室关于印发宜春市2025年政务服务增值化改革实施方案的通知", name="方正小标宋简体", size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "宜府办字〔2025〕21号", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "各县（市、区）人民政府，宜春经济技术开发区、宜阳新区、明月山温泉风景名胜区管委会，市政府各部门：", indent=False)
    para(doc, "《宜春市2025年政务服务增值化改革实施方案》已经市政府同意，现印发给你们，请认真贯彻执行。")
    para(doc, "宜春市人民政府办公室", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "2025年4月10日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "（此件主动公开）")
    name = "05_yichun_notice_at_end"
    doc.save(HERE / f"{name}.docx")
    gold(name,
         "Ground truth for a .docx whose plan body comes FIRST and whose 关于印发…的通知, 文号, addressees, signature (宜春市人民政府办公室) and date (2025年4月10日) come at the END, after the tasks; "
         "the plan title appears only inside 《》 in that notice. Tasks are numbered 1. 2. … restarting in each chapter (一、二、三); the number is a plain run, the title a separate bold run. "
         "Task 二.2 has a soft line break (w:br) before its clause. 市发改委 and 市数据局 are two units here (task 三.3 names both in one clause).  The items 1. 2. of 四、强化组织保障 have no clause and are NOT tasks; 四 still counts as a chapter.",
         {"title": "宜春市2025年政务服务增值化改革实施方案", "issued": "2025-04-10", "identifier": "宜府办字〔2025〕21号", "region": "宜春市", "level": "Municipal"},
         chapters, tasks)


# ---------------------------------------------------------------- 06 抚州
def fuzhou():
    chapters = [("一", "夯实人工智能发展基础"), ("二", "推动人工智能赋能产业"), ("三", "推进人工智能赋能治理和民生")]
    tasks = [
        task(1, 1, "建设抚州人工智能算力中心", "依托抚州高新区数据中心，建设面向全市的人工智能算力中心，提供模型训练和推理算力服务。",
             "（市发改委牵头，市数据局、抚州高新区管委会配合，2025年10月底前完成）", lead=["市发改委"], coop=["市数据局", "抚州高新区管委会"], deadline="2025-10-31"),
        task(1, 2, "推进高质量数据集建设", "围绕工业制造、医疗健康、文化旅游等领域，建设一批行业高质量数据集，推动公共数据有序开放。",
             "（市数据局牵头，市工信局、市卫健委、市文广新旅局配合，2025年12月底前完成）", lead=["市数据局"], coop=["市工信局", "市卫健委", "市文广新旅局"], deadline="2025-12-31"),
        task(1, 3, "引育人工智能领军企业", "加大招商引资力度，引进一批人工智能核心企业，培育本地人工智能创新型中小企业。",
             "（市商务局、市工信局牵头，各县〔区〕政府配合，持续推进）", lead=["市商务局", "市工信局"], coop=["各县〔区〕政府"]),
        task(2, 1, "推动人工智能赋能制造业", "推动人工智能技术在生物医药、电子信息、汽车零部件等产业链的研发设计、生产制造、质量检测等环节应用，打造一批智能工厂。",
             "（市工信局牵头，市科技局配合，2025年11月底前完成）", lead=["市工信局"], coop=["市科技局"], deadline="2025-11-30"),
        task(2, 2, "发展智慧农业", "推广农业无人机、智能农机装备和农业大模型应用，推动南丰蜜桔、广昌白莲等特色产业智能化生产管理。",
             "（市农业农村局牵头，市科技局、南丰县人民政府、广昌县人民政府配合，2025年9月底前完成）", lead=["市农业农村局"], coop=["市科技局", "南丰县人民政府", "广昌县人民政府"], deadline="2025-09-30"),
        task(2, 3, "推进文旅智能化服务", "在重点景区推广智能导览、数字人讲解等服务，打造“AI+汤显祖文化”特色应用。",
             "（市文广新旅局牵头，各县〔区〕政府配合，持续推进）", lead=["市文广新旅局"], coop=["各县〔区〕政府"]),
        task(3, 1, "打造政务服务智能体", "基于政务大模型打造“抚州小智”政务服务智能体，提供智能问答、智能导办等服务。",
             "（市数据局牵头，市行政审批局配合，2025年8月底前完成）", lead=["市数据局"], coop=["市行政审批局"], deadline="2025-08-31"),
        task(3, 2, "推动智慧医疗应用", "推广人工智能辅助诊断、智能影像识别等应用，提升基层医疗机构诊疗水平。",
             "（市卫健委牵头，市医保局配合，2025年12月底前完成）", lead=["市卫健委"], coop=["市医保局"], deadline="2025-12-31"),
        task(3, 3, "发展智慧教育", "推动人工智能教育应用，开展中小学人工智能教育试点，推广智能教学助手。",
             "（市教育局牵头，市科技局配合，2025年9月底前完成）", lead=["市教育局"], coop=["市科技局"], deadline="2025-09-30"),
        task(3, 4, "加强人工智能安全治理", "建立人工智能应用安全评估机制，加强生成式人工智能服务备案和监管，防范算法歧视、数据泄露等风险。",
             "（市委网信办牵头，市公安局、市数据局配合，持续推进）", lead=["市委网信办"], coop=["市公安局", "市数据局"]),
    ]
    seq = 0
    for t in tasks:
        seq += 1
        t["number"] = seq  # continuous numbering 1..10 in this plan
    doc = Document()
    doc.core_properties.author = "fzsjj"
    para(doc, "抚州市2025年推进“人工智能+”行动工作方案", name="方正小标宋简体", size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "为贯彻落实国家、省关于深入实施“人工智能+”行动的部署要求，加快推动人工智能与经济社会各领域深度融合，制定本方案。")
    cur = 0
    for t in tasks:
        if t["chapter"] != cur:
            cur = t["chapter"]
            para(doc, f"{chapters[cur-1][0]}、{chapters[cur-1][1]}", name="黑体")
        para(doc, f"{t['number']}.{t['title']}。{t['body']}{t['clause']}")
    para(doc, "各县（区）、各有关部门要高度重视，细化工作措施，明确责任分工，确保各项任务按时完成。工作进展情况请于每季度末报送市数据局。")
    para(doc, "附件：抚州市2025年推进“人工智能+”行动重点任务分工表")
    para(doc, "抚州市人民政府办公室", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(doc, "2025年5月8日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para(doc, "附件", name="黑体", indent=False)
    para(doc, "抚州市2025年推进“人工智能+”行动重点任务分工表", name="方正小标宋简体", size=18, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for c, h in zip(table.rows[0].cells, ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"]):
        c.text = h
    deadline_text = {"2025-10-31": "2025年10月底前", "2025-12-31": "2025年12月底前", "2025-11-30": "2025年11月底前",
                     "2025-09-30": "2025年9月底前", "2025-08-31": "2025年8月底前", None: "持续推进"}
    for t in tasks:
        row = table.add_row().cells
        lead = "、".join(t["lead"] or t["responsible"])
        row[0].text = str(t["number"])
        row[1].text = t["title"]
        row[2].text = t["body"]
        row[3].text = lead
        row[4].text = "、".join(t["cooperating"])
        row[5].text = deadline_text[t["deadline"]]
    name = "06_fuzhou_annex_table"
    doc.save(HERE / f"{name}.docx")
    gold(name,
         "Ground truth for a .docx plan with tasks 1.–10. (numbering continuous across chapters 一、二、三), clauses like '（市发改委牵头，市数据局、抚州高新区管委会配合，2025年10月底前完成）', "
         "then a signature, a page break and 附件 '重点任务分工表': a real Word table (序号/重点任务/具体内容/牵头单位/配合单位/完成时限) that restates the ten tasks. "
         "Decision: the annex table adds NO tasks and no assignments beyond the body's (it agrees with the body); the tasks are the ten body items only. "
         "'各县〔区〕政府' is one collective unit.",
         {"title": "抚州市2025年推进“人工智能+”行动工作方案", "issued": "2025-05-08", "region": "抚州市", "level": "Municipal"},
         chapters, tasks)


if __name__ == "__main__":
    yichun()
    fuzhou()
