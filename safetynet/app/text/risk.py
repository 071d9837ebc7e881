"""Words of the risk page (风险)."""

TEXT: dict[str, tuple[str, str]] = {
    "risk_place": ("查看地点", "Place"),
    "risk_score": ("综合风险", "Risk"),
    "risk_ha": ("危险性与暴露", "Hazard & exposure"),
    "risk_vu": ("脆弱性", "Vulnerability"),
    "risk_cc": ("应对能力不足", "Lack of coping capacity"),
    "risk_class_is": ("风险等级：{cls}", "Risk class: {cls}"),
    "risk_score_help": (
        "综合风险 =（危险性与暴露 × 脆弱性 × 应对能力不足）的立方根，0–10分；"
        "分级：极低 <2.0 ≤ 低 <3.5 ≤ 中 <5.0 ≤ 高 <6.5 ≤ 极高。",
        "Risk = cube root of (hazard & exposure × vulnerability × lack of coping capacity), "
        "0–10; classes: very low < 2.0 ≤ low < 3.5 ≤ medium < 5.0 ≤ high < 6.5 ≤ very high.",
    ),
    "risk_dimension_help": ("0–10分，越高越差。", "0–10, higher is worse."),
    "risk_map_title": ("风险等级分布图", "Risk classes on the map"),
    "risk_map_units": (
        "区县按风险等级着色；六边形为未整改隐患密度。",
        "Units coloured by risk class; hexagons show the density of open hazards.",
    ),
    "risk_map_communities": (
        "圆点为各社区（村），按风险等级着色；六边形为未整改隐患密度。点击圆点查看原因。",
        "Dots are communities, coloured by risk class; hexagons show the density of open "
        "hazards. Click a dot to see why.",
    ),
    "risk_show_hexes": ("显示未整改隐患密度（六边形）", "Show open-hazard density (hexagons)"),
    "risk_class_legend": ("风险等级", "Risk class"),
    "hex_legend": ("每个六边形内未整改隐患（处）", "Open hazards per hexagon"),
    "hex_size": (
        "六边形边长约{km}公里，按社区位置汇总。",
        "Hexagons about {km} km across the side, summed by community location.",
    ),
    "risk_classes_title": ("风险等级构成", "How communities and residents spread over the classes"),
    "risk_classes_communities": ("社区（村）", "Communities"),
    "risk_classes_residents": ("常住人口", "Residents"),
    "risk_high_summary": (
        "高及以上风险：{n}个社区（村），{people}常住人口。",
        "High or very high risk: {n} communities, {people} residents.",
    ),
    "risk_points_title": ("各指标对综合风险的贡献（分）", "Points each indicator adds to the risk"),
    "risk_points_unit": (
        "分（各指标得分合计等于综合风险）",
        "points (they add up to the risk score)",
    ),
    "risk_trend_title": (
        "综合风险及三个维度（近24个月）",
        "Risk and its dimensions, last 24 months",
    ),
    "risk_trend_unit": ("分（0–10）", "score (0–10)"),
    "heatmap_title_units": ("各区县未整改隐患：按类别", "Open hazards by category and unit"),
    "heatmap_title_streets": (
        "各街道（乡镇）未整改隐患：按类别",
        "Open hazards by category and street",
    ),
    "top_title": ("风险最高的{n}个社区（村）", "The {n} communities at highest risk"),
    "top_pick": (
        "点击一行，在上方查看该社区的风险构成。",
        "Click a row to see that community's risk above.",
    ),
    "col_rank": ("排名", "Rank"),
    "col_community": ("社区（村）", "Community"),
    "col_street": ("街道（乡镇）", "Street / town"),
    "col_population": ("常住人口", "Residents"),
    "col_risk": ("综合风险", "Risk"),
    "col_class": ("等级", "Class"),
    "col_ha": ("危险性与暴露", "Hazard & exposure"),
    "col_vu": ("脆弱性", "Vulnerability"),
    "col_cc": ("应对能力不足", "Lack of capacity"),
    "col_open": ("未整改隐患", "Open hazards"),
    "col_why": ("主要原因", "Why"),
    "no_risk": (
        "所选月份没有风险指数：风险指数按月计算，覆盖数据截至日前的24个月。",
        "There is no risk index for the chosen month: it is computed monthly for the 24 months "
        "up to the as-of date.",
    ),
    "hex_tip": (
        "未整改隐患{n}处（重大{major}处），涉及{c}个社区（村）",
        "{n} open hazards ({major} major) in {c} communities",
    ),
    "no_open_hazards": ("该周末没有未整改隐患。", "No hazard was open at the end of the week."),
    "risk_open_drill": ("在下钻中查看", "Open in drill-down"),
}
