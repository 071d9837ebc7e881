"""Words of the drill-down page (下钻)."""

TEXT: dict[str, tuple[str, str]] = {
    "drill": ("下钻", "Drill-down"),
    "drill_search": ("查找街道、社区或网格", "Find a street, community or grid"),
    "drill_search_help": (
        "输入名称（可只输入一部分）或代码；网格按代码查找（至少12位）。",
        "Type a name (or part of one) or a code; grids are found by code (12 digits or more).",
    ),
    "drill_search_none": (
        "没有名称或代码含“{text}”的地点。",
        "No place's name or code holds “{text}”.",
    ),
    "drill_search_more": (
        "共{n}个结果，显示前{shown}个；请输入更完整的名称。",
        "{n} matches, the first {shown} shown; type more of the name.",
    ),
    "drill_figures": ("核心指标", "Key figures"),
    "drill_against": ("{parent}：{value}", "{parent}: {value}"),
    "drill_rank": ("同级{n}个中第{rank}（{low}—{high}）", "{rank} of {n} here ({low}–{high})"),
    "drill_rank_note": (
        "同级排名：与同一上级下的{level}相比，情况越差越靠前（新发现隐患按多少）；括号内为同级范围。",
        "Rank among the {level} of the same parent, the worst first (new hazards: the most "
        "first); in brackets, their range.",
    ),
    "drill_risk": ("风险等级", "Risk class"),
    "drill_risk_help": (
        "所选周所在月份的社区风险指数（0—10，人口加权）及其等级；网格不单独计算。",
        "The month's community risk index (0–10, population-weighted) and its class; grids have none.",
    ),
    "drill_children": ("下级{level}", "{level} below"),
    "drill_chart_title": (
        "逾期未整改与未整改隐患：逾期最多的{n}个{level}",
        "Overdue and open hazards below: the {n} with the most overdue",
    ),
    "drill_chart_none": (
        "截至{day}，下级{level}都没有未整改的隐患。",
        "No {level} below had an open hazard on {day}.",
    ),
    "drill_children_note": (
        "点击一行进入该{level}；点击列名排序。",
        "Click a row to open that {level}; click a header to sort.",
    ),
    "drill_worst": ("有逾期隐患的社区（村）", "Communities with overdue hazards"),
    "drill_worst_note": (
        "{unit}所有有逾期未整改隐患的社区（村），逾期最多的在前；点击一行查看其隐患清单。",
        "Every community of {unit} with overdue hazards, the most first; click a row for its hazard list.",
    ),
    "drill_worst_none": (
        "{unit}在{week}末没有逾期未整改的隐患。",
        "{unit} had no overdue hazard at the end of {week}.",
    ),
    "drill_hazards": ("未整改隐患清单", "Open hazards"),
    "drill_hazards_note": (
        "截至{day}仍未整改的隐患，逾期最久的在前；共{n}处。",
        "Hazards still open on {day}, the longest overdue first; {n} in all.",
    ),
    "drill_hazards_none": (
        "在所选条件下，{place}截至{day}没有未整改的隐患。",
        "With these filters, {place} had no open hazard on {day}.",
    ),
    "drill_filter_category": ("隐患类别", "Category"),
    "drill_filter_severity": ("隐患等级", "Severity"),
    "drill_filter_overdue": ("只看逾期", "Overdue only"),
    "drill_all": ("全部", "All"),
    "drill_place": ("地点", "Place"),
    "drill_grid": ("网格概况", "The grid"),
    "drill_grid_type": ("网格类型", "Grid type"),
    "drill_households": ("户数", "Households"),
    "drill_workers": ("网格员", "Grid workers"),
    "drill_team": ("应急力量", "Emergency team"),
    "drill_team_group": ("专职应急小组", "Full-time group"),
    "drill_team_squad": ("应急小分队", "Squad"),
    "drill_team_none": ("无", "None"),
    "drill_patrols_8w": ("近8周巡查", "Patrols, 8 weeks"),
    "drill_compliance_8w": ("近8周检查符合率", "Compliance, 8 weeks"),
    "drill_patrols_title": (
        "网格巡查次数与检查符合率（近8周）",
        "Grid patrols and compliance, last 8 weeks",
    ),
    "drill_patrols_unit": ("次；%", "patrols; %"),
    "drill_patrols": ("巡查次数", "Patrols"),
    "bad_place": (
        "链接中的地点代码不存在，已显示其上一级（或全市）：",
        "No place has the code in the link; showing the level above it (or the whole city):",
    ),
    "col_severity": ("等级", "Severity"),
    "drill_other_unit": (
        "链接中的地点不在所选区县内，已改为显示其所在的{unit}。",
        "The place in the link is not in the chosen district; showing it in {unit} instead.",
    ),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "col_supervised_open": ("挂牌督办未整改", "Supervised, open"),
    "col_source": ("来源", "Source"),
    "col_name": ("名称", "Name"),
    "col_new": ("新发现", "New"),
    "col_major_open": ("重大未整改", "Major open"),
    "col_rect_rate": ("整改率", "Rectification"),
    "col_compliance": ("检查符合率", "Compliance"),
    "level_grid": ("网格", "Grid"),
}
