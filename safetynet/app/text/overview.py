"""Words of the overview page (总览)."""

TEXT: dict[str, tuple[str, str]] = {
    "signals": ("预警信号", "Early-warning signals"),
    "signals_summary": (
        "{week}共{n}条：红色{red}条、橙色{orange}条、黄色{yellow}条、蓝色{blue}条。最严重的在前。",
        "{n} in {week}: {red} red, {orange} orange, {yellow} yellow, {blue} blue. Most severe first.",
    ),
    "signals_none": (
        "{week}没有触发任何预警规则。",
        "No early-warning rule fired in {week}.",
    ),
    "signals_all": ("全部{n}条预警", "All {n} signals"),
    "signal_open": ("查看", "Open"),
    "signals_listed": (
        "下表列出最严重的{shown}条；下载的文件含全部{n}条。",
        "The table lists the {shown} most severe; the downloads hold all {n}.",
    ),
    "signal_running": ("已连续{n}周", "{n} weeks running"),
    "signal_latest_only": (
        "预警按最近一个完整周（{week}）计算，与所选周次无关。",
        "Signals are evaluated for the latest full week ({week}), whatever week is chosen.",
    ),
    "col_level": ("级别", "Level"),
    "col_rule": ("预警规则", "Rule"),
    "col_place": ("地点", "Place"),
    "col_reason": ("原因", "Reason"),
    "col_weeks_running": ("连续周数", "Weeks running"),
    "spark_note": ("小图：近12周", "Sparklines: last 12 weeks"),
    "trend_weeks": ("近26周", "last 26 weeks"),
    "overview_open": (
        "点击地图上的区县或排名中的{level}，在下钻中查看。",
        "Click a district on the map or a {level} in the ranking to open it in the drill-down.",
    ),
}
