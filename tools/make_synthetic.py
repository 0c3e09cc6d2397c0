#!/usr/bin/env python3
"""Synthetic bulletins for fixtures/synthetic/ (deterministic; python3 + reportlab).

Each bulletin is defined below as plain Python data (cover, optional TOC, sections, entries with
paragraphs and links, optional colophon).  Every input file is rendered from that data and its
`<input>.expected.json` is computed from the same data (per ../shared/tools/CONTRACT.md), never by
running `bulletin`.  For PDFs the renderer does its own line breaking and page layout and records on
which physical page each heading and each line lands, which gives sections[].page, entries[].pages
and the printed TOC page numbers.

usage: python3 tools/make_synthetic.py [OUTDIR]      (default: fixtures/synthetic next to tools/)
"""
import datetime
import hashlib
import json
import os
import re
import sys

# --------------------------------------------------------------------------------------------------
# numerals, dates, documents
# --------------------------------------------------------------------------------------------------

CN = "零一二三四五六七八九"


def cn_num(n):
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 21 → 二十一 (up to 99)."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


FW = str.maketrans("０１２３４５６７８９", "0123456789")
DATE_RE = re.compile(r"(?:([0-9０-９]{4})\s*年\s*)?([0-9０-９]{1,2})\s*月\s*([0-9０-９]{1,2})\s*日")


def find_dates(text, bdate):
    """Every full date in text, in order: [{"text", "value"}]; M月D日 nearest to the bulletin date."""
    out = []
    for m in DATE_RE.finditer(text):
        y, mo, d = m.group(1), int(m.group(2).translate(FW)), int(m.group(3).translate(FW))
        if y:
            value = datetime.date(int(y.translate(FW)), mo, d)
        else:
            cands = []
            for yy in (bdate.year - 1, bdate.year, bdate.year + 1):
                try:
                    cands.append(datetime.date(yy, mo, d))
                except ValueError:
                    pass
            value = min(cands, key=lambda c: abs((c - bdate).days))
        out.append({"text": m.group(0), "value": value.isoformat()})
    return out


