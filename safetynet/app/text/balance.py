"""Words of the balance page (均衡)."""

TEXT: dict[str, tuple[str, str]] = {
    "indicator": ("能力指标", "Capacity indicator"),
    "gini": ("基尼系数", "Gini coefficient"),
    "gini_help": (
        "按人口加权：0表示各地人均完全相同，越接近1越集中于少数地方。",
        "Population-weighted: 0 when every place has the same per-capita value, nearer 1 the "
        "more it sits in a few places.",
    ),
    "theil": ("泰尔指数", "Theil index"),
    "theil_help": (
        "泰尔T指数，可分解为区县之间与区县内部两部分。",
        "Theil T, which splits into a part between districts and a part inside them.",
    ),
    "between_share": ("区县之间占比", "Between districts"),
    "between_streets": ("街道之间占比", "Between streets"),
    "within_share": ("区县内部占比", "Inside districts"),
    "inside_unit_sentence": (
        "{unit}各社区（村）之间，{topic}的基尼系数为{gini}；其不均衡中，{between}在街道（乡镇）之间，其余{within}在街道（乡镇）内部。",
        "Among {unit}'s communities the Gini coefficient of {topic} is {gini}; {between} of the "
        "imbalance lies between its streets, the rest ({within}) inside them.",
    ),
    "no_imbalance": (
        "{topic}：全市没有可比较的数据（均为0或没有人口），无法计算不均衡程度。",
        "{topic}: nothing to compare across the city (zero everywhere, or no residents).",
    ),
    "no_values": ("{topic}：没有数据。", "{topic}: no data."),
    "no_inside": (
        "该区县内没有可比较的数据（人口为0或该指标全部为0）。",
        "This unit has nothing to compare (no residents, or the indicator is zero everywhere).",
    ),
    "values_title_units": ("各区县{indicator}", "{indicator} by district"),
    "values_title_communities": (
        "{unit}：{indicator}最低的{n}个社区（村）",
        "{unit}: the {n} communities lowest in {indicator}",
    ),
    "city_mean": ("全市平均 {value}", "city mean {value}"),
    "unit_mean": ("本区县 {value}", "this unit {value}"),
    "norm_line": ("定额 {value}", "norm {value}"),
    "lorenz_title": ("洛伦兹曲线：{indicator}", "Lorenz curve: {indicator}"),
    "lorenz_curve": ("洛伦兹曲线", "Lorenz curve"),
    "lorenz_equal": ("完全均衡", "perfect equality"),
    "lorenz_x": ("人口累计占比", "Share of residents"),
    "lorenz_y": ("资源累计占比", "Share of the resource"),
    "lorenz_units": (
        "按人均值从低到高排列的{n}个{level}；曲线离对角线越远越不均衡。",
        "{n} {level}, from the lowest per-capita value up; the farther from the diagonal, the "
        "more unequal.",
    ),
    "level_units_community": ("社区（村）", "communities"),
    "level_units_district": ("区县", "districts"),
    "shortfall_title": (
        "短板清单：物资储备低于定额的社区（村）",
        "Shortfall list: communities below the supply norm",
    ),
    "shortfall_item": ("物资", "Supply"),
    "shortfall_all_items": ("全部物资", "All supplies"),
    "shortfall_matching": (
        "共{n}项低于定额，按缺口比例从大到小列出前{shown}项。",
        "{n} shortfalls in all; the {shown} largest (as a share of the norm) are listed.",
    ),
    "shortfall_none": ("没有低于定额的社区（村）。", "No community is below the norm."),
    "col_item": ("物资", "Supply"),
    "col_quantity": ("现有储备", "In stock"),
    "col_need": ("定额需求", "Norm"),
    "col_shortfall_share": ("缺口比例", "Shortfall"),
    "col_units_to_norm": ("达标还需", "To reach the norm"),
    "col_uncovered": ("未覆盖人口", "Residents not covered"),
    "funding_title": (
        "预防准备与救援恢复投入（{year}年）",
        "Prevention against response spending ({year})",
    ),
    "funding_prevention": ("预防准备", "Prevention"),
    "funding_response": ("救援恢复", "Response"),
    "funding_unit": ("万元", "10,000 yuan"),
    "funding_share_title": ("预防准备投入占比（逐年）", "Prevention's share of spending, by year"),
    "funding_none": ("没有预防准备与救援恢复投入的数据。", "There is no spending data."),
    "funding_note": (
        "文章指出“轻预防准备、重救援恢复”：占比低于50%即救援恢复投入多于预防准备。",
        "The article warns of 'little prevention, much rescue': below 50% means more went to "
        "response than to prevention.",
    ),
    "funding_table_title": (
        "预防准备与救援恢复投入（逐年）",
        "Prevention and response spending by year",
    ),
    "col_year": ("年份", "Year"),
    "col_prevention_wan": ("预防准备（万元）", "Prevention (10,000 yuan)"),
    "col_response_wan": ("救援恢复（万元）", "Response (10,000 yuan)"),
    "col_prevention_share": ("预防准备占比", "Prevention's share"),
    "col_prevention_per_resident": ("人均预防准备（元）", "Prevention per resident (yuan)"),
    "col_response_per_resident": ("人均救援恢复（元）", "Response per resident (yuan)"),
    "summary_title": (
        "全部指标的不均衡程度（最不均衡的在前）",
        "Every indicator, the most unequal first",
    ),
    "col_indicator": ("指标", "Indicator"),
    "col_value_unit": ("单位", "Unit"),
    "col_compared": ("比较单元", "Compared"),
    "col_units": ("单元数", "Units"),
    "col_mean": ("全市平均", "City mean"),
    "col_min": ("最低", "Lowest"),
    "col_max": ("最高", "Highest"),
    "col_gini": ("基尼系数", "Gini"),
    "col_theil": ("泰尔指数", "Theil"),
    "col_between": ("区县之间占比", "Between districts"),
    "col_sentence": ("解读", "Reading"),
}
