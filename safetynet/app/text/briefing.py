"""Words of the weekly briefing page (周报)."""

TEXT: dict[str, tuple[str, str]] = {
    "briefing": ("周报", "Weekly briefing"),
    "briefing_deck": ("郑州市社区应急管理周报", "Zhengzhou community emergency management weekly"),
    "briefing_points": ("本周要点", "This week"),
    "briefing_worst": ("需关注的{level}（前{n}位）", "{level} to watch (top {n})"),
    "briefing_worst_note": (
        "按逾期未整改隐患排序，其次为重大隐患未整改",
        "Ranked by overdue hazards, then major hazards open",
    ),
    "briefing_alerts": ("橙色及以上预警", "Orange and red signals"),
    "briefing_alerts_count": (
        "截至{week}：红色{red}条、橙色{orange}条",
        "As of {week}: {red} red, {orange} orange",
    ),
    "briefing_alerts_more": ("另有{n}条，见总览页。", "{n} more on the overview page."),
    "briefing_alerts_none": (
        "{week}没有橙色或红色预警。",
        "No orange or red signal in {week}.",
    ),
    "briefing_map": ("各区县逾期未整改隐患", "Overdue hazards by district"),
    "bad_layout": ("链接中的版式无效，已改用桌面版：", "Unknown layout in the link, desktop used:"),
    "bad_capture": (
        "链接中的截图参数无效，已忽略：",
        "Unknown capture value in the link, ignored:",
    ),
}