def find_documents(text):
    seen = []
    for m in re.finditer(r"《([^《》]+)》", text):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def dedup(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


# --------------------------------------------------------------------------------------------------
# the bulletins (all prose is synthetic)
# --------------------------------------------------------------------------------------------------

# Entry keys: title, paras (list of paragraphs), links (URLs of 链接 lines), plus renderer hints:
#   brk: (paragraph index, char offset) where a text rendering breaks the paragraph as at a page break
#   annot: (phrase, url) a PDF link annotation over a phrase of the body (no 链接 line needed)
#   h2style: "half" for "(一)" headings; title_wrap: char offset where the text heading wraps
#   link_colon / link_wrap / link_angle: how the 链接 line is printed in text renderings

B1 = {
    "key": "netsec-2022-01",
    "title": "网络安全信息通报",
    "year": 2022, "issue": 1, "date": datetime.date(2022, 1, 5),
    "cover_issue": "２０２２年第１期", "cover_date": "2022年1月5日",
    "toc": False, "colophon": [],
    "sections": [
        {"title": "通报预警", "entries": [
            {"title": "关于Apache Log4j2远程代码执行漏洞的预警通报", "h2style": "half",
             "paras": [
                 "１２月３０日，国家信息安全漏洞共享平台（CNVD）更新了Apache Log4j2远程代码执行漏洞的处置建议。该漏洞影响范围广、利用难度低，攻击者可通过构造特殊请求在目标服务器上执行任意代码。各单位要立即开展排查，对使用受影响版本的系统及时升级至2.17.1及以上版本，暂时无法升级的应采取临时缓解措施，并加强对相关系统的日志监测。",
                 "通报要求各单位重点做好以下工作：（一）全面梳理本单位互联网暴露面资产，建立受影响组件台账；（二）对已发现的攻击痕迹开展溯源分析，及时向属地网信部门和公安机关报告安全事件。",
             ],
             "links": ["https://www.cnvd.org.cn/webinfo/show/7116"]},
            {"title": "工业和信息化部网络安全管理局印发《关于做好2022年元旦春节期间网络安全保障工作的通知》",
             "h2style": "half", "title_wrap": 37,
             "paras": [
                 "12月28日，工业和信息化部网络安全管理局印发《关于做好2022年元旦春节期间网络安全保障工作的通知》，部署各地通信管理局、基础电信企业和重点互联网企业做好节日期间网络安全保障工作。",
                 "一是压实网络安全责任，严格落实24小时值班和领导带班制度，确保发生问题第一时间响应处置。",
                 "二是加强重要系统防护，对门户网站、政务服务平台和重要业务系统开展全面安全检查，及时修补高危漏洞，清理长期不用的账号和服务。",
                 "三是强化应急处置，完善应急预案，做好技术支撑队伍和应急资源储备，遇有重大网络安全事件立即报告、妥善处置。",
             ],
             "links": ["https://www.miit.gov.cn/jgsj/waj/wjfb/art/2021/art_5c8a3f6e2b1d4e7a9f0c3d2b1a6e8f47.html"],
             "link_wrap": 60},
            {"title": "国家互联网应急中心发布2021年12月网络安全态势月报", "h2style": "half",
             "paras": [
                 "1 月 3 日，国家互联网应急中心（CNCERT）发布网络安全态势月报。月报显示，2021年12月，CNCERT监测发现境内被篡改网站数量较上月有所下降，其中政府网站被篡改数量为五十余个；境内被植入后门的网站数量环比上升，主要集中在教育和医疗行业，部分网站长期未更新补丁，存在较大安全隐患。",
                 "月报提出以下防护建议：",
                 "1. 及时更新操作系统和应用软件补丁，关闭不必要的服务端口，减少互联网暴露面。",
                 "2. 加强账号口令管理，禁止使用弱口令，对重要系统启用多因素身份认证。",
                 "（1）对于政府网站，应部署网页防篡改措施，并建立内容发布审核机制；",
                 "（2）对于医疗和教育机构，应重点防范勒索病毒攻击，做好重要数据的离线备份。",
             ],
             "brk": (0, 97),
             "links": ["https://www.cert.org.cn/publish/main/46/2022/20220103160512345678/20220103160512345678_.html"],
             "link_colon": ":"},
        ]},
        {"title": "工作动态", "entries": [
            {"title": "省委网信办召开全省网络安全工作推进会",
             "paras": [
                 "12月29日，省委网信办召开全省网络安全工作推进会，总结2021年网络安全工作，部署下一阶段重点任务。会议指出，一年来，全省各地各部门认真贯彻落实《中华人民共和国网络安全法》《关键信息基础设施安全保护条例》，网络安全保障能力不断提升，未发生重大网络安全事件。",
                 "会议强调，要坚持问题导向，聚焦关键信息基础设施、重要数据和个人信息保护等重点领域，持续开展网络安全检查和风险评估，推动网络安全工作责任制落地落实。",
             ],
             "links": ["http://www.example-cac.gov.cn/2021-12/29/c_1640760012345678.htm"]},
            {"title": "市大数据中心开展数据安全应急演练",
             "paras": [
                 "12月31日，市大数据中心联合市公安局网安支队开展数据安全应急演练。演练模拟政务云平台遭受勒索病毒攻击、重要数据面临泄露风险的场景，检验了事件发现、研判、处置和恢复等环节的协同能力，参演单位在规定时间内完成了全部处置任务。",
                 "演练结束后，市大数据中心对演练情况进行了复盘，明确了以下改进措施：",
                 "（一）加强组织领导；",
                 "（二）完善制度建设。",
                 "下一步，市大数据中心将把应急演练常态化，每季度至少组织一次专项演练，不断提升全市政务数据安全防护水平。",
             ],
             "links": ["https://dsj.example.gov.cn/art/2021/12/31/art_1229_58812.html"], "link_angle": True},
            {"title": "1月4日国家网信办等十三部门联合修订发布《网络安全审查办法》",
             "paras": [
                 "修订后的《网络安全审查办法》已于2021年11月16日经国家互联网信息办公室室务会议审议通过，并经国家发展和改革委员会、工业和信息化部等十二个部门同意。办法将网络平台运营者开展数据处理活动影响或者可能影响国家安全等情形纳入网络安全审查范围。",
                 "办法明确，掌握超过一百万用户个人信息的网络平台运营者赴国外上市，必须向网络安全审查办公室申报网络安全审查。各单位要认真组织学习，做好相关工作衔接。",
             ],
             "links": []},
        ]},
    ],
}

B2 = {
    "key": "smartcity-2022-07",
    "title": "智慧城市建设动态",
    "year": 2022, "issue": 7, "date": datetime.date(2022, 7, 15),
    "cover_issue": "2022年第7期（总第31期）", "cover_date": "2022年7月15日",
    "toc": True,
    "colophon": [("主办单位", "市智慧城市建设领导小组办公室"), ("主编", "张伟"), ("编辑", "李娜　王磊"),
                 ("地址", "江南市滨江区江汉路88号市民中心B座12楼"), ("电 话", "0571-85123456")],
    "sections": [
        {"title": "政策文件", "entries": [
            {"title": "国务院印发《关于加强数字政府建设的指导意见》",
             "paras": [
                 "6月23日，国务院印发《关于加强数字政府建设的指导意见》，对加强数字政府建设作出全面部署。意见提出，到2025年，与政府治理能力现代化相适应的数字政府顶层设计更加完善、统筹协调机制更加健全，政府数字化履职能力、安全保障、制度规则、数据资源、平台支撑等数字政府体系框架基本形成。",
                 "意见明确了构建协同高效的政府数字化履职能力体系、构建数字政府全方位安全保障体系等七个方面的重点任务。",
             ],
             "links": ["http://www.gov.cn/zhengce/content/2022-06/23/content_5697299.htm"],
             "toc_sep": "……"},
            {"title": "住房和城乡建设部办公厅印发《城市信息模型（CIM）基础平台技术导则》修订版",
             "paras": [
                 "6月28日，住房和城乡建设部办公厅印发修订后的《城市信息模型（CIM）基础平台技术导则》。导则对CIM基础平台的构成、功能、数据、运维和安全等方面提出了技术要求，适用于各级CIM基础平台的建设和运行维护。",
             ],
             "links": ["https://www.mohurd.gov.cn/gongkai/zhengce/zhengcefilelib/202206/20220628_766912.html"],
             "toc_sep": "·····", "toc_wrap": 30},
            {"title": "省政府办公厅印发《江南省新型智慧城市建设三年行动计划（2022—2024年）》",
             "paras": [
                 "7月1日，省政府办公厅印发《江南省新型智慧城市建设三年行动计划（2022—2024年）》，提出到2024年底，全省设区市全部建成城市运行管理中心，城市数字化治理水平明显提升。行动计划部署了城市数字底座建设、城市运行一网统管、公共服务一网通办等五大行动。",
             ],
             "links": ["http://www.jiangnan.gov.cn/art/2022/7/1/art_1229019365_2412345.html"],
             "toc_sep": "……"},
        ]},
        {"title": "地方实践", "entries": [
            {"title": "江南市城市运行管理中心正式启用",
             "paras": ["7月8日，江南市城市运行管理中心正式启用。中心汇聚了全市四十二个部门的一千三百余项数据，构建城市运行体征指标体系，实现对交通、环境、安全等领域的实时监测和预警。"],
             "links": ["http://www.jncity.gov.cn/art/2022/7/8/art_1001_100001.html"], "toc_sep": "……"},
            {"title": "滨江区上线“一网通办”2.0版",
             "paras": ["7月5日，滨江区政务服务“一网通办”2.0版正式上线，新增高频事项一百二十项，企业和群众办事平均提交材料减少百分之四十，办理时限压缩百分之六十。"],
             "links": ["http://www.binjiang.gov.cn/art/2022/7/5/art_2001_200002.html"], "toc_sep": "·····"},
            {"title": "西湖区试点“城市大脑+基层治理”模式",
             "paras": ["西湖区依托城市大脑平台，将网格员巡查、市民投诉和物联感知数据统一汇入基层治理平台，6月以来累计处置各类事件八千余件，按时办结率达到百分之九十八。"],
             "links": ["http://www.xihu.gov.cn/art/2022/7/6/art_3001_300003.html"], "toc_sep": "……"},
            {"title": "临平区建成智慧停车一体化平台",
             "paras": ["6月30日，临平区智慧停车一体化平台建成投用，接入公共停车泊位三万余个，市民可通过手机实时查询空余车位并在线缴费，高峰时段主要商圈停车排队时间明显缩短。"],
             "links": ["http://www.linping.gov.cn/art/2022/6/30/art_4001_400004.html"], "toc_sep": "……"},
            {"title": "萧山区推进智慧水务建设",
             "paras": ["萧山区在全区供水管网布设压力、流量和水质监测终端一千二百余个，建立漏损分析模型，2022年上半年管网漏损率同比下降两个百分点，节约水资源约一百五十万吨。"],
             "links": ["http://www.xiaoshan.gov.cn/art/2022/7/7/art_5001_500005.html"], "toc_sep": "·····"},
            {"title": "余杭区打造数字孪生未来社区",
             "paras": ["7月10日，余杭区首个数字孪生未来社区通过验收。社区建立了建筑、设施和人口等要素的三维数字模型，为社区养老、托育和邻里服务提供精准的数据支撑。"],
             "links": ["http://www.yuhang.gov.cn/art/2022/7/10/art_6001_600006.html"], "toc_sep": "……"},
            {"title": "富阳区开通农村客运“预约公交”",
             "paras": ["富阳区在十二个乡镇开通农村客运“预约公交”服务，村民通过小程序提前预约即可按需派车，车辆平均满载率由不足百分之三十提高到百分之七十以上。"],
             "links": ["http://www.fuyang.gov.cn/art/2022/7/4/art_7001_700007.html"], "toc_sep": "……"},
            {"title": "桐庐县建设智慧应急指挥平台",
             "paras": ["7月12日，桐庐县智慧应急指挥平台上线试运行。平台整合气象、水文、地质灾害监测等数据，汛期可提前三小时向受威胁区域群众发送预警信息，为人员转移争取时间。"],
             "links": ["http://www.tonglu.gov.cn/art/2022/7/12/art_8001_800008.html"], "toc_sep": "·····"},
            {"title": "淳安县推行“数字乡村一张图”",
             "paras": ["淳安县将全县四百二十五个行政村的土地、产业、人口和公共设施信息纳入“数字乡村一张图”，乡镇干部可在移动端实时查看村情，基层报表数量减少近一半。"],
             "links": ["http://www.chunan.gov.cn/art/2022/7/11/art_9001_900009.html"], "toc_sep": "……"},
            {"title": "建德市上线企业服务综合平台",
             "paras": ["7月6日，建德市企业服务综合平台上线，集成政策查询、诉求办理和惠企资金兑付等功能，首批二百三十项惠企政策实现“免申即享”，已向企业兑付资金一千八百余万元。"],
             "links": ["http://www.jiande.gov.cn/art/2022/7/6/art_1101_110010.html"], "toc_sep": "……"},
            {"title": "钱塘区建设园区数字化管理平台",
             "paras": ["钱塘区在医药港小镇试点园区数字化管理平台，对园区企业的能耗、排污和安全生产情况进行实时监测，6月份平台共发出预警提示一百余条，均已整改闭环。"],
             "links": ["http://www.qiantang.gov.cn/art/2022/7/9/art_1201_120011.html"], "toc_sep": "·····"},
            {"title": "上城区推出“一码通”便民服务",
             "paras": ["7月11日，上城区推出“一码通”便民服务，居民凭一个二维码即可办理社区图书借阅、公共场馆预约和老年食堂就餐等二十余项服务，上线首日使用人次突破两万。"],
             "links": ["http://www.shangcheng.gov.cn/art/2022/7/11/art_1301_130012.html"], "toc_sep": "……"},
        ]},
        {"title": "行业观察", "entries": [
            {"title": "城市数据要素市场化配置的实践与思考",
             "paras": [
                 "近年来，各地积极探索公共数据授权运营，在金融、医疗、交通等领域形成了一批应用场景。但总体看，数据确权、定价和收益分配等基础制度仍不健全，数据供给质量参差不齐，市场主体参与的积极性有待提高。",
                 "业内专家建议，应加快建立公共数据分类分级授权机制，培育数据经纪、数据评估等第三方专业服务机构，并以《数据安全法》《个人信息保护法》为遵循，统筹发展和安全。",
             ],
             "links": [], "toc_sep": "……"},
            {"title": "智慧城市建设需避免“重建设、轻运营”",
             "paras": [
                 "调研发现，部分城市智慧城市项目建成后应用率不高，数据更新不及时，运维经费缺乏保障。专家认为，智慧城市建设应坚持需求导向，把运营成效纳入项目评价体系，建立“建管用”一体化的长效机制。",
             ],
             "links": ["https://www.example-think.org.cn/article/2022/0713/smart-city-operation.html"], "toc_sep": "·····"},
        ]},
        {"title": "会议活动", "entries": [
            {"title": "2022智慧城市发展论坛在江南市举行",
             "paras": [
                 "7月13日至14日，2022智慧城市发展论坛在江南市举行。论坛以“数字赋能　智治未来”为主题，来自全国各地的三百余名专家学者和企业代表围绕城市数字化转型、数据要素流通等议题开展交流研讨。",
             ],
             "links": ["http://www.jncity.gov.cn/art/2022/7/14/art_1001_100099.html"], "toc_sep": "……"},
            {"title": "市领导调研城市数字底座建设工作",
             "paras": [
                 "7月12日，市领导带队调研城市数字底座建设工作，实地察看了市政务云中心和城市运行管理中心。调研指出，要加快推进数据归集共享，提升数字底座支撑能力，为城市治理现代化提供坚实基础。",
             ],
             "links": [], "toc_sep": "……"},
        ]},
    ],
}

B3 = {
    "key": "digigov-2023-04",
    "title": "数字政府建设动态",
    "year": 2023, "issue": 4, "date": datetime.date(2023, 4, 28),
    "cover_issue": "2023年第4期", "cover_date": "2023年4月28日",
    "cover_org": "省数字政府建设领导小组办公室　编",
    "toc": True,
    "colophon": [
        ("主办单位", "省数字政府建设领导小组办公室"),
        ("单位简介", "省数字政府建设领导小组办公室设在省政务服务和数据管理局，负责统筹协调全省数字政府建设工作，组织编制数字政府建设规划和年度计划，推进政务数据资源整合共享和开发利用，指导各地各部门开展数字化改革。"),
        ("通讯地址", "临江市文华路18号政务服务中心7楼"),
        ("邮政编码", "310025"),
        ("联系人", "陈晓"),
        ("联系电话", "0571-87051234"),
        ("网 址", "<https://szzf.example.gov.cn/>"),
        ("电子邮件", "szzfb@example.gov.cn"),
    ],
    "sections": [
        {"title": "政策要闻", "entries": [
            {"title": "中共中央、国务院印发《数字中国建设整体布局规划》",
             "paras": [
                 "2月27日，中共中央、国务院印发了《数字中国建设整体布局规划》。规划指出，建设数字中国是数字时代推进中国式现代化的重要引擎，是构筑国家竞争新优势的有力支撑。规划明确，数字中国建设按照“2522”的整体框架进行布局，即夯实数字基础设施和数据资源体系“两大基础”，推进数字技术与经济、政治、文化、社会、生态文明建设“五位一体”深度融合。",
                 "规划提出，到2025年，基本形成横向打通、纵向贯通、协调有力的一体化推进格局，数字中国建设取得重要进展；到2035年，数字化发展水平进入世界前列，数字中国建设取得重大成就。规划要求各地区各部门结合实际认真贯彻落实，把数字中国建设作为推进中国式现代化的重要任务。",
             ],
             "links": ["http://www.gov.cn/zhengce/2023-02/27/content_5743484.htm"]},
            {"title": "国务院办公厅印发《关于依托全国一体化政务服务平台做好政务服务效能提升工作的指导意见》及配套实施细则",
             "paras": [
                 "4月20日，国务院办公厅印发指导意见，围绕企业和群众反映强烈的办事堵点难点问题，部署推进政务服务标准化、规范化、便利化。意见要求，依托全国一体化政务服务平台，推动更多高频事项“跨省通办”和“一件事一次办”，加强电子证照、电子印章的互通互认。",
                 "意见明确，到2023年底，全国一体化政务服务平台支撑能力进一步增强，政务服务事项实现标准统一、整体联动、业务协同，企业和群众办事更加便捷高效；地方各级人民政府要建立健全政务服务效能评价机制，将评价结果纳入年度绩效考核。",
             ],
             "links": ["http://www.gov.cn/zhengce/content/2023-04/20/content_5752345.htm"]},
            {"title": "国家数据局组建方案公布",
             "paras": [
                 "3月7日，国务院机构改革方案提请十四届全国人大一次会议审议，提出组建国家数据局，负责协调推进数据基础制度建设，统筹数据资源整合共享和开发利用，统筹推进数字中国、数字经济、数字社会规划和建设等。方案明确，国家数据局由国家发展和改革委员会管理。",
             ],
             "links": [], "annot": ("国务院机构改革方案", "http://www.gov.cn/guowuyuan/2023-03/07/content_5745356.htm")},
        ]},
        {"title": "地方经验", "entries": [
            {"title": "临江市“一网通办”实现高频事项全覆盖",
             "paras": [
                 "临江市持续深化“一网通办”改革，截至2023年3月31日，全市一千八百余项政务服务事项实现网上可办，其中高频事项全程网办比例达到百分之九十五以上。市政务服务中心推出“远程帮办”服务，工作人员通过视频连线指导群众完成线上申报，全市日均线上办件量突破三万件。",
                 "在此基础上，临江市建立了“好差评”闭环管理机制，群众对办事过程中的每一次评价都会实时推送至相关部门，差评事项须在五个工作日内整改反馈。今年一季度，全市政务服务好评率达到百分之九十九点六，企业开办时间压缩至一个工作日以内。",
             ],
             "links": ["https://www.linjiang.example.gov.cn/art/2023/4/3/art_1229_7712345.html"]},
            {"title": "东阳县推进基层报表“多表合一”",
             "paras": [
                 "4月12日，东阳县召开基层减负工作现场会，推广“多表合一”经验做法。该县梳理了各部门下发到村（社区）的各类报表三百六十余张，通过数据共享和字段合并，精简为统一的基础信息采集表，村（社区）填报工作量减少百分之七十。",
                 "东阳县还依托县级数据仓建立了报表准入审核机制，新增报表须经县数据管理部门审核，能通过共享获取的数据一律不再要求基层重复填报，从源头上防止报表反弹。",
             ],
             "links": ["https://www.dongyang.example.gov.cn/art/2023/4/12/art_1302_4456789.html"]},
            {"title": "南湖区上线“企业码”服务平台",
             "paras": [
                 "4月18日，南湖区“企业码”服务平台正式上线。平台为辖区内两万余家企业赋予专属二维码，企业扫码即可查询适用政策、提交诉求和办理涉企事项，相关部门可根据企业画像主动推送政策信息。",
                 "平台上线以来，已累计受理企业诉求四百余件，办结率达到百分之九十七，平均办理时长较以往缩短一半以上。",
             ],
             "links": ["https://www.nanhu.example.gov.cn/art/2023/4/18/art_1407_8890123.html"]},
        ]},
        {"title": "专家观点", "entries": [
            {"title": "以数据要素市场化配置改革赋能数字政府建设",
             "paras": [
                 "专家指出，数字政府建设已经由以系统建设为主的阶段转入以数据驱动为主的阶段。下一步，应当加快完善公共数据资源目录体系，推动公共数据按照统一标准汇聚治理，在保障安全的前提下有序开放，探索公共数据授权运营的规则和收益分配机制。",
                 "同时，要以《中华人民共和国数据安全法》和《中华人民共和国个人信息保护法》为遵循，建立覆盖数据全生命周期的安全管理制度，明确数据提供方、使用方和运营方的安全责任，让数据在安全可控的前提下充分流动起来。",
             ],
             "links": ["https://www.example-think.org.cn/article/2023/0425/data-factor-market-reform-and-digital-government-construction.html"]},
            {"title": "数字政府评估应更加注重群众获得感",
             "paras": [
                 "有学者认为，当前一些地方的数字政府评估仍以平台数量、事项上网率等建设指标为主，对群众实际使用体验关注不够。建议在评估指标中提高办事成功率、一次办结率和满意度等结果指标的权重，引入第三方评估和用户调查，让评估结果真正反映群众的获得感。",
             ],
             "links": ["https://www.example-think.org.cn/article/2023/0426/evaluation.html"]},
        ]},
    ],
}


# --------------------------------------------------------------------------------------------------
# expected documents
# --------------------------------------------------------------------------------------------------

def link_url(u):
    return u.strip("<>")


def expected_doc(b, fname, data, fmt, pages=None, layout=None):
    """layout (PDF only): {"sec_page": {s: page}, "entry_pages": {(s, e): [pages]},
    "toc_page": {(s,) or (s, e): printed}, "annots": {(s, e): [urls]}}"""
    bdate = b["date"]
    colophon = {re.sub(r"\s+", "", k): link_url(v.strip()) for k, v in b["colophon"]}
    doc = {
        "schema_version": "1.0",
        "source": {"file": fname, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                   "format": fmt, "pages": pages},
        "bulletin": {"title": b["title"], "year": b["year"], "issue": b["issue"],
                     "date": bdate.isoformat(), "publisher": colophon.get("主办单位")},
        "toc": [],
        "sections": [],
        "colophon": colophon,
        "warnings": [],
    }
    for si, s in enumerate(b["sections"], 1):
        if b["toc"]:
            doc["toc"].append({"level": 1, "ordinal": si, "label": cn_num(si), "title": s["title"],
                               "page": layout["toc_page"][(si,)] if layout else b["text_toc_page"][(si,)]})
        sec = {"ordinal": si, "label": cn_num(si), "title": s["title"],
               "page": layout["sec_page"][si] if layout else None, "entries": []}
        for ei, e in enumerate(s["entries"], 1):
            if b["toc"]:
                doc["toc"].append({"level": 2, "ordinal": ei, "label": cn_num(ei), "title": e["title"],
                                   "page": layout["toc_page"][(si, ei)] if layout else b["text_toc_page"][(si, ei)]})
            text = "\n".join(e["paras"])
            tdates = find_dates(text, bdate)
            links = [link_url(u) for u in e["links"]]
            if layout:
                links = links + layout["annots"].get((si, ei), [])
            sec["entries"].append({
                "id": f"{b['year']}-{b['issue']}-{si}-{ei}", "ordinal": ei, "label": cn_num(ei),
                "title": e["title"],
                "date": tdates[0]["value"] if tdates else None,
                "text": text,
                "dates": find_dates(e["title"], bdate) + tdates,
                "links": dedup(links),
                "documents": find_documents(e["title"] + "\n" + text),
                "pages": layout["entry_pages"][(si, ei)] if layout else None,
            })
        doc["sections"].append(sec)
    return doc


# --------------------------------------------------------------------------------------------------
# text renderings
# --------------------------------------------------------------------------------------------------

def text_v1(b):
    """UTF-8 with BOM, blank line after every line (the layout of a text extraction), no TOC, no
    colophon; "一、 " headings with a space, "(一)" half-width or "（一）" level-2 headings; a heading
    wrapped inside 《》; a 链接 URL wrapped; "链接:" half-width; a paragraph split at a page break."""
    out = ["", "", b["title"], "", b["cover_issue"], "", b["cover_date"], ""]
    for si, s in enumerate(b["sections"], 1):
        out += [f"{cn_num(si)}、 {s['title']}", ""]
        for ei, e in enumerate(s["entries"], 1):
            lab = f"({cn_num(ei)})" if e.get("h2style") == "half" else f"（{cn_num(ei)}）"
            head = lab + e["title"]
            if "title_wrap" in e:
                w = e["title_wrap"]
                out += [head[:w], "", head[w:], ""]
            else:
                out += [head, ""]
            for pi, p in enumerate(e["paras"]):
                if e.get("brk", (None,))[0] == pi:
                    k = e["brk"][1]
                    assert not re.match(r"[。；，、：！？）》”]", p[k - 1]), p[:k]
                    out += [p[:k], "", p[k:], ""]
                else:
                    out += [p, ""]
            for u in e["links"]:
                colon = e.get("link_colon", "：")
                shown = f"<{u}>" if e.get("link_angle") else u
                line = f"链接{colon}{shown}"
                if "link_wrap" in e:
                    w = e["link_wrap"]
                    out += [line[:w], "", line[w:], ""]
                else:
                    out += [line, ""]
    return ("\ufeff" + "\n".join(out)).encode("utf-8")


def paginate_text(body_lines, per_page=30, cols=38):
    """Split body lines into pages of per_page printed lines of `cols` characters, as a word
    processor would: a paragraph that does not fit is split at the page break (at a CJK character
    that is not punctuation, so the first part ends without closing punctuation); headings and
    链接 lines move to the next page whole (a heading keeps at least two lines after it)."""
    pages, cur, n = [], [], 0
    for kind, text, key in body_lines:
        h = max(1, -(-len(text) // cols))
        left = per_page - n
        if h > left:
            if kind == "p" and left >= 2:
                cut = left * cols
                while re.match(r"[。；，、：！？）》”“《（0-9A-Za-z.\-]", text[cut - 1]) or re.match(r"[0-9A-Za-z]", text[cut]):
                    cut -= 1
                cur.append((kind, text[:cut], key))
                pages.append(cur)
                cur, n = [("pcont", text[cut:], key)], -(-len(text[cut:]) // cols)
                continue
            pages.append(cur)
            cur, n = [], 0
        elif kind in ("h1", "h2") and left - h < (3 if kind == "h1" else 2):
            pages.append(cur)
            cur, n = [], 0
        cur.append((kind, text, key))
        n += h
    if cur:
        pages.append(cur)
    return pages


def text_v2_lines(b):
    """Body lines as (kind, text, key) with one paragraph per line; one paragraph split as by a page
    break is marked with kind "split"."""
    lines = []
    for si, s in enumerate(b["sections"], 1):
        lines.append(("h1", f"{cn_num(si)}、{s['title']}", (si,)))
        for ei, e in enumerate(s["entries"], 1):
            lines.append(("h2", f"（{cn_num(ei)}）{e['title']}", (si, ei)))
            for p in e["paras"]:
                lines.append(("p", p, (si, ei)))
            for u in e["links"]:
                lines.append(("link", f"链接：{u}", (si, ei)))
    return lines


def toc_lines_text(b, pagemap):
    out = []
    for si, s in enumerate(b["sections"], 1):
        out.append(f"{cn_num(si)}、{s['title']}" + "……" * 6 + str(pagemap[(si,)]))
        for ei, e in enumerate(s["entries"], 1):
            head = f"（{cn_num(ei)}）{e['title']}"
            sep = e.get("toc_sep", "……")
            lead = sep * (4 if sep == "……" else 2)
            if "toc_wrap" in e:
                w = e["toc_wrap"]
                out.append(head[:w])
                out.append(head[w:] + lead + str(pagemap[(si, ei)]))
            else:
                out.append(head + lead + str(pagemap[(si, ei)]))
    return out


def text_v2(b, furniture=False):
    """No BOM, one paragraph a line, TOC with …… and ····· leaders (one title wrapped), colophon.
    furniture=False: GB18030 with CRLF; True: UTF-8 like `pdftotext` output (form feeds, a running
    header on top of every body page and a "- n -" page number at its foot)."""
    body = text_v2_lines(b)
    pages = paginate_text(body)
    assert any(pg[0][0] == "pcont" for pg in pages), "no paragraph crosses a page break"
    # the colophon closes the last page
    pages[-1] += [("blank", "", None)] + [("colophon", f"{k}：{v}", None) for k, v in b["colophon"]]
    pagemap = {}
    for pi, pg in enumerate(pages, 1):
        for kind, text, key in pg:
            if kind in ("h1", "h2"):
                pagemap[key] = pi
    b["text_toc_page"] = pagemap
    toc = toc_lines_text(b, pagemap)
    cover = [b["title"], "", b["cover_issue"], "", b["cover_date"]]
    toc_block = ["目　　录", ""] + toc
    header = f"{b['title']}（{b['cover_issue'].split('（')[0]}）"
    if furniture:
        chunks = ["\n".join(cover) + "\n", "\n".join(toc_block) + "\n"]
        for pi, pg in enumerate(pages, 1):
            chunks.append("\n".join([header, ""] + [t for _, t, _ in pg] + ["", f"- {pi} -"]) + "\n")
        return "\f".join(chunks).encode("utf-8")
    lines = cover + ["", ""] + toc_block + ["", ""]
    for pg in pages:
        lines += [t for _, t, _ in pg]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


# --------------------------------------------------------------------------------------------------
# PDF rendering (reportlab, STSong-Light)
# --------------------------------------------------------------------------------------------------

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PW, PH = A4
NO_START = set("，。、；：！？）》”’…%")
NO_END = set("（《“‘")


def sw(s, size):
    return pdfmetrics.stringWidth(s, FONT, size)


def units(text, breakable_ascii=False):
    """Break opportunities: CJK chars one by one, ASCII runs whole (or char by char for URLs);
    closing punctuation glued to what precedes, opening punctuation to what follows."""
    toks = re.findall(r"[!-~]+|.", text) if not breakable_ascii else list(text)
    out = []
    glue_next = False
    for t in toks:
        if out and (t[0] in NO_START or glue_next):
            out[-1] += t
        else:
            out.append(t)
        glue_next = t[-1] in NO_END
    return out


def wrap(text, size, width, first_indent=0.0, breakable_ascii=False):
    lines, cur, avail = [], "", width - first_indent
    for u in units(text, breakable_ascii):
        if cur and sw(cur + u, size) > avail + 0.01:
            if not breakable_ascii and sw(u, size) > width:
                # an over-long ASCII run: break it by characters
                for ch in u:
                    if cur and sw(cur + ch, size) > avail + 0.01:
                        lines.append(cur)
                        cur, avail = "", width
                    cur += ch
                continue
            lines.append(cur)
            cur, avail = "", width
        cur += u
    if cur:
        lines.append(cur)
    return lines


class Layout:
    """Flows blocks into columns/pages, records page of every line; drawing happens later."""

    def __init__(self, columns, top, bottom, pitch):
        self.columns, self.top, self.bottom, self.pitch = columns, top, bottom, pitch
        self.pages = [[]]  # per body page: list of (x, y, size, text, key, kind, url)
        self.col, self.y = 0, top

    def lines_left(self):
        return int((self.y - self.bottom) // self.pitch) + 1

    def next_col(self):
        self.col += 1
        if self.col >= len(self.columns):
            self.col = 0
            self.pages.append([])
        self.y = self.top

    def emit(self, text, size, key, kind, indent=0.0, url=None):
        if self.y < self.bottom:
            self.next_col()
        x = self.columns[self.col][0] + indent
        self.pages[-1].append((x, self.y, size, text, key, kind, url))
        self.y -= self.pitch

    def block(self, lines, size, key, kind, indent_first=0.0, keep=1, url=None):
        if self.lines_left() < keep and self.y != self.top:
            self.next_col()
        for i, ln in enumerate(lines):
            self.emit(ln, size, key, kind, indent_first if i == 0 else 0.0, url)


def pdf_render(b, fname, columns=1, gap=24.0):
    left, right = 81.0, PW - 81.0
    width = right - left
    if columns == 1:
        cols = [(left, width)]
    else:
        cw = (width - gap) / 2
        cols = [(left, cw), (left + cw + gap, cw)]
    body, h1, h2 = 12.0, 15.0, 13.0
    lay = Layout(cols, top=PH - 86, bottom=86, pitch=21.0)
    for si, s in enumerate(b["sections"], 1):
        cw = lay.columns[0][1]
        lay.block(wrap(f"{cn_num(si)}、{s['title']}", h1, cw), h1, (si,), "h1", keep=4)
        for ei, e in enumerate(s["entries"], 1):
            head = wrap(f"（{cn_num(ei)}）{e['title']}", h2, cw)
            lay.block(head, h2, (si, ei), "h2", keep=len(head) + 2)
            for p in e["paras"]:
                lay.block(wrap(p, body, cw, first_indent=2 * body), body, (si, ei), "p", indent_first=2 * body)
            for u in e["links"]:
                lay.block(wrap("链接：" + u, body, cw, first_indent=2 * body, breakable_ascii=True), body,
                          (si, ei), "link", indent_first=2 * body, url=link_url(u))
    # colophon: a rule, then the key：value lines (values wrapped)
    lay.emit("", body, None, "rule")
    for k, v in b["colophon"]:
        lay.block(wrap(f"{k}：{v}", body, lay.columns[0][1]), body, None, "colophon",
                  url=link_url(v) if v.startswith("<") else None)
    body_pages = lay.pages
    first_body = 3  # cover, TOC
    sec_page, entry_pages, toc_page, annots = {}, {}, {}, {}
    for pi, pg in enumerate(body_pages):
        phys = first_body + pi
        for x, y, size, text, key, kind, url in pg:
            if kind == "h1" and key[0] not in sec_page:
                sec_page[key[0]] = phys
                toc_page.setdefault(key, phys - 2)
            if key and len(key) == 2:
                entry_pages.setdefault(key, [])
                if phys not in entry_pages[key]:
                    entry_pages[key].append(phys)
                if kind == "h2":
                    toc_page.setdefault(key, phys - 2)
    n_pages = first_body - 1 + len(body_pages)

    import io
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    c.setTitle("")
    c.setAuthor("")
    c.setCreator("")
    c.setProducer("")
    # cover
    if b.get("cover_mark"):
        c.setFont(FONT, 10)
        c.drawString(left, PH - 60, b["cover_mark"])
    c.setFont(FONT, 26)
    c.drawCentredString(PW / 2, PH - 260, b["title"])
    c.setFont(FONT, 16)
    c.drawCentredString(PW / 2, PH - 320, b["cover_issue"])
    if b.get("cover_org"):
        c.setFont(FONT, 14)
        c.drawCentredString(PW / 2, 200, b["cover_org"])
    c.setFont(FONT, 14)
    c.drawCentredString(PW / 2, 172, b["cover_date"])
    c.showPage()
    # TOC
    c.setFont(FONT, 18)
    c.drawCentredString(PW / 2, PH - 100, "目　　录")
    y = PH - 150
    numx = right
    for si, s in enumerate(b["sections"], 1):
        rows = [(0.0, f"{cn_num(si)}、{s['title']}", toc_page[(si,)])]
        for ei, e in enumerate(s["entries"], 1):
            rows.append((24.0, f"（{cn_num(ei)}）{e['title']}", toc_page[(si, ei)]))
        for ind, title, page in rows:
            size = 12.0
            maxw = width - ind - 40
            tl = wrap(title, size, maxw)
            for ln in tl[:-1]:
                c.setFont(FONT, size)
                c.drawString(left + ind, y, ln)
                y -= 20
            last = tl[-1]
            c.setFont(FONT, size)
            c.drawString(left + ind, y, last)
            x0 = left + ind + sw(last, size) + 3
            num = str(page)
            nx = numx - sw(num, size)
            dots = int((nx - 3 - x0) // sw("…", size))
            c.drawString(x0, y, "…" * dots)
            c.drawString(nx, y, num)
            y -= 20
            assert y > 60, "TOC does not fit on one page"
    c.showPage()
    # body pages
    for pi, pg in enumerate(body_pages):
        c.setFont(FONT, 10.5)
        c.drawString(left, PH - 50, b["title"])
        c.drawRightString(right, PH - 50, b["cover_issue"])
        c.setLineWidth(0.6)
        c.line(left, PH - 56, right, PH - 56)
        c.setFont(FONT, 10.5)
        c.drawCentredString(PW / 2, 45, f"- {pi + 1} -")
        for x, y, size, text, key, kind, url in pg:
            if kind == "rule":
                c.line(left, y + 8, right, y + 8)
                continue
            c.setFont(FONT, size)
            c.drawString(x, y, text)
            if url and kind in ("link", "colophon"):
                # annotate the URL part of the line (the whole line for continuation lines)
                ux = x + (sw(text[: text.index("：") + 1], size) if "：" in text else 0.0)
                c.linkURL(url, (ux, y - 3, x + sw(text, size), y + size), relative=0, thickness=0)
        # annotations over a phrase of the body
        for si, s in enumerate(b["sections"], 1):
            for ei, e in enumerate(s["entries"], 1):
                if "annot" not in e:
                    continue
                phrase, url = e["annot"]
                for x, y, size, text, key, kind, _ in pg:
                    if key == (si, ei) and kind == "p" and phrase in text:
                        px = x + sw(text[: text.index(phrase)], size)
                        c.linkURL(url, (px, y - 3, px + sw(phrase, size), y + size), relative=0, thickness=0)
                        annots.setdefault((si, ei), []).append(url)
        c.showPage()
    c.save()
    data = buf.getvalue()
    for si, s in enumerate(b["sections"], 1):
        for ei, e in enumerate(s["entries"], 1):
            assert "annot" not in e or annots.get((si, ei)), ("annotated phrase split over lines", si, ei)
    layout = {"sec_page": sec_page, "entry_pages": entry_pages, "toc_page": toc_page, "annots": annots}
    # sanity: some entry must span two pages, some paragraph must continue on the next page
    assert any(len(p) > 1 for p in entry_pages.values()), "no entry crosses a page break"
    return data, n_pages, layout, body_pages


# --------------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------------

def write(outdir, fname, data, doc):
    with open(os.path.join(outdir, fname), "wb") as fh:
        fh.write(data)
    with open(os.path.join(outdir, fname + ".expected.json"), "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "fixtures", "synthetic")
    os.makedirs(outdir, exist_ok=True)

    f = "netsec-2022-01.bom.txt"
    data = text_v1(B1)
    write(outdir, f, data, expected_doc(B1, f, data, "text"))

    f = "smartcity-2022-07.gb18030.txt"
    data = text_v2(B2)
    write(outdir, f, data, expected_doc(B2, f, data, "text"))

    f = "smartcity-2022-07.pages.txt"
    data = text_v2(B2, furniture=True)
    write(outdir, f, data, expected_doc(B2, f, data, "text"))

    f = "digigov-2023-04.rl.pdf"
    b3 = dict(B3, cover_mark="内部资料　注意保存")
    data, n, layout, _ = pdf_render(b3, f)
    write(outdir, f, data, expected_doc(b3, f, data, "pdf", n, layout))

    # two columns with a 2-em gutter (Word's default 2.02 字符), and with a 4-em one
    for f, gap in (("digigov-2023-04.2col.pdf", 24.0), ("digigov-2023-04.2col-wide.pdf", 48.0)):
        data, n, layout, _ = pdf_render(B3, f, columns=2, gap=gap)
        write(outdir, f, data, expected_doc(B3, f, data, "pdf", n, layout))


if __name__ == "__main__":
    main()
